//! The fix builders' toolkit, below the rules: what a builder sees ([`FixCtx`]: the index,
//! the files the scan parsed, sources), applying a file's edits, the gofmt alignment of
//! trailing comments after them (`align`), and the syscall-number edits of vendored x/sys
//! copies (`sysnum`). The fix phase that calls the builders and plans, applies and
//! verifies whole fixes is `crate::fix`.

pub mod align;
pub mod constraint;
pub mod sysnum;

use crate::constraints::BuildConfig;
use crate::finding::{Edit, Span};
use crate::index::{FileId, Index, Target};
use crate::syntax::FileSyntax;
use crate::walk::Sources;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Instant;
use tree_sitter::{Node, Tree};

/// A file as the scan parsed and checked it, kept for the fix phase (files with findings).
pub struct Parsed {
    pub src: Arc<Vec<u8>>,
    /// The tree the check read: when `partial`, without the function bodies no rule reads,
    /// or without the top-level declarations no rule holds, whole, when every rule checking
    /// the file reads only what it holds (`syntax::skipped_only_unread`,
    /// `Rule::reads_held_only`).
    pub checked: Tree,
    pub partial: bool,
    /// The whole tree, grown from `checked` when a fix builder first asks for it.
    whole: OnceLock<Tree>,
    /// Import name → where it leads, for the imports that resolve.
    pub imports: HashMap<String, Target>,
}

impl Parsed {
    pub fn new(
        src: Arc<Vec<u8>>,
        checked: Tree,
        partial: bool,
        imports: HashMap<String, Target>,
    ) -> Parsed {
        Parsed {
            src,
            checked,
            partial,
            whole: OnceLock::new(),
            imports,
        }
    }
}

/// The work of growing partial trees whole for the fix builders that asked for one.
#[derive(Default)]
pub struct Regrown {
    pub files: AtomicU64,
    pub bytes: AtomicU64,
    pub nanos: AtomicU64,
}

/// How fixes are to be built: the scan's choices that fix builders read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FixOptions {
    /// `--unsafe-fixes`: builders may then offer their wider, unsafe variant.
    pub unsafe_fixes: bool,
    /// Conversions without the `//nolint:unconvert` comment (`ABIPORT_NOLINT_UNCONVERT=0`).
    pub plain_conversions: bool,
}

/// What fix builders may look at: the whole index, the files the scan parsed (tree and
/// source, as their check saw them), other files' sources through the scan's one cache,
/// the build configuration the scan ran with, and how fixes are to be built.
pub struct FixCtx<'a> {
    pub index: &'a Index,
    pub build: &'a BuildConfig,
    pub options: FixOptions,
    parsed: HashMap<FileId, Parsed>,
    sources: &'a Sources,
    pub regrown: Regrown,
}

impl<'a> FixCtx<'a> {
    pub fn new(
        index: &'a Index,
        build: &'a BuildConfig,
        options: FixOptions,
        parsed: HashMap<FileId, Parsed>,
        sources: &'a Sources,
    ) -> Self {
        FixCtx {
            index,
            build,
            options,
            parsed,
            sources,
            regrown: Regrown::default(),
        }
    }

    /// The trees of the files the scan found something in, for whoever frees them.
    pub fn into_parsed(self) -> HashMap<FileId, Parsed> {
        self.parsed
    }

    /// A file the scan parsed and found something in.
    pub fn parsed(&self, file: FileId) -> Option<&Parsed> {
        self.parsed.get(&file)
    }

    /// The whole tree of a file the scan parsed, grown from the check's partial tree the
    /// first time a builder asks (most findings' files need none: no fix, or none built).
    pub fn whole_tree<'p>(&self, p: &'p Parsed) -> &'p Tree {
        if !p.partial {
            return &p.checked;
        }
        p.whole.get_or_init(|| {
            let t = Instant::now();
            let tree = crate::syntax::reparse_whole(&p.src, &p.checked)
                .or_else(|| crate::syntax::parse_go(&p.src))
                .unwrap_or_else(|| p.checked.clone());
            let nanos = t.elapsed().as_nanos().min(u64::MAX as u128) as u64;
            self.regrown.nanos.fetch_add(nanos, Ordering::Relaxed);
            self.regrown.files.fetch_add(1, Ordering::Relaxed);
            let bytes = p.src.len() as u64;
            self.regrown.bytes.fetch_add(bytes, Ordering::Relaxed);
            tree
        })
    }

    /// The syntactic view of a file the scan parsed, whole.
    pub fn file_syntax(&self, file: FileId) -> Option<FileSyntax<'_>> {
        let p = self.parsed.get(&file)?;
        Some(FileSyntax::new(
            self.index,
            file,
            &p.src,
            self.whole_tree(p),
            &p.imports,
        ))
    }

    /// The syntactic view of a file the scan parsed, with the tree its check read: whole,
    /// or without the insides of the function bodies no rule read (the finding's own
    /// declaration is in it; so is every other top-level declaration, unless every rule
    /// checking the file reads only what it holds: `Parsed::checked`).
    pub fn checked_syntax(&self, file: FileId) -> Option<FileSyntax<'_>> {
        let p = self.parsed.get(&file)?;
        Some(FileSyntax::new(
            self.index, file, &p.src, &p.checked, &p.imports,
        ))
    }

    /// The bytes of a file of the index, from the scan's source cache.
    pub fn source(&self, file: FileId) -> Option<Arc<Vec<u8>>> {
        self.sources.get(file).ok()
    }
}

/// The node a finding is spanned at: the deepest node covering exactly `span`.
pub fn node_at(tree: &Tree, span: Span) -> Option<Node<'_>> {
    let n = tree
        .root_node()
        .descendant_for_byte_range(span.start, span.end)?;
    (n.start_byte() == span.start && n.end_byte() == span.end).then_some(n)
}

/// Apply non-overlapping edits to a text, from the end so offsets stay valid.
/// Err when an edit is out of bounds or splits a UTF-8 character.
pub fn apply(src: &[u8], edits: &[Edit]) -> Result<Vec<u8>, String> {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| std::cmp::Reverse((e.start, e.end)));
    let text = std::str::from_utf8(src).ok();
    let mut out = src.to_vec();
    let mut below = src.len();
    for e in sorted {
        if e.start > e.end || e.end > src.len() {
            return Err(format!("edit {}..{} is outside the file", e.start, e.end));
        }
        if e.end > below {
            return Err(format!("edit {}..{} overlaps another edit", e.start, e.end));
        }
        below = e.start;
        if let Some(t) = text {
            if !t.is_char_boundary(e.start) || !t.is_char_boundary(e.end) {
                return Err(format!("edit {}..{} splits a character", e.start, e.end));
            }
        }
        out.splice(e.start..e.end, e.text.bytes());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applies_from_the_end() {
        let src = b"hello world";
        let out = apply(src, &[Edit::replace(0, 5, "bye"), Edit::insert(11, "!")]).unwrap();
        assert_eq!(out, b"bye world!");
        assert!(apply(src, &[Edit::replace(3, 20, "")]).is_err());
        assert!(apply("é".as_bytes(), &[Edit::insert(1, "x")]).is_err());
        assert!(apply(src, &[Edit::replace(0, 5, "a"), Edit::replace(3, 7, "b")]).is_err());
    }
}
