//! `undefined-on-arch`: a package-level name used from a file that builds for a target,
//! declared for the reference arch but by no file that builds for the target.

#[path = "undefined_on_arch_fix.rs"]
mod fix;

use super::{Bodies, FileCtx, FixAvailability, Rule, RuleMeta, SourceView, TypeNeed};
use crate::abi;
use crate::abi::table_source;
use crate::arch::{Arch, ArchSet};
use crate::finding::{push_cited, Finding, Payload};
use crate::index::{AbiImport, DeclSite, FileId, Index, PkgId, Target};
use crate::syntax::tree::Span;
use rustc_hash::FxHashSet;
use std::collections::HashMap;

pub struct UndefinedOnArch;

pub(super) static META: RuleMeta = RuleMeta {
    id: "undefined-on-arch",
    summary: "a name the reference arch declares is undefined on a target arch",
    doc: include_str!("../../rules/undefined-on-arch.md"),
    fix: FixAvailability::Sometimes,
    imports: None,
    words: &[],
    fixer: Some(fix::attach),
};

impl Rule for UndefinedOnArch {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn wants(&self, index: &Index, file: FileId) -> bool {
        index.touches_varying(file)
    }

    /// Parse only files that mention a varying name: unqualified in their own package (and
    /// not declared by the file itself, which then builds only where the name exists), or
    /// selected through an import of a package where it varies.
    /// Nothing is judged in a file that builds for no target beside the reference (a use
    /// breaks only where the name is not declared, and the reference declares it); the
    /// member half also wants the file to build for the reference.
    ///
    /// The candidates' offsets are the bodies' (one scan for both).
    fn plan_source(
        &self,
        index: &Index,
        file: FileId,
        src: &SourceView<'_>,
    ) -> Option<Option<Bodies>> {
        if !judges_some_target(index, file) {
            return None;
        }
        let at = skimmed_offsets(index, file, src.bytes(), self.member_half(index, file));
        (!at.is_empty()).then_some(Some(Bodies::Holding(at)))
    }

    /// A finding is at a reference (`cx.refs()`, scoped per top-level declaration) or a
    /// member selector the prefilter's skim names; its check reads that top-level
    /// declaration alone besides package-level names.
    fn bodies(&self, index: &Index, file: FileId, src: &[u8]) -> Bodies {
        Bodies::Holding(skimmed_offsets(
            index,
            file,
            src,
            self.member_half(index, file),
        ))
    }

    /// Members (`t.Ispeed`) need the operand's type on each arch: files that import a
    /// syscall package and select a member some target lacks. Operands come from the file's
    /// own package or one it imports, so their declarations suffice.
    fn type_need(&self, index: &Index, file: FileId, src: &[u8]) -> TypeNeed {
        if member_offsets(index, file, src).is_empty() {
            TypeNeed::None
        } else {
            TypeNeed::Direct
        }
    }

    /// References are scoped per top-level declaration and judged by the index's
    /// declarations; members by the inference: nothing of the file's other declarations.
    fn reads_held_only(&self) -> bool {
        true
    }

    fn check(&self, cx: &FileCtx<'_>, out: &mut Vec<Finding>) {
        let index = cx.index;
        let builds_for = cx.info().arches.intersect(index.targets);
        if builds_for.is_empty() {
            return;
        }
        super::undefined_member::check(cx, builds_for, out);
        let refs = cx.refs().iter();
        judge_refs(
            index,
            cx.file,
            cx.imports,
            refs.map(|r| (r.qualifier.as_deref(), r.name.as_str(), r.span)),
            out,
        );
    }

