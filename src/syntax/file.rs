//! [`FileSyntax`]: one parsed file as every rule sees it, with what is computed once per
//! file and shared (references, resolved imports, parent links, the syscall scan).

use super::calls::FileScan;
use super::Parents;
use crate::arch::{Arch, ArchSet};
use crate::finding::{Finding, Span};
use crate::index::refs::{NameRef, Visit};
use crate::index::{FileId, FileInfo, Index, Target};
use std::cell::{Cell, OnceCell};
use std::collections::{HashMap, HashSet};
use tree_sitter::{Node, Tree};

/// The syntactic view of one parsed file.
pub struct FileSyntax<'a> {
    pub index: &'a Index,
    pub file: FileId,
    pub src: &'a [u8],
    pub tree: &'a Tree,
    /// References to package-level names (`crate::index::refs`), collected on first use:
    /// only the rules that read them pay for them.
    refs: OnceCell<Vec<NameRef>>,
    /// Import name → where it leads, for the imports that resolve.
    pub imports: &'a HashMap<String, Target>,
    /// Parent links of the tree, built on first use and shared by every reader.
    pub parents: Parents<'a>,
    /// The syscall-related nodes of the file, collected on first use and shared by the
    /// rules that read them (one walk of the tree, not one per rule).
    syscall_scan: OnceCell<FileScan<'a>>,
    /// Every name the file's imports bind, resolved or not, on first use.
    import_names: OnceCell<HashSet<String>>,
    /// Places where a rule needed a type and inference could not give it
    /// (`crate::types::note_gave_up`).
    gave_up: Cell<usize>,
    /// The first line where code was nested past a depth budget: what was nested, and
    /// the budget.
    too_deep: Cell<Option<(usize, &'static str, u32)>>,
}

impl<'a> FileSyntax<'a> {
    pub fn new(
        index: &'a Index,
        file: FileId,
        src: &'a [u8],
        tree: &'a Tree,
        imports: &'a HashMap<String, Target>,
    ) -> Self {
        FileSyntax {
            index,
            file,
            src,
            tree,
            refs: OnceCell::new(),
            imports,
            parents: Parents::new(tree.root_node()),
            syscall_scan: OnceCell::new(),
            import_names: OnceCell::new(),
            gave_up: Cell::new(0),
            too_deep: Cell::new(None),
        }
    }

    pub fn info(&self) -> &'a FileInfo {
        &self.index.files[self.file]
    }

    /// The file's `package` clause, where findings about the file as a whole are reported.
    pub fn package_clause(&self) -> Option<Node<'a>> {
        let root = self.tree.root_node();
        let mut c = root.walk();
        let found = root
            .named_children(&mut c)
            .find(|n| n.kind() == "package_clause");
        found
    }

    /// The file's references to package-level names, collected on first use.
    pub fn refs(&self) -> &[NameRef] {
        self.refs.get_or_init(|| {
            let nodes = self.parents.nodes();
            crate::index::refs::collect_walking(
                self.tree,
                self.src,
                self.import_names(),
                &|decl, f| nodes.walk_from(decl, f),
            )
        })
    }

    /// Every name the file's imports bind, resolved or not.
    fn import_names(&self) -> &HashSet<String> {
        self.import_names.get_or_init(|| {
            self.index
                .import_bindings(self.file)
                .into_iter()
                .map(|(n, _)| n)
                .collect()
        })
    }

    /// Whether one of the file's imports binds `name` (`Index::import_bindings`), wherever
    /// it leads: a cheap no before resolving the imports one by one.
    pub fn binds_import(&self, name: &str) -> bool {
        self.import_names().contains(name)
    }

    pub fn syscall_scan(&self) -> &FileScan<'a> {
        self.syscall_scan.get_or_init(|| FileScan::collect(self))
    }

    /// Depth-first pre-order walk of the whole tree (as `crate::index::refs::walk_tree`
    /// from the root), over the node table read off the tree once for every such walk.
    pub fn walk(&self, f: impl FnMut(&Visit<'a, '_>) -> bool) {
        self.parents.nodes().walk(f)
    }

    /// Arches the file builds for among the scan's targets.
    pub fn targets(&self) -> ArchSet {
        self.info().arches.intersect(self.index.targets)
    }

    /// The reference arch and the targets the file builds for beside it, when the file
    /// builds for the reference and for at least one other target (the rules that compare
    /// a target with the reference judge nothing else).
    pub fn reference_and_targets(&self) -> Option<(Arch, ArchSet)> {
        self.index.reference_and_targets(self.file)
    }

    /// A finding of rule `rule` at `node` (an error, without payload or fix).
    pub fn finding(
        &self,
        rule: &'static str,
        node: Node<'_>,
        arches: ArchSet,
        message: String,
        fact: String,
    ) -> Finding {
        self.finding_at(rule, Span::from_node(&node), arches, message, fact)
    }

    /// A finding of rule `rule` at `span` of this file (an error, without a fix).
    pub fn finding_at(
        &self,
        rule: &'static str,
        span: Span,
        arches: ArchSet,
        message: String,
        fact: String,
    ) -> Finding {
        Finding::at(
            rule,
            self.file,
            self.info().rel.clone(),
            span,
            arches,
            message,
            fact,
        )
    }

    /// Count one place where a rule needed a type and inference could not give it.
    pub fn note_gave_up(&self) {
        self.gave_up.set(self.gave_up.get() + 1);
    }

    /// How often inference gave up in this file.
    pub fn gave_up(&self) -> usize {
        self.gave_up.get()
    }

    /// Record that type inference stopped at `node` because the `what` (expression,
    /// block) there is nested deeper than `budget`: inference is bounded, as hostile or
    /// generated code could otherwise take minutes or overflow the stack. The earliest
    /// line is kept.
    pub fn note_too_deep(&self, node: Node<'_>, what: &'static str, budget: u32) {
        let line = node.start_position().row + 1;
        if self.too_deep.get().is_none_or(|(l, _, _)| line < l) {
            self.too_deep.set(Some((line, what, budget)));
        }
    }

    /// The note for this file when a depth budget was hit: "line L: expression nested
    /// deeper than N; not type-checked".
    pub fn depth_note(&self) -> Option<String> {
        let (line, what, budget) = self.too_deep.get()?;
        Some(format!(
            "line {line}: {what} nested deeper than {budget}; not type-checked"
        ))
    }
}
