//! `syscall-number-literal`: a hard-coded syscall number (a literal, or a constant defined
//! by one) used as the trap of a raw syscall, that is the reference arch's number of a
//! syscall numbered differently on a target; and hand-written per-arch tables
//! (`switch runtime.GOARCH`, maps keyed by GOARCH) whose entries are wrong or missing.

#[path = "syscall_number_literal_fix.rs"]
mod fix;

use super::facts::per_arch_values;
use super::{Bodies, FileCtx, FixAvailability, Rule, RuleMeta, SourceView};
use crate::abi::table_source;
use crate::abi::values::{sys_names, sys_number};
use crate::abi::{self, Package};
use crate::arch::{Arch, ArchSet};
use crate::finding::{Finding, Payload, Span};
use crate::index::AbiImport;
use crate::index::{FileId, Index};
use crate::lexer::StringRole;
use crate::syntax::arch_tables::{arch_tables, ArchTableLit};
use crate::syntax::calls::{
    builds_for_a_target, lexed_raw_calls, mentions, raw_syscall_offsets, table_bindings, LexedTrap,
};
use crate::syntax::literals::{literal_value, Consts};
use crate::syntax::text;
use crate::syntax::tree::FIELD;

pub struct SyscallNumberLiteral;

pub(super) static META: RuleMeta = RuleMeta {
    id: "syscall-number-literal",
    summary: "a hard-coded syscall number that names another syscall (or none) on a target arch",
    doc: include_str!("../../rules/syscall-number-literal.md"),
    fix: FixAvailability::Sometimes,
    imports: Some(AbiImport::ExactOutsideTables),
    words: &["Syscall", "SYS_", "GOARCH", "\"mips64le\""],
    fixer: Some(fix::attach),
};

impl Rule for SyscallNumberLiteral {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn wants(&self, index: &Index, file: FileId) -> bool {
        // Per-arch tables in files that import neither package are not looked at: parsing
        // every importer of `runtime` would cost more than such tables are worth.
        index.file_imports_abi(file, AbiImport::ExactOutsideTables)
    }

    /// No parse unless the tokens hold what the check can report, in a file that builds
    /// for a target: a raw call whose trap is a value, a `const` named after a syscall
    /// numbered otherwise on a target, or a per-arch table.
    fn wants_source(&self, index: &Index, file: FileId, src: &SourceView<'_>) -> bool {
        builds_for_a_target(index, file)
            && ((src.mentions("Syscall") && traps_a_value(index, file, src.bytes()))
                || (src.mentions("SYS_") && names_a_renumbered_const(index, file, src.bytes()))
                || ((src.mentions("GOARCH") || src.mentions("\"mips64le\""))
                    && arch_keys(src.bytes()) >= 2))
    }

    fn bodies(&self, index: &Index, file: FileId, src: &[u8]) -> Bodies {
        Bodies::Holding(site_offsets(src, &table_bindings(index, file)))
    }

    /// Its check reads the file's calls, constants and `Cc` indexes (`FileScan`): its
    /// offsets hold every one it reads, and every declaration with a `const` (a constant
    /// left out would change which value a name has).
    fn reads_held_only(&self) -> bool {
        true
    }

    fn check(&self, cx: &FileCtx<'_>, out: &mut Vec<Finding>) {
        let targets = cx.targets();
        if targets.is_empty() {
            return;
        }
        let scan = cx.syscall_scan();
        let consts = &scan.consts;
        let reference = cx.index.reference;
        let for_reference = cx.info().arches.contains(reference);
        if mentions(cx.src, "Syscall") {
            for call in &scan.calls {
                if !call.is_raw_syscall() {
                    continue;
                }
                let Some(&trap) = call.args.first() else {
                    continue;
                };
                let Some(lit) = literal_value(cx, consts, trap) else {
                    continue;
                };
                let f = if for_reference {
                    check_trap(cx, trap, &lit, call.pkg, &call.qualifier, targets)
                } else {
                    check_no_such_syscall(cx, trap, &lit, targets)
                };
                out.extend(f);
            }
        }
        if cx.info().arches.contains(reference) && mentions(cx.src, "SYS_") {
            check_const_decls(cx, &scan.const_specs, consts, targets, out);
        }
        if mentions(cx.src, "GOARCH") || mentions(cx.src, "\"mips64le\"") {
            for table in arch_tables(cx, &scan.table_candidates) {
                check_arch_table(cx, consts, &table, targets, out);
            }
        }
    }
}

