//! `impossible-goarch`: a string literal compared with a value that holds `runtime.GOARCH`
//! or `runtime.GOOS` (`==`, `!=`, a `switch` case, a key of a map only indexed by it) that
//! is no name the go command gives an arch or OS (`"mipsel64"`, `"x86_64"`): the branch is
//! dead, on the arch the author meant.

#[path = "impossible_goarch_fix.rs"]
mod fix;

use super::held::{DeclSpans, Decls};
use super::platform::{
    self, derived, map_keys, map_literal, meant, string_value, unparen, Meant, Platform,
};
use super::{Bodies, FileCtx, FixAvailability, Rule, RuleMeta, SourceView};
use crate::arch::{Arch, ArchSet};
use crate::finding::Finding;
use crate::index::{FileId, FileInfo, Index};
use crate::lexer::StringRole;
use crate::syntax::tree::FIELD;
use crate::syntax::{text, FileSyntax};
use std::collections::HashSet;
use tree_sitter::Node;

pub struct ImpossibleGoarch;

pub(super) static META: RuleMeta = RuleMeta {
    id: "impossible-goarch",
    summary: "a string compared with `runtime.GOARCH`/`GOOS` that no arch or OS is called, so its branch is dead",
    doc: include_str!("../../rules/impossible-goarch.md"),
    fix: FixAvailability::Sometimes,
    imports: None,
    words: &["GOARCH", "GOOS"],
    fixer: Some(fix::attach),
};

impl Rule for ImpossibleGoarch {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn wants(&self, index: &Index, file: FileId) -> bool {
        let f = &index.files[file];
        header_suspect(f)
            || f.imports
                .iter()
                .any(|i| matches!(i.path.as_str(), "runtime" | "os" | "go/build"))
    }

    /// `//go:build mipsel64` alone builds for no arch, and is still this rule's.
    fn checks_unbuilt(&self, index: &Index, file: FileId) -> bool {
        header_suspect(&index.files[file])
    }

    /// Besides a suspect header: a file that reads GOARCH or GOOS and holds a string
    /// literal the check would judge misnamed for one of its targets (the check judges
    /// only string literals, with [`misnamed`], and only where a value is compared with
    /// them: operands of `==`/`!=`, case labels, map keys).
    fn wants_source(&self, index: &Index, file: FileId, src: &SourceView<'_>) -> bool {
        let f = &index.files[file];
        if header_suspect(f) {
            return true;
        }
        let targets = f.arches.intersect(index.targets);
        // The byte skim first (no tokens): most files reading GOARCH compare it with no
        // such literal.
        !targets.is_empty()
            && META.words.iter().any(|w| src.mentions(w))
            && crate::lexer::skim::any_compared_string(src.bytes(), |s| misnamed_either(s, targets))
            && {
                let judged = Judged::new(src.bytes());
                let mut hit = false;
                crate::lexer::for_each_string(src.bytes(), |s, off, role| {
                    hit = hit
                        || (role.compared()
                            && misnamed_either(s, targets)
                            && judged.may(off, role));
                });
                hit
            }
    }

    /// A finding is at a string literal [`misnamed`] for a target (or at the package
    /// clause, always parsed). A comparison or a switch reads its own function alone (the
    /// locals [`derived`] follows are its own). A key of a map literal (a literal before a
    /// `:`) may be judged from a lookup elsewhere, reading every use of the map in the
    /// file: then every declaration naming an identifier indexed (`m[`) where GOARCH or
    /// GOOS is read is kept too.
    fn bodies(&self, index: &Index, file: FileId, src: &[u8]) -> Bodies {
        let targets = index.files[file].arches.intersect(index.targets);
        let mut at = Vec::new();
        let mut keys = false;
        if !targets.is_empty() {
            let judged = Judged::new(src);
            crate::lexer::for_each_string(src, |s, off, role| {
                if role.compared() && misnamed_either(s, targets) && judged.may(off, role) {
                    at.push(off);
                    keys |= role == StringRole::Key;
                }
            });
        }
        if keys {
            let Some(decls) = Decls::new(src) else {
                return Bodies::All;
            };
            let mut maps: HashSet<&str> = HashSet::new();
            for d in (0..decls.len()).map(Some).chain([None]) {
                if decls.mentions(d, META.words) {
                    maps.extend(decls.idents(d).iter().filter(|(_, i)| *i).map(|(n, _)| n));
                }
            }
            for m in maps {
                at.extend(decls.with_ident(m).iter().map(|&d| decls.start(d)));
            }
        }
        Bodies::Holding(at)
    }