    /// A file whose candidates are all names (no member some target lacks) and sit in
    /// declarations whose tokens place every occurrence of them and of the imports they
    /// select through (`lexer::refs`): its references are the tree's, so its findings are.
    fn judge_tokens(&self, index: &Index, file: FileId, src: &[u8]) -> Option<Vec<Finding>> {
        let builds_for = index.files[file].arches.intersect(index.targets);
        if builds_for.is_empty() {
            return Some(Vec::new());
        }
        let judge = NameJudge::new(index, file);
        let (mut at, members) = skimmed(&judge, src, self.member_half(index, file));
        if !members.is_empty() {
            return None;
        }
        at.sort_unstable();
        if crate::lexer::refs::NOT_REFERENCES
            .iter()
            .any(|n| judge.own(n))
        {
            return None;
        }
        let bindings = index.import_bindings(file);
        let all_imports: FxHashSet<&str> = bindings.iter().map(|(n, _)| n.as_str()).collect();
        let decls = crate::lexer::refs::top_declarations(src)?;
        // Every candidate sits in a declaration.
        let mut held = 0;
        let mut refs = Vec::new();
        for range in decls {
            let from = at.partition_point(|&o| o < range.start);
            let to = at.partition_point(|&o| o < range.end);
            if from == to {
                continue;
            }
            held += to - from;
            let d = crate::lexer::refs::decl_refs(src, range, |n| all_imports.contains(n));
            let unsure_candidate = (d.unsure.iter())
                .any(|u| judge.own(u) || judge.by_alias.iter().any(|(a, _)| a == u));
            if unsure_candidate {
                return None;
            }
            refs.extend(d.refs.into_iter().filter(|r| match r.qualifier {
                Some(q) => judge.qualified(q, r.name),
                None => judge.own(r.name),
            }));
        }
        if held != at.len() {
            return None;
        }
        let lines = crate::syntax::tree::line_starts(src);
        let imports = crate::index::resolved(bindings);
        let mut out = Vec::new();
        judge_refs(
            index,
            file,
            &imports,
            refs.iter().map(|r| {
                let span = Span::from_offsets(&lines, r.start, r.end);
                (r.qualifier, r.name, span)
            }),
            &mut out,
        );
        Some(out)
    }
}

/// The findings at `refs` (qualifier, name, span) of `file`, whose imports resolve as
/// `imports` say: each name declared for the reference arch and not for some target the
/// file builds for.
fn judge_refs<'r>(
    index: &Index,
    file: FileId,
    imports: &HashMap<String, Target>,
    refs: impl IntoIterator<Item = (Option<&'r str>, &'r str, Span)>,
    out: &mut Vec<Finding>,
) {
    let info = &index.files[file];
    let builds_for = info.arches.intersect(index.targets);
    let own_pkg = index.file_package[file];
    for (qualifier, name, span) in refs {
        // Another package's test files are not part of it for its importers.
        let from_test = info.is_test && qualifier.is_none();
        let (declared, origin) = match qualifier {
            Some(q) => match imports.get(q) {
                Some(Target::Local(p)) => match index.decl_arches(*p, name, false) {
                    Some((arches, sites)) => (arches, Origin::Local(*p, sites)),
                    None => continue,
                },
                Some(Target::Table(pkg)) => (table_arches(*pkg, name), Origin::Table(*pkg)),
                None => continue,
            },
            None => match own_pkg.filter(|p| index.packages[*p].varies) {
                Some(p) => match index.decl_arches(p, name, from_test) {
                    Some((arches, sites)) => (arches, Origin::Local(p, sites)),
                    None => continue,
                },
                None => continue,
            },
        };
        if !declared.contains(index.reference) {
            continue;
        }
        let broken = builds_for.minus(declared);
        if broken.is_empty() {
            continue;
        }
        let shown = match qualifier {
            Some(q) => format!("{q}.{name}"),
            None => name.to_string(),
        };
        let (fact, payload) = match origin {
            Origin::Local(p, sites) => (
                local_fact(index, name, sites, declared, broken, from_test),
                Payload::Undefined {
                    package: p,
                    name: name.to_string(),
                },
            ),
            Origin::Table(pkg) => (table_fact(pkg, name, declared, broken), Payload::None),
        };
        out.push(
            Finding::at(
                META.id,
                file,
                info.rel.clone(),
                span,
                broken,
                format!("`{shown}` is undefined on {broken}"),
                fact,
            )
            .with_payload(payload),
        );
    }
}