/// Whether a raw call `q.Syscall*(…)` of a table import has a trap the check can compute:
/// a number, or through the file's constants.
fn traps_a_value(index: &Index, file: FileId, src: &[u8]) -> bool {
    lexed_raw_calls(src, &table_bindings(index, file))
        .iter()
        .any(|c| matches!(c.trap, LexedTrap::Value))
}

/// Whether the file builds for the reference and another target, and declares a `const`
/// (any scope) named after a syscall that one of those targets numbers otherwise: what
/// [`check_const_decls`] judges.
fn names_a_renumbered_const(index: &Index, file: FileId, src: &[u8]) -> bool {
    let Some((reference, targets)) = index.reference_and_targets(file) else {
        return false;
    };
    crate::lexer::const_decls(src).iter().any(|d| {
        let name = syscall_name(&d.name);
        let number = sys_number(reference, &name);
        number.is_some() && targets.iter().any(|a| sys_number(a, &name) != number)
    })
}

/// How many string literals spelling a GOARCH name come before a `:` (a map key, or a
/// case's last label): a per-arch table is told only from two entries with different
/// values.
fn arch_keys(src: &[u8]) -> usize {
    let mut n = 0;
    crate::lexer::for_each_string(src, |s, _, role| {
        // Every case label counts, not only the last: more is the safe side.
        if matches!(role, StringRole::Label | StringRole::Key) && Arch::from_name(s).is_some() {
            n += 1;
        }
    });
    n
}

/// The syscall a constant's name says: `_sys_setns` is `SYS_SETNS`.
fn syscall_name(name: &str) -> String {
    name.trim_start_matches('_').to_ascii_uppercase()
}

/// Where a raw call `q.Syscall*(…)` of a table import (one of `quals`), a `const`, or a
/// GOARCH name in quotes (`"amd64"`, `` `amd64` ``) is. A finding sits in a raw call's
/// trap, in a `const` spec, or in a per-arch table, whose every entry's key or case label
/// is such a string; values resolve through the file's constants (`FileScan::consts`:
/// every scope, a name declared twice unknown), so every `const` is held too.
pub(super) fn site_offsets(src: &[u8], quals: &[String]) -> Vec<usize> {
    let mut at = raw_syscall_offsets(src, quals);
    for arch in Arch::ALL {
        at.extend(crate::lexer::quoted_offsets(src, arch.name()));
    }
    at
}