    fn check(&self, cx: &FileCtx<'_>, out: &mut Vec<Finding>) {
        let cx: &FileSyntax<'_> = cx;
        // Before the test below: a constraint tag is wrong exactly when the file does not
        // build for the target it names.
        if header_suspect(cx.info()) {
            check_header(cx, out);
        }
        if cx.targets().is_empty() {
            return;
        }
        let mut maps_seen = HashSet::new();
        // The file's node table, not a cursor walk (findings are sorted afterwards, and a
        // map is judged the same from whichever lookup reaches it first).
        cx.walk(|v| {
            let n = v.node;
            match v.kind {
                "binary_expression" => out.extend(check_comparison(cx, n)),
                "expression_switch_statement" => check_switch(cx, n, out),
                "index_expression" => check_lookup(cx, n, &mut maps_seen, out),
                _ => {}
            }
            true
        });
    }
}

/// Which compared string literals the check may judge, by where they are: a key of a map
/// literal anywhere (judged from a lookup by a platform value, wherever that is); another
/// (an operand of `==`/`!=`, a case label) only in a top-level declaration that spells
/// `GOARCH` or `GOOS`, as the value it meets must be read there ([`derived`]: runtime's
/// or go/build's, `os.Getenv("GOARCH")`, or a local of the function given one). `None`
/// when the token scan cannot tell the declarations apart: then every literal may be.
struct Judged<'s>(Option<DeclSpans<'s>>);