impl UndefinedOnArch {
    /// Whether the member half checks the file: it builds for the reference.
    fn member_half(&self, index: &Index, file: FileId) -> bool {
        !index.files[file]
            .arches
            .intersect(ArchSet::single(index.reference))
            .is_empty()
    }
}

/// Nothing is judged in a file that builds for no target beside the reference (a use
/// breaks only where the name is not declared, and the reference declares it).
fn judges_some_target(index: &Index, file: FileId) -> bool {
    let reference = ArchSet::single(index.reference);
    !index.files[file]
        .arches
        .intersect(index.targets)
        .minus(reference)
        .is_empty()
}

/// Where a file that imports a syscall package selects a member some target lacks
/// (`t.Ispeed`), when it spells a name that can bring a value of that member's type
/// (`Index::reach`): the member check's candidates.
fn member_offsets(index: &Index, file: FileId, src: &[u8]) -> Vec<usize> {
    let mut at = Vec::new();
    if !index.file_imports_abi(file, AbiImport::AnySpelling) {
        return at;
    }
    let members = index.member_tokens();
    crate::lexer::for_each_selected(src, |name, off| {
        if members.contains(name) {
            at.push(off);
        }
    });
    // Only where the function holding it or the package-level declarations spell a name
    // that can bring a value of such a type.
    if let (Some(reach), false) = (index.reach.as_ref(), at.is_empty()) {
        let brought = reach.members.mentions_at(index, file, src, &at);
        at.retain(|&off| brought.at(off) != 0);
    }
    at
}

/// Which names a file uses the check can judge undefined: unqualified in its own package
/// (and not declared by the file itself, which then builds only where the name exists),
/// or selected through an import of a package where it varies; either way declared for
/// the reference and not for some target the file builds for, as `check` asks (a test
/// file sees its package's test files too, so a name only tests declare is no candidate
/// there).
struct NameJudge<'i> {
    index: &'i Index,
    file: FileId,
    builds_for: ArchSet,
    /// The file's package, when it declares varying names.
    own: Option<PkgId>,
    by_alias: Vec<(String, Varying<'i>)>,
}