fn check_trap(
    cx: &FileCtx<'_>,
    trap: tree_sitter::Node<'_>,
    lit: &crate::syntax::literals::Literal,
    pkg: Package,
    qualifier: &str,
    targets: ArchSet,
) -> Option<Finding> {
    let reference = cx.index.reference;
    let names = sys_names(reference, lit.value);
    // Prefer a name the calling package declares.
    let name = names
        .iter()
        .find(|n| abi::table(reference, pkg).syscalls.find(n).is_some())
        .or(names.first())?;
    let mut broken = ArchSet::EMPTY;
    let mut values = Vec::new();
    for arch in targets.iter().filter(|a| *a != reference) {
        let n = sys_number(arch, name);
        if n != Some(lit.value) {
            broken.insert(arch);
            values.push((
                arch,
                n.map_or_else(|| "absent".to_string(), |v| v.to_string()),
            ));
        }
    }
    if broken.is_empty() {
        return None;
    }
    let shown = text(trap, cx.src);
    let via = match lit.via.first() {
        Some(c) if c != shown => format!(" (constant `{c}`)"),
        _ => String::new(),
    };
    let message = format!(
        "syscall number `{shown}`{via} is {reference}'s `{name}`, numbered differently on {broken}"
    );
    let mut fact = format!(
        "`{name}` is {} on {reference}; {} ({})",
        lit.value,
        per_arch_values(&values),
        table_source(Package::Unix)
    );
    let hits: Vec<(Arch, String)> = broken
        .iter()
        .filter_map(|a| {
            let other = sys_names(a, lit.value);
            (!other.is_empty()).then(|| (a, format!("`{}`", other.join("`/`"))))
        })
        .collect();
    if !hits.is_empty() {
        fact.push_str(&format!(
            "; number {} is {}",
            lit.value,
            per_arch_values(&hits)
        ));
    }
    let file_arches = cx
        .info()
        .arches
        .intersect(cx.index.targets.union(ArchSet::single(reference)));
    let everywhere = file_arches
        .iter()
        .all(|a| abi::table(a, pkg).syscalls.find(name).is_some());
    let mut payload = Payload::None;
    if everywhere {
        let replacement = format!("{qualifier}.{name}");
        fact.push_str(&format!("; use `{replacement}`"));
        let core = crate::syntax::calls::strip_pointer_conversions(cx.src, trap);
        // The fix replaces a plain literal (not one reached through a constant).
        if core.kind() == "int_literal" && lit.via.is_empty() {
            payload = Payload::SyscallName { replacement };
        }
    }
    Some(Finding {
        payload,
        ..cx.finding(META.id, trap, broken, message, fact)
    })
}

/// In a file that does not build for the reference arch, the intent of a literal trap is
/// unknown; but a number that is no syscall at all on a target the file builds for can
/// only fail with `ENOSYS` there (an x86-64 number under `mips64le`, whose n64 numbers
/// start at 5000).
fn check_no_such_syscall(
    cx: &FileCtx<'_>,
    trap: tree_sitter::Node<'_>,
    lit: &crate::syntax::literals::Literal,
    targets: ArchSet,
) -> Option<Finding> {
    let broken: ArchSet = targets
        .iter()
        .filter(|a| sys_names(*a, lit.value).is_empty())
        .collect();
    if broken.is_empty() {
        return None;
    }
    let shown = text(trap, cx.src);
    let elsewhere: Vec<(Arch, String)> = Arch::ALL
        .into_iter()
        .filter_map(|a| {
            let n = sys_names(a, lit.value);
            (!n.is_empty()).then(|| (a, format!("`{}`", n.join("`/`"))))
        })
        .collect();
    let mut fact = format!(
        "no `SYS_*` is numbered {} on {broken} ({})",
        lit.value,
        table_source(Package::Unix)
    );
    if !elsewhere.is_empty() {
        fact.push_str(&format!(
            "; {} is {}",
            lit.value,
            per_arch_values(&elsewhere)
        ));
    }
    Some(cx.finding(
        META.id,
        trap,
        broken,
        format!("syscall number `{shown}` is no syscall on {broken}; the call fails with `ENOSYS`"),
        fact,
    ))
}