impl<'s> Judged<'s> {
    fn new(src: &'s [u8]) -> Judged<'s> {
        Judged(DeclSpans::new(src))
    }

    /// Whether a compared literal at `off` with `role` may be judged. One outside every
    /// such declaration (`var ok = runtime.GOOS == "windos"`) always may.
    fn may(&self, off: usize, role: StringRole) -> bool {
        let Some(decls) = self.0.as_ref().filter(|_| role != StringRole::Key) else {
            return true;
        };
        decls
            .at(off)
            .is_none_or(|d| decls.mentions(Some(d), META.words))
    }
}

/// Whether a file's build constraint names another tool's arch, or its name ends in one.
fn header_suspect(f: &FileInfo) -> bool {
    match &f.constraint {
        Some(c) if is_constraint_line(c) => !foreign_tags(c).is_empty(),
        Some(_) => false,
        None => foreign_suffix(&f.rel).is_some(),
    }
}

fn is_constraint_line(c: &str) -> bool {
    c.starts_with("//go:build") || c.starts_with("// +build")
}

/// The words of a constraint that are another tool's name for a GOARCH (`mipsel64`), with
/// the Go name each means.
pub(super) fn foreign_tags(constraint: &str) -> Vec<(&str, &'static str)> {
    let body = constraint
        .trim_start_matches("//go:build")
        .trim_start_matches("// +build");
    let mut out: Vec<(&str, &'static str)> = Vec::new();
    for w in body.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.')) {
        if w.is_empty() || Platform::Arch.is_known(w) || Platform::Os.is_known(w) {
            continue;
        }
        if let Meant::Certain(go) = meant(Platform::Arch, w) {
            if !out.iter().any(|(t, _)| *t == w) {
                out.push((w, go));
            }
        }
    }
    out
}

/// `crc_aarch64.go`: a file-name suffix that is another tool's name for a GOARCH (the go
/// command reads no constraint from it).
fn foreign_suffix(rel: &str) -> Option<(&'static str, &'static str)> {
    let name = rel.rsplit('/').next()?;
    let stem = name.strip_suffix(".go")?;
    let stem = stem.strip_suffix("_test").unwrap_or(stem);
    platform::FOREIGN_NAMES
        .iter()
        .filter(|(p, _, _)| *p == Platform::Arch)
        .find(|(_, foreign, _)| {
            stem.strip_suffix(foreign)
                .is_some_and(|rest| rest.ends_with('_') && rest.len() > 1)
        })
        .map(|(_, foreign, go)| (*foreign, *go))
}

/// Constraint tags and file-name suffixes no go command reads as an arch, reported at the
/// package clause.
fn check_header(cx: &FileSyntax<'_>, out: &mut Vec<Finding>) {
    let info = cx.info();
    let Some(clause) = cx.package_clause() else {
        return;
    };
    let name = crate::walk::file_name(&info.rel);
    match &info.constraint {
        Some(constraint) => {
            let tags = foreign_tags(constraint);
            let words: Vec<&str> = constraint
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
                .collect();
            for (tag, go) in tags {
                let Some(arch) = Arch::from_name(go) else {
                    continue;
                };
                let arches = ArchSet::single(arch).intersect(cx.index.targets);
                // `amd64 || x86_64`: the Go name is there too; the other is only redundant.
                if arches.is_empty() || words.contains(&go) {
                    continue;
                }
                // A file that builds nowhere (`//go:build mipsel64`) is reported only when
                // the Go name makes it build for that arch (`windows && i386` would not).
                if info.arches.is_empty() && !builds_with(name, constraint, tag, go, arch) {
                    continue;
                }
                out.push(cx.finding(
                    META.id,
                    clause,
                    arches,
                    format!("build constraint tag `{tag}` is no GOARCH, so {name} never builds for {arch} (Go calls it `{go}`)"),
                    format!("`{constraint}`: the go command reads `{tag}` as a tag that is never set; `{tag}` is another tool's name (uname -m, Debian, libseccomp) for GOARCH `{go}`"),
                ));
            }
        }
        None => {
            let Some((foreign, go)) = foreign_suffix(&info.rel) else {
                return;
            };
            let meant_for = Arch::from_name(go);
            let arches = cx
                .targets()
                .minus(meant_for.map_or(ArchSet::EMPTY, ArchSet::single));
            if arches.is_empty() {
                return;
            }
            let stem = name.strip_suffix(".go").unwrap_or(name);
            let renamed = format!("{}{go}.go", &stem[..stem.len() - foreign.len()]);
            let mut f = cx.finding(
                META.id,
                clause,
                arches,
                format!("file name suffix `_{foreign}` is no GOARCH, so {name} builds for every arch (Go calls it `{go}`)"),
                format!("the go command reads only its own GOARCH names in file names (go/build `knownArch`); `{foreign}` is another tool's name for `{go}`"),
            );
            f.set_no_fix(format!(
                "abiport does not rename files: rename it `{renamed}`, or add `//go:build {go}`"
            ));
            out.push(f);
        }
    }
}

/// Whether the file named `file_name` would build for `arch` (with cgo, any tags aside)
/// with `tag` read as `go` in its `constraint` (as `describe_constraint` wrote it).
fn builds_with(file_name: &str, constraint: &str, tag: &str, go: &str, arch: Arch) -> bool {
    let fixed: Vec<String> = constraint
        .split("; ")
        .map(|line| {
            line.split_inclusive(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
                .map(|w| {
                    let bare = w.trim_end_matches(|c: char| {
                        !(c.is_ascii_alphanumeric() || c == '_' || c == '.')
                    });
                    if bare == tag {
                        format!("{go}{}", &w[bare.len()..])
                    } else {
                        w.to_string()
                    }
                })
                .collect()
        })
        .collect();
    let src = format!("{}\n\npackage p\n", fixed.join("\n"));
    let cfg = crate::constraints::BuildConfig {
        cgo: true,
        ..Default::default()
    };
    crate::constraints::evaluate(&cfg, file_name, src.as_bytes())
        .arches
        .contains(arch)
}

/// How the literal meets the platform value.
#[derive(Clone, Copy)]
enum Use<'t> {
    /// The comparison `==` / `!=` the literal is an operand of.
    Equal(Node<'t>),
    NotEqual(Node<'t>),
    Case,
    MapKey,
}

/// `v == "x86_64"` or `v != "x86_64"`, either way round.
fn check_comparison<'t>(cx: &FileSyntax<'t>, n: Node<'t>) -> Option<Finding> {
    let op = text(n.child_by_field_id(FIELD.operator)?, cx.src);
    let how = match op {
        "==" => Use::Equal(n),
        "!=" => Use::NotEqual(n),
        _ => return None,
    };
    let (l, r) = (
        unparen(n.child_by_field_id(FIELD.left)?),
        unparen(n.child_by_field_id(FIELD.right)?),
    );
    let (value, lit) = if string_value(cx.src, r).is_some() {
        (l, r)
    } else {
        (r, l)
    };
    string_value(cx.src, lit)?;
    let p = derived(cx, value)?;
    let chain = logical_chain(cx, n);
    let handled = |name: &str| {
        comparisons_in(cx, chain)
            .iter()
            .any(|&(v, s)| s == name && derived(cx, v) == Some(p))
    };
    judge(cx, lit, value, p, how, &handled)
}

/// The outermost `&&`/`||` expression (through parentheses) a comparison is part of.
fn logical_chain<'t>(cx: &FileSyntax<'t>, mut n: Node<'t>) -> Node<'t> {
    while let Some(p) = cx.parents.of(n) {
        let logical = p.kind() == "binary_expression"
            && p.child_by_field_id(FIELD.operator)
                .is_some_and(|o| matches!(text(o, cx.src), "&&" | "||"));
        if !logical && p.kind() != "parenthesized_expression" {
            break;
        }
        n = p;
    }
    n
}

/// Every `value == "s"` / `value != "s"` inside `n`: (value, s).
fn comparisons_in<'t>(cx: &FileSyntax<'t>, n: Node<'t>) -> Vec<(Node<'t>, &'t str)> {
    let mut out = Vec::new();
    let mut stack = vec![n];
    while let Some(x) = stack.pop() {
        let mut c = x.walk();
        stack.extend(x.named_children(&mut c));
        if x.kind() != "binary_expression" {
            continue;
        }
        let (Some(l), Some(r)) = (
            x.child_by_field_id(FIELD.left),
            x.child_by_field_id(FIELD.right),
        ) else {
            continue;
        };
        let (l, r) = (unparen(l), unparen(r));
        if let Some(s) = string_value(cx.src, r) {
            out.push((l, s));
        } else if let Some(s) = string_value(cx.src, l) {
            out.push((r, s));
        }
    }
    out
}

/// `switch v { case "mipsel64": … }`.
fn check_switch<'t>(cx: &FileSyntax<'t>, sw: Node<'t>, out: &mut Vec<Finding>) {
    let Some(value) = sw.child_by_field_id(FIELD.value) else {
        return;
    };
    let Some(p) = derived(cx, value) else {
        return;
    };
    let labels = case_labels(sw);
    let names: Vec<&str> = labels
        .iter()
        .filter_map(|l| string_value(cx.src, *l))
        .collect();
    let handled = |name: &str| names.contains(&name);
    for l in labels {
        if string_value(cx.src, l).is_some() {
            out.extend(judge(cx, l, value, p, Use::Case, &handled));
        }
    }
}