impl<'i> NameJudge<'i> {
    fn new(index: &'i Index, file: FileId) -> NameJudge<'i> {
        let own = index.file_package[file].filter(|&p| !index.varying[p].is_empty());
        let mut by_alias: Vec<(String, Varying<'_>)> = Vec::new();
        for (alias, target) in index.import_bindings(file) {
            match target {
                Some(Target::Local(p)) if !index.varying[p].is_empty() => {
                    by_alias.push((alias, Varying::Local(p, &index.varying[p])))
                }
                Some(Target::Table(pkg)) => by_alias.push((
                    alias,
                    Varying::Table(pkg, &index.table_varying[pkg as usize]),
                )),
                _ => {}
            }
        }
        NameJudge {
            index,
            file,
            builds_for: index.files[file].arches.intersect(index.targets),
            own,
            by_alias,
        }
    }

    fn breaks(&self, declared: ArchSet) -> bool {
        declared.contains(self.index.reference) && !self.builds_for.minus(declared).is_empty()
    }

    fn local_breaks(&self, p: PkgId, name: &str, from_test: bool) -> bool {
        self.index
            .decl_arches(p, name, from_test)
            .is_some_and(|(declared, _)| self.breaks(declared))
    }

    /// `name`, unqualified, is a candidate.
    fn own(&self, name: &str) -> bool {
        self.own.is_some_and(|p| {
            self.index.varying[p].contains(name)
                && !self.index.declares(self.file, name)
                && self.local_breaks(p, name, self.index.files[self.file].is_test)
        })
    }

    /// `q.name` is a candidate.
    fn qualified(&self, q: &str, name: &str) -> bool {
        self.by_alias.iter().any(|(a, v)| {
            a == q
                && match v {
                    Varying::Local(p, names) => {
                        names.contains(name) && self.local_breaks(*p, name, false)
                    }
                    Varying::Table(pkg, names) => {
                        names.contains(name) && self.breaks(table_arches(*pkg, name))
                    }
                }
        })
    }
}

/// Where the file may use a name [`NameJudge`] judges a candidate (at the name, a
/// selector's too) or, with `members`, select a member that
/// [`member_offsets`] keeps: from one byte skim, a superset of what the token passes give
/// (the skim's selected names and selectors hold the lexer's, `a.b.c` gives `b.c` too),
/// which only holds more declarations. Most files importing a syscall package use no name
/// some target lacks: then it is empty.
fn skimmed_offsets(index: &Index, file: FileId, src: &[u8], members: bool) -> Vec<usize> {
    let (mut at, selected) = skimmed(&NameJudge::new(index, file), src, members);
    at.extend(selected);
    at
}

/// [`skimmed_offsets`] with the file's `judge`: the names' offsets, and apart those of
/// the members.
fn skimmed(judge: &NameJudge<'_>, src: &[u8], members: bool) -> (Vec<usize>, Vec<usize>) {
    let (index, file) = (judge.index, judge.file);
    let members = (members && index.file_imports_abi(file, AbiImport::AnySpelling))
        .then(|| index.member_tokens());
    let mut at = Vec::new();
    if judge.own.is_none() && judge.by_alias.is_empty() && members.is_none() {
        return (at, Vec::new());
    }
    // Most identifiers are in none of the sets asked below.
    let filter = index.varying_filter();
    let mut selected = Vec::new();
    crate::lexer::skim::any_ident(src, |id| {
        if !filter.may_contain(id.name) {
            return false;
        }
        if id.selected && members.is_some_and(|m| m.contains(id.name)) {
            selected.push(id.at);
        }
        if judge.own(id.name) || id.qualifier.is_some_and(|q| judge.qualified(q, id.name)) {
            at.push(id.at);
        }
        false
    });
    // Members only where the function holding them or the package-level declarations
    // spell a name that can bring a value of such a type, as `member_offsets` keeps them.
    // The skim first (replayed; a superset of `mentions_at`): most files that select such
    // a member spell no such name anywhere, and then no token is needed.
    if let (Some(reach), false) = (index.reach.as_ref(), selected.is_empty()) {
        let mentions = reach.members.skim(index, file);
        let brings = crate::lexer::skim::any_ident(src, |id| {
            mentions.seeds(&id) != crate::index::Seeds::ZERO
        });
        if brings {
            let brought = reach.members.mentions_at(index, file, src, &selected);
            selected.retain(|&off| brought.at(off) != 0);
        } else {
            selected.clear();
        }
    }
    (at, selected)
}

/// The names a package of the tree or a table package declares for the reference and not
/// for some target.
enum Varying<'a> {
    Local(PkgId, &'a rustc_hash::FxHashSet<String>),
    Table(abi::Package, &'a rustc_hash::FxHashSet<&'static str>),
}

enum Origin<'a> {
    /// Declared by a package of the tree, at these sites.
    Local(PkgId, &'a [DeclSite]),
    Table(abi::Package),
}

/// Arches whose table of `pkg` declares `name`.
pub fn table_arches(pkg: abi::Package, name: &str) -> ArchSet {
    Arch::ALL
        .into_iter()
        .filter(|a| abi::table(*a, pkg).has_exported(name))
        .collect()
}

fn local_fact(
    index: &Index,
    name: &str,
    sites: &[DeclSite],
    declared: ArchSet,
    broken: ArchSet,
    from_test: bool,
) -> String {
    // One string per site, built in place (a use's fact cites every declaring file, and
    // 900 uses of x/sys names on Kubernetes' tree were a third of this rule's check).
    let mut parts: Vec<String> = sites
        .iter()
        .filter(|s| from_test || !index.files[s.file].is_test)
        .map(|s| {
            use std::fmt::Write;
            let f = &index.files[s.file];
            let mut part = String::with_capacity(f.rel.len() + 16);
            push_cited(&mut part, &f.rel);
            let _ = write!(part, ":{}", s.span.line);
            if let Some(c) = f.constraint.as_deref() {
                let _ = write!(part, " (`{c}`)");
            }
            part
        })
        .collect();
    parts.sort();
    parts.dedup();
    let more = parts.len().saturating_sub(3);
    parts.truncate(3);
    let mut text = format!("`{name}` is declared in {}", parts.join(", "));
    if more > 0 {
        text.push_str(&format!(" and {more} more"));
    }
    text.push_str(&format!(
        ", which build for {declared}; no file declaring it builds for {broken}"
    ));
    text
}

fn table_fact(pkg: abi::Package, name: &str, declared: ArchSet, broken: ArchSet) -> String {
    let mut text = format!(
        "`{}` declares `{name}` on {declared} but not on {broken} ({})",
        pkg.import_path(),
        table_source(pkg)
    );
    if let Some(stem) = name.strip_prefix("SYS_") {
        // Group arches that offer the same replacements: "arm64, riscv64 have `SYS_EPOLL_PWAIT`".
        let mut groups: Vec<(Vec<String>, ArchSet)> = Vec::new();
        for arch in broken.iter() {
            let alts = syscall_alternatives(pkg, arch, stem);
            if alts.is_empty() {
                continue;
            }
            match groups.iter_mut().find(|(a, _)| *a == alts) {
                Some((_, set)) => set.insert(arch),
                None => groups.push((alts, ArchSet::single(arch))),
            }
        }
        for (alts, set) in groups {
            let verb = if set.len() == 1 { "has" } else { "have" };
            let list = alts
                .iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(", ");
            text.push_str(&format!("; {set} {verb} {list}"));
        }
    }
    text
}

/// Syscalls a target has in place of a missing one: the `*at`, `p*`, numbered, `*64` and
/// `_new*` variants the kernel added when it retired the old entry points.
pub fn syscall_alternatives(pkg: abi::Package, arch: Arch, stem: &str) -> Vec<String> {
    let mut cands = vec![
        format!("{stem}AT"),
        format!("F{stem}AT"),
        format!("NEWF{stem}AT"),
        format!("P{stem}"),
        format!("P{stem}6"),
        format!("{stem}1"),
        format!("{stem}64"),
        format!("_NEW{stem}"),
        format!("NEW{stem}"),
        format!("{stem}X"),
    ];
    // EPOLL_WAIT → EPOLL_PWAIT
    for (i, _) in stem.match_indices('_') {
        cands.push(format!("{}_P{}", &stem[..i], &stem[i + 1..]));
    }
    // DUP2 → DUP3, PIPE → PIPE2
    if let Some(d) = stem.chars().last().and_then(|c| c.to_digit(10)) {
        cands.push(format!("{}{}", &stem[..stem.len() - 1], d + 1));
    } else {
        cands.push(format!("{stem}2"));
    }
    let table = abi::table(arch, pkg);
    let mut out: Vec<String> = cands
        .into_iter()
        .map(|c| format!("SYS_{c}"))
        .filter(|c| table.syscall(c).is_some())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Fold the findings that repeat one cause, so that each cause is reported once, where it
/// lies. Run on the merged findings of a scan; only unfixable findings are folded (a use
/// that `fix` mends stays, to be mended in the same run).
///
/// - Another package not building, as the go command does (it stops at the package that
///   fails and never compiles those importing it): a use of package P's name from another
///   package is dropped when every arch it breaks is one where P itself has findings of
///   this rule (under every cgo setting the use breaks under). P's first finding then says
///   how many uses in how many packages were folded into it.
/// - A package without per-arch files for an arch (a vendored x/sys from before loong64):
///   the uses inside it of names that only its per-arch files (`_amd64.go`…) declare, on
///   the same arches and cgo settings, are one finding, which lists the others' names.
pub fn fold_dependents(findings: &mut Vec<Finding>) {
    use crate::constraints::{file_name::name_arch, CgoSet};
    use std::collections::{BTreeSet, HashMap};
    let dir_of = |p: &str| crate::walk::dir_of(p).to_string();
    let mut broken: HashMap<(String, Arch), CgoSet> = HashMap::new();
    for f in findings.iter().filter(|f| f.rule == META.id) {
        for a in f.arches.iter() {
            let e = broken.entry((dir_of(&f.path), a)).or_insert(CgoSet::EMPTY);
            *e = e.union(f.configs);
        }
    }
    // An unfixable finding's name and the files that declare it, as the fact cites them.
    let declared = |f: &Finding| -> Option<(String, Vec<String>)> {
        let Payload::Undefined { name, .. } = &f.payload else {
            return None;
        };
        if f.rule != META.id || f.fix.is_some() {
            return None;
        }
        let sites: Vec<String> = f
            .related()
            .into_iter()
            .filter(|r| r.line.is_some())
            .map(|r| r.path)
            .collect();
        (!sites.is_empty()).then(|| (name.clone(), sites))
    };

    // Uses from other packages of a package that does not build, counted per declaring
    // directory; and inside a package, names only its per-arch files declare, kept once
    // per arch set and cgo settings (the others' names listed on the one kept).
    let mut dependents: HashMap<String, (usize, ArchSet, BTreeSet<String>)> = HashMap::new();
    let mut kept: HashMap<(String, ArchSet, CgoSet), usize> = HashMap::new();
    let mut also: HashMap<usize, Vec<String>> = HashMap::new();
    let mut out = Vec::with_capacity(findings.len());
    for f in std::mem::take(findings) {
        let Some((name, sites)) = declared(&f) else {
            out.push(f);
            continue;
        };
        let own = dir_of(&f.path);
        let decl = dir_of(&sites[0]);
        if decl != own {
            let consequence = f.arches.iter().all(|a| {
                broken
                    .get(&(decl.clone(), a))
                    .is_some_and(|c| f.configs.minus(*c).is_empty())
            });
            if consequence {
                let e = dependents
                    .entry(decl)
                    .or_insert((0, ArchSet::EMPTY, BTreeSet::new()));
                e.0 += 1;
                e.1 = e.1.union(f.arches);
                e.2.insert(own);
                continue;
            }
        } else if sites.iter().all(|s| {
            crate::walk::dir_of(s) == own && name_arch(crate::walk::file_name(s)).is_some()
        }) {
            let key = (own, f.arches, f.configs);
            if let Some(&first) = kept.get(&key) {
                also.entry(first).or_default().push(name);
                continue;
            }
            kept.insert(key, out.len());
        }
        out.push(f);
    }
    *findings = out;
    for (at, names) in &also {
        let f = &mut findings[*at];
        let own = match &f.payload {
            Payload::Undefined { name, .. } => name.as_str(),
            _ => "",
        };
        let mut others: Vec<&str> = names
            .iter()
            .map(String::as_str)
            .filter(|n| *n != own)
            .collect();
        others.sort_unstable();
        others.dedup();
        let mut shown: Vec<String> = others.iter().take(4).map(|n| format!("`{n}`")).collect();
        if others.len() > shown.len() {
            shown.push(format!("{} more", others.len() - shown.len()));
        }
        let uses = names.len();
        f.message.push_str(&format!(
            "; {uses} more use{} in this package {} undefined there for the same reason, names \
             declared only in per-arch files, none of them for {}{}",
            if uses == 1 { "" } else { "s" },
            if uses == 1 { "is" } else { "are" },
            f.arches,
            if shown.is_empty() {
                String::new()
            } else {
                format!(" ({})", shown.join(", "))
            },
        ));
    }

    let mut told = std::collections::HashSet::new();
    for f in findings.iter_mut().filter(|f| f.rule == META.id) {
        let dir = dir_of(&f.path);
        let Some((uses, arches, importers)) = dependents.get(&dir) else {
            continue;
        };
        if f.arches.intersect(*arches).is_empty() || !told.insert(dir) {
            continue;
        }
        let (n, m) = (importers.len(), *uses);
        let on = if *arches == f.arches {
            "there".to_string()
        } else {
            format!("on {arches}")
        };
        f.message.push_str(&format!(
            "; so the package does not build {on}, and {m} use{} of its names in {n} \
             importing package{} {} not reported until it does",
            if m == 1 { "" } else { "s" },
            if n == 1 { "" } else { "s" },
            if m == 1 { "is" } else { "are" },
        ));
    }
}