/// `const SYS_SETNS = 308` (or `_SYS_SETNS`) in a file that builds for a target whose
/// number differs.
fn check_const_decls(
    cx: &FileCtx<'_>,
    specs: &[tree_sitter::Node<'_>],
    consts: &Consts<'_>,
    targets: ArchSet,
    out: &mut Vec<Finding>,
) {
    let reference = cx.index.reference;
    for &spec in specs {
        let mut c = spec.walk();
        let names: Vec<_> = spec
            .children_by_field_name("name", &mut c)
            .filter(|n| n.is_named())
            .collect();
        for name in names {
            let n = text(name, cx.src);
            let norm = syscall_name(n);
            if !norm.starts_with("SYS_") {
                continue;
            }
            let Some(value) = consts.get(n) else { continue };
            let Some(lit) = literal_value(cx, consts, value) else {
                continue;
            };
            if sys_number(reference, &norm) != Some(lit.value) {
                continue;
            }
            let mut broken = ArchSet::EMPTY;
            let mut values = Vec::new();
            for arch in targets.iter().filter(|a| *a != reference) {
                let t = sys_number(arch, &norm);
                if t != Some(lit.value) {
                    broken.insert(arch);
                    values.push((arch, t.map_or_else(|| "absent".into(), |x| x.to_string())));
                }
            }
            if broken.is_empty() {
                continue;
            }
            out.push(cx.finding(
                META.id,
                value,
                broken,
                format!(
                    "`{n}` is {reference}'s number {}, but this file also builds for {broken}",
                    lit.value
                ),
                format!(
                    "`{norm}` is {} on {reference}; {} ({})",
                    lit.value,
                    per_arch_values(&values),
                    table_source(Package::Unix)
                ),
            ));
        }
    }
}

/// Check a hand-written per-arch table: identify the syscall its entries number (at least
/// two entries, with different numbers, must agree with the tables), then report every
/// entry that gives another number and every target arch the file builds for without one.
fn check_arch_table(
    cx: &FileCtx<'_>,
    consts: &Consts<'_>,
    table: &ArchTableLit<'_>,
    targets: ArchSet,
    out: &mut Vec<Finding>,
) {
    for look in [&SYSCALLS, &CONSTANTS] {
        if check_arch_table_with(cx, consts, table, targets, look, out) {
            return;
        }
    }
}

/// How entries of a per-arch table are read: as syscall numbers or as constants.
struct Lookup {
    value: fn(Arch, &str) -> Option<i128>,
    names: fn(Arch, i128) -> Vec<&'static str>,
    show: fn(i128) -> String,
}

static SYSCALLS: Lookup = Lookup {
    value: sys_number,
    names: sys_names,
    show: |v| v.to_string(),
};

static CONSTANTS: Lookup = Lookup {
    value: crate::abi::values::const_value,
    names: const_names,
    show: |v| abi::ConstValue::Int(v).to_string(),
};

/// Names of the integer constants (x/sys/unix, `syscall`, kernel) worth `v` on `arch` that
/// differ on some other arch: a per-arch table of a constant the same everywhere is moot.
fn const_names(arch: Arch, v: i128) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    let lists = [
        Some(abi::table(arch, Package::Unix).consts),
        Some(abi::table(arch, Package::Syscall).consts),
        abi::kernel(arch).map(|k| k.consts),
    ];
    for list in lists.into_iter().flatten() {
        for c in list.iter() {
            if c.value.as_int() == Some(v) && !out.contains(&c.name) {
                out.push(c.name);
            }
        }
    }
    out.retain(|n| {
        Arch::ALL.into_iter().any(|a| {
            let x = crate::abi::values::const_value(a, n);
            x.is_some() && x != Some(v)
        })
    });
    out.sort_unstable();
    out
}