/// The labels of every `case` of an expression switch.
fn case_labels(sw: Node<'_>) -> Vec<Node<'_>> {
    let mut out = Vec::new();
    let mut c = sw.walk();
    for case in sw.named_children(&mut c) {
        if case.kind() != "expression_case" {
            continue;
        }
        if let Some(list) = case.child_by_field_id(FIELD.value) {
            let mut c2 = list.walk();
            out.extend(list.named_children(&mut c2));
        }
    }
    out
}

/// `m[v]` where `m` is a map literal of this file used only through lookups by platform
/// values: each key that is no such name is never found.
fn check_lookup<'t>(
    cx: &FileSyntax<'t>,
    n: Node<'t>,
    seen: &mut HashSet<usize>,
    out: &mut Vec<Finding>,
) {
    let (Some(m), Some(index)) = (
        n.child_by_field_id(FIELD.operand),
        n.child_by_field_id(FIELD.index),
    ) else {
        return;
    };
    if m.kind() != "identifier" {
        return;
    }
    let Some(p) = derived(cx, index) else {
        return;
    };
    let name = text(m, cx.src);
    let Some((scope, lit)) = map_literal(cx, m, name) else {
        return;
    };
    if !seen.insert(lit.id()) || !only_looked_up(cx, scope, name, p) {
        return;
    }
    let keys = map_keys(lit);
    let names: Vec<&str> = keys
        .iter()
        .filter_map(|k| string_value(cx.src, *k))
        .collect();
    let handled = |name: &str| names.contains(&name);
    for k in keys {
        if string_value(cx.src, k).is_some() {
            out.extend(judge(cx, k, index, p, Use::MapKey, &handled));
        }
    }
}

/// Whether every use of `name` in `scope`, but its definition, is `name[v]` with `v` a
/// platform value of kind `p` (so the keys are only ever compared with such values).
fn only_looked_up<'t>(cx: &FileSyntax<'t>, scope: Node<'t>, name: &str, p: Platform) -> bool {
    let Some(nodes) = cx.parents.nodes().subtree(scope) else {
        return false;
    };
    for x in nodes {
        if x.kind() != "identifier" || text(x, cx.src) != name {
            continue;
        }
        let Some(parent) = cx.parents.of(x) else {
            return false;
        };
        let lookup = parent.kind() == "index_expression"
            && parent.child_by_field_id(FIELD.operand) == Some(x)
            && parent
                .child_by_field_id(FIELD.index)
                .is_some_and(|i| derived(cx, i) == Some(p));
        let definition = matches!(parent.kind(), "var_spec")
            || (parent.kind() == "expression_list"
                && cx.parents.of(parent).is_some_and(|g| {
                    g.kind() == "short_var_declaration"
                        && g.child_by_field_id(FIELD.left) == Some(parent)
                }));
        if !lookup && !definition {
            return false;
        }
    }
    true
}