/// One reading of a table; whether it identified what the table lists.
fn check_arch_table_with(
    cx: &FileCtx<'_>,
    consts: &Consts<'_>,
    table: &ArchTableLit<'_>,
    targets: ArchSet,
    look: &Lookup,
    out: &mut Vec<Finding>,
) -> bool {
    let lits: Vec<(Arch, tree_sitter::Node<'_>, i128)> = table
        .entries
        .iter()
        .filter_map(|e| Some((e.arch, e.value, literal_value(cx, consts, e.value)?.value)))
        .collect();
    if lits.len() < 2 {
        return true;
    }
    // Candidate names: every syscall some entry's arch numbers with the entry's value.
    let mut cands: Vec<&'static str> = lits
        .iter()
        .flat_map(|(a, _, v)| (look.names)(*a, *v))
        .collect();
    cands.sort_unstable();
    cands.dedup();
    let mut best: Option<(&'static str, usize)> = None;
    let mut tie = false;
    for name in cands {
        let agreeing: Vec<i128> = lits
            .iter()
            .filter(|(a, _, v)| (look.value)(*a, name) == Some(*v))
            .map(|(_, _, v)| *v)
            .collect();
        let mut distinct = agreeing.clone();
        distinct.sort_unstable();
        distinct.dedup();
        if agreeing.len() < 2 || distinct.len() < 2 || agreeing.len() * 2 < lits.len() {
            continue;
        }
        match best {
            Some((_, n)) if n > agreeing.len() => {}
            Some((b, n)) if n == agreeing.len() => {
                // Aliases (SYS_FSTATAT/SYS_NEWFSTATAT) agree equally: keep the first.
                if !same_numbers(look, b, name) {
                    tie = true;
                }
            }
            _ => {
                best = Some((name, agreeing.len()));
                tie = false;
            }
        }
    }
    let Some((name, _)) = best else {
        return false;
    };
    if tie {
        return true;
    }
    let file_arches = cx.info().arches;
    for (arch, node, v) in &lits {
        if !file_arches.contains(*arch) || !cx.index.targets.contains(*arch) {
            continue;
        }
        let want = (look.value)(*arch, name);
        let shown = text(*node, cx.src);
        if want == Some(*v) {
            continue;
        }
        let elsewhere: Vec<(Arch, String)> = Arch::ALL
            .into_iter()
            .filter(|a| a != arch && (look.value)(*a, name) == Some(*v))
            .map(|a| (a, format!("`{name}`")))
            .collect();
        let mut fact = match want {
            Some(w) => format!("`{name}` is {} on {arch}", (look.show)(w)),
            None => format!("{arch} has no `{name}`"),
        };
        if !elsewhere.is_empty() {
            fact.push_str(&format!(
                "; {} is {}",
                (look.show)(*v),
                per_arch_values(&elsewhere)
            ));
        }
        fact.push_str(&format!(" ({})", table_source(Package::Unix)));
        out.push(cx.finding_at(
            META.id,
            Span::from_node(node),
            ArchSet::single(*arch),
            match want {
                Some(w) => format!(
                    "entry for `{arch}` gives `{shown}`, but `{name}` is {} on {arch}",
                    (look.show)(w)
                ),
                None => format!("entry for `{arch}` gives `{shown}`, but {arch} has no `{name}`"),
            },
            fact,
        ));
    }
    if table.has_default {
        return true;
    }
    let covered: ArchSet = table.entries.iter().map(|e| e.arch).collect();
    let missing = targets.minus(covered);
    if missing.is_empty() {
        return true;
    }
    let values: Vec<(Arch, String)> = missing
        .iter()
        .map(|a| {
            (
                a,
                (look.value)(a, name).map_or_else(|| "absent".into(), look.show),
            )
        })
        .collect();
    let at = table
        .node
        .child_by_field_id(FIELD.ty)
        .or_else(|| table.node.child_by_field_id(FIELD.value))
        .unwrap_or(table.node);
    out.push(cx.finding(
        META.id,
        at,
        missing,
        format!("per-arch table of `{name}` has no entry for {missing}"),
        format!(
            "`{name}` is {} ({})",
            per_arch_values(&values),
            table_source(Package::Unix)
        ),
    ));
    true
}

/// Whether two syscall names have the same number on every arch (aliases).
fn same_numbers(look: &Lookup, a: &str, b: &str) -> bool {
    Arch::ALL
        .into_iter()
        .all(|x| (look.value)(x, a) == (look.value)(x, b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_names_only_for_arch_varying_values() {
        assert!(const_names(Arch::Amd64, 0x5413).contains(&"TIOCGWINSZ"));
        // EPOLLIN is 1 everywhere: a table of it identifies nothing.
        assert!(!const_names(Arch::Amd64, 1).contains(&"EPOLLIN"));
    }

    #[test]
    fn syscall_names_by_number() {
        assert!(sys_names(Arch::Amd64, 39).contains(&"SYS_GETPID"));
        assert!(sys_names(Arch::Arm64, 39).contains(&"SYS_UMOUNT2"));
        assert!(sys_names(Arch::Mips64le, 39).is_empty());
        assert!(same_numbers(&SYSCALLS, "SYS_GETPID", "SYS_GETPID"));
        assert!(!same_numbers(&SYSCALLS, "SYS_GETPID", "SYS_GETTID"));
    }
}