/// What `given`, met with a value of kind `p`, was meant to be and the arches of `targets`
/// where that code never runs: `None` for a known name, one that means nothing, or one
/// meant for no target. The check and the prefilter both judge by it.
fn misnamed(p: Platform, given: &str, targets: ArchSet) -> Option<(Meant, ArchSet)> {
    if given.is_empty() || p.is_known(given) {
        return None;
    }
    let intent = meant(p, given);
    // A name like no Go name may be another toolchain's: what it was meant for is unknown.
    let arches = match (p, intent.name()?) {
        (Platform::Arch, n) => ArchSet::single(Arch::from_name(n)?).intersect(targets),
        (Platform::Os, "linux") => targets,
        (Platform::Os, _) => return None,
    };
    (!arches.is_empty()).then_some((intent, arches))
}

/// Whether `given` is [`misnamed`] as an arch or as an OS: a literal the check may
/// report, whichever value it meets (the prefilter and the holding judge by it).
fn misnamed_either(given: &str, targets: ArchSet) -> bool {
    [Platform::Arch, Platform::Os]
        .into_iter()
        .any(|p| misnamed(p, given, targets).is_some())
}

/// A finding for literal `lit` met with platform value `value`, unless it is a known name,
/// the arch it means is not scanned, or the name it means is handled beside it.
fn judge<'t>(
    cx: &FileSyntax<'t>,
    lit: Node<'t>,
    value: Node<'t>,
    p: Platform,
    how: Use<'t>,
    handled: &dyn Fn(&str) -> bool,
) -> Option<Finding> {
    let given = string_value(cx.src, lit)?;
    let (intent, arches) = misnamed(p, given, cx.targets())?;
    if intent.name().is_some_and(handled) {
        return None;
    }
    let var = p.var();
    let shown = text(value, cx.src);
    let hint = match intent {
        Meant::Certain(n) => format!(" (Go calls it `{n}`)"),
        Meant::Guess(n) => format!(" (did you mean `{n}`?)"),
        Meant::Unknown => String::new(),
    };
    let message = match how {
        Use::Equal(cmp) => format!(
            "`{}` is never true: {var} is never `{given}`{hint}",
            text(cmp, cx.src)
        ),
        Use::NotEqual(cmp) => format!(
            "`{}` is always true: {var} is never `{given}`{hint}",
            text(cmp, cx.src)
        ),
        Use::Case => {
            format!("case `\"{given}\"` never matches `{shown}`: {var} is never `{given}`{hint}")
        }
        Use::MapKey => format!(
            "key `\"{given}\"` is never looked up by `{shown}`: {var} is never `{given}`{hint}"
        ),
    };
    let holds = if platform::source(cx, value).is_some() {
        String::new()
    } else {
        format!("`{shown}` holds {var} here; ")
    };
    let names = match p {
        Platform::Arch => "go/build `knownArch`",
        Platform::Os => "go/build `knownOS`",
    };
    let mut fact = match intent {
        Meant::Certain(n) if n.eq_ignore_ascii_case(given) => {
            format!("{holds}{var} is spelled `{n}`, in lower case")
        }
        Meant::Certain(n) => format!(
            "{holds}`{given}` is another tool's name (uname -m, Debian, libseccomp) for {var} `{n}`; {var} takes only the go command's names ({names})"
        ),
        Meant::Guess(n) => format!(
            "{holds}{var} takes only the go command's names ({names}); the closest is `{n}`"
        ),
        Meant::Unknown => return None,
    };
    if p == Platform::Arch {
        fact.push_str(&format!(
            ", so the code meant for {arches} never runs there"
        ));
    }
    let mut f = cx.finding(META.id, lit, arches, message, fact);
    match intent {
        Meant::Guess(_) => f.set_no_fix("the name meant is a guess from its spelling"),
        Meant::Certain(_) | Meant::Unknown => {}
    }
    Some(f)
}
