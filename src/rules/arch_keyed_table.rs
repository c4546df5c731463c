//! `arch-keyed-table`: a hand-written per-arch table (`switch runtime.GOARCH`, a map keyed
//! by GOARCH names) of audit or seccomp arch tokens (`AUDIT_ARCH_X86_64`,
//! `"SCMP_ARCH_X86_64"`) that has the reference arch's token and none, or a wrong one,
//! for a target; and per-arch constant files (`x_amd64.go`, `x_other.go`) whose file for a
//! target gives another arch's syscall number, ioctl request or audit arch. (Tables of
//! syscall numbers in switches and maps are `syscall-number-literal`'s.)

#[path = "arch_keyed_table_consts.rs"]
mod consts;
#[path = "arch_keyed_table_fix.rs"]
mod fix;

use super::platform::string_value;
use super::{Bodies, FileCtx, FixAvailability, Rule, RuleMeta, SourceView};
use crate::abi::values::const_value;
use crate::abi::{self, Package};
use crate::arch::{Arch, ArchSet};
use crate::finding::{Finding, Span};
use crate::index::{FileId, Index};
use crate::lexer::StringRole;
use crate::syntax::arch_tables::{arch_tables, ArchTableLit};
use crate::syntax::literals::literal_value;
use crate::syntax::tree::FIELD;
use crate::syntax::{text, FileSyntax};
use tree_sitter::Node;

pub struct ArchKeyedTable;

pub(super) static META: RuleMeta = RuleMeta {
    id: "arch-keyed-table",
    summary: "a per-arch table of audit or seccomp arch tokens with the reference arch's entry and none, or a wrong one, for a target; a per-arch constant giving a target another arch's syscall number, ioctl request or audit arch; a struct-size table without a target",
    doc: include_str!("../../rules/arch-keyed-table.md"),
    fix: FixAvailability::Sometimes,
    imports: None,
    // The default reference's name as a table key, answered from the header pass (another
    // reference's is searched in the file's bytes).
    words: &["\"amd64\"", "`amd64`"],
    fixer: Some(fix::attach),
};

/// `"amd64"` and `` `amd64` ``: an arch's name as a key of a table, in both quotes. Made
/// once: they are asked for every candidate file (20,000 of Debian's tree), where
/// formatting them was a third of this rule's plan time.
fn quoted_names(arch: Arch) -> &'static [String; 2] {
    static NAMES: std::sync::OnceLock<Vec<[String; 2]>> = std::sync::OnceLock::new();
    &NAMES.get_or_init(|| {
        Arch::ALL
            .iter()
            .map(|a| ['"', '`'].map(|q| format!("{q}{}{q}", a.name())))
            .collect()
    })[arch.index()]
}

impl Rule for ArchKeyedTable {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// Per-arch constants are judged from the package index: parsed only when one is
    /// wrong. Both table checks need the reference's entry, whose key (a switch case or a
    /// map key) is the reference's name as a string literal ([`table_keys`]), in a file
    /// that builds for the reference and a target; a map needs no `GOARCH` in the file.
    fn wants_source(&self, index: &Index, file: FileId, src: &SourceView<'_>) -> bool {
        if !consts::wrong_sites_in(index, file).is_empty() {
            return true;
        }
        let reference = index.reference;
        let arches = index.files[file].arches;
        let targets = arches
            .intersect(index.targets)
            .minus(ArchSet::single(reference));
        arches.contains(reference)
            && !targets.is_empty()
            && quoted_names(reference).iter().any(|q| src.mentions(q))
            && !table_keys(src.bytes(), reference).is_empty()
    }

    /// Per-arch constants are judged from the index (no tree read). A table's findings
    /// sit in the switch or map literal, which holds the reference's key
    /// ([`table_keys`]): the declarations holding those. Values
    /// are read through the file's constants (`FileScan::consts`, every scope, a name
    /// declared twice unknown), so every declaration with a `const` is held too: the
    /// constants are then the whole file's.
    fn bodies(&self, index: &Index, _file: FileId, src: &[u8]) -> Bodies {
        Bodies::Holding(table_offsets(src, index.reference))
    }

    fn check(&self, cx: &FileCtx<'_>, out: &mut Vec<Finding>) {
        let cx: &FileSyntax<'_> = cx;
        consts::check(cx, out);
        let Some((reference, targets)) = cx.reference_and_targets() else {
            return;
        };
        let scan = cx.syscall_scan();
        for table in arch_tables(cx, &scan.table_candidates) {
            check_table(cx, &table, reference, targets, out);
            check_size_table(cx, &table, reference, targets, out);
        }
    }
}

/// Where the key `"<reference>"` (or in backquotes) or a `const` is: what a table
/// holds, and every constant the syscall scan reads.
pub(super) fn table_offsets(src: &[u8], reference: Arch) -> Vec<usize> {
    let mut at = crate::lexer::code_word_offsets(src, "const");
    at.extend(table_keys(src, reference));
    at
}

/// The reference's name written as a string that may be a table's key, in code: a map
/// key or a case label. An argument, a value or an operand (`String("amd64")`,
/// `Architecture: "amd64"`, `runtime.GOARCH == "amd64"`) keys no table.
fn table_keys(src: &[u8], reference: Arch) -> Vec<usize> {
    let mut at = Vec::new();
    crate::lexer::for_each_string(src, |body, offset, role| {
        if matches!(role, StringRole::Key | StringRole::Label) && body == reference.name() {
            at.push(offset);
        }
    });
    at
}

/// The two kinds of arch token: the kernel's audit arch (`AUDIT_ARCH_*`, linux/audit.h,
/// what a seccomp filter compares `seccomp_data.arch` with) and libseccomp's arch names.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Scheme {
    Audit,
    Scmp,
}

/// Each GOARCH's audit arch and libseccomp arch name: one row per arch, in `Arch::ALL`
/// order.
const TOKENS: [(Arch, &str, &str); 13] = [
    (Arch::I386, "AUDIT_ARCH_I386", "SCMP_ARCH_X86"),
    (Arch::Amd64, "AUDIT_ARCH_X86_64", "SCMP_ARCH_X86_64"),
    (Arch::Arm, "AUDIT_ARCH_ARM", "SCMP_ARCH_ARM"),
    (Arch::Arm64, "AUDIT_ARCH_AARCH64", "SCMP_ARCH_AARCH64"),
    (
        Arch::Loong64,
        "AUDIT_ARCH_LOONGARCH64",
        "SCMP_ARCH_LOONGARCH64",
    ),
    (Arch::Mips, "AUDIT_ARCH_MIPS", "SCMP_ARCH_MIPS"),
    (Arch::Mipsle, "AUDIT_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL"),
    (Arch::Mips64, "AUDIT_ARCH_MIPS64", "SCMP_ARCH_MIPS64"),
    (Arch::Mips64le, "AUDIT_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64"),
    (Arch::Ppc64, "AUDIT_ARCH_PPC64", "SCMP_ARCH_PPC64"),
    (Arch::Ppc64le, "AUDIT_ARCH_PPC64LE", "SCMP_ARCH_PPC64LE"),
    (Arch::Riscv64, "AUDIT_ARCH_RISCV64", "SCMP_ARCH_RISCV64"),
    (Arch::S390x, "AUDIT_ARCH_S390X", "SCMP_ARCH_S390X"),
];

/// The token of `arch` in `scheme`.
pub(super) fn token(scheme: Scheme, arch: Arch) -> &'static str {
    let row = TOKENS[arch.index()];
    debug_assert_eq!(row.0, arch);
    match scheme {
        Scheme::Audit => row.1,
        Scheme::Scmp => row.2,
    }
}

/// How an entry's value spells a token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Spelling {
    /// `unix.AUDIT_ARCH_X86_64` (qualifier) or a bare `AUDIT_ARCH_X86_64` (`None`).
    Name(Option<String>),
    /// `"SCMP_ARCH_X86_64"`.
    Quoted,
    /// `0xc000003e`: the audit value as a number.
    Number,
}

/// The token an entry's value names, with its scheme and spelling.
pub(super) fn read_token(
    cx: &FileSyntax<'_>,
    value: Node<'_>,
) -> Option<(Scheme, &'static str, Spelling)> {
    let find = |name: &str| {
        TOKENS.iter().find_map(|(_, a, s)| {
            if *a == name {
                Some((Scheme::Audit, *a))
            } else if *s == name {
                Some((Scheme::Scmp, *s))
            } else {
                None
            }
        })
    };
    match value.kind() {
        "selector_expression" => {
            let q = value.child_by_field_id(FIELD.operand)?;
            let f = value.child_by_field_id(FIELD.field)?;
            let (scheme, t) = find(text(f, cx.src))?;
            (q.kind() == "identifier").then_some(())?;
            Some((scheme, t, Spelling::Name(Some(text(q, cx.src).to_string()))))
        }
        "identifier" => {
            let (scheme, t) = find(text(value, cx.src))?;
            (scheme == Scheme::Audit).then_some(())?;
            Some((scheme, t, Spelling::Name(None)))
        }
        "interpreted_string_literal" | "raw_string_literal" => {
            let (scheme, t) = find(string_value(cx.src, value)?)?;
            (scheme == Scheme::Scmp).then_some(())?;
            Some((scheme, t, Spelling::Quoted))
        }
        "int_literal" => {
            let v = literal_value(cx, &cx.syscall_scan().consts, value)?.value;
            let t = TOKENS
                .iter()
                .find(|(a, audit, _)| const_value(*a, audit) == Some(v))?
                .1;
            Some((Scheme::Audit, t, Spelling::Number))
        }
        _ => None,
    }
}

fn check_table(
    cx: &FileSyntax<'_>,
    table: &ArchTableLit<'_>,
    reference: Arch,
    targets: ArchSet,
    out: &mut Vec<Finding>,
) {
    // The reference arch's entry names the table: its token must be the reference's own.
    let Some(scheme) = table.entries.iter().find_map(|e| {
        let (scheme, t, _) = read_token(cx, e.value)?;
        (e.arch == reference && t == token(scheme, reference)).then_some(scheme)
    }) else {
        return;
    };
    let what = match scheme {
        Scheme::Audit => "audit arch",
        Scheme::Scmp => "libseccomp arch",
    };
    let file_targets = targets.intersect(cx.info().arches);
    for e in &table.entries {
        if !file_targets.contains(e.arch) {
            continue;
        }
        let Some((s, t, _)) = read_token(cx, e.value) else {
            continue;
        };
        let want = token(scheme, e.arch);
        if s != scheme || t == want {
            continue;
        }
        let meant = TOKENS
            .iter()
            .find(|(_, a, b)| *a == t || *b == t)
            .map(|(a, _, _)| a.name())
            .unwrap_or("another arch");
        out.push(cx.finding_at(
            META.id,
            Span::from_node(&e.value),
            ArchSet::single(e.arch),
            format!(
                "entry for `{}` gives `{t}`, the {what} of {meant}; {} is `{want}`",
                e.arch, e.arch
            ),
            fact(scheme, &[e.arch]),
        ));
    }
    if table.has_default {
        return;
    }
    let covered: ArchSet = table.entries.iter().map(|e| e.arch).collect();
    let missing = file_targets.minus(covered);
    if missing.is_empty() {
        return;
    }
    let at = missing_entry_site(table);
    let wants: Vec<String> = missing
        .iter()
        .map(|a| format!("`{}` for {a}", token(scheme, a)))
        .collect();
    out.push(cx.finding(
        META.id,
        at,
        missing,
        format!(
            "per-arch table of {what} tokens has no entry for {missing}: it needs {}",
            wants.join(", ")
        ),
        fact(scheme, &missing.iter().collect::<Vec<_>>()),
    ));
}

/// The smallest entry a struct-size table may hold.
const MIN_STRUCT_SIZE: i128 = 32;

/// The x/sys/unix struct whose size on each arch is the table's entry for it, when exactly
/// one struct fits every entry (two or more entries, with different values).
fn sized_struct(entries: &[(Arch, i128)]) -> Option<&'static str> {
    let mut values: Vec<i128> = entries.iter().map(|e| e.1).collect();
    values.sort_unstable();
    values.dedup();
    // Small numbers are shifts, counts and widths as often as sizes: `{"amd64": 12,
    // "ppc64le": 16}` fits `EpollEvent` alone, and is a page shift.
    if values.len() < 2 || values[0] < MIN_STRUCT_SIZE {
        return None;
    }
    let (a0, v0) = entries[0];
    let size = |a: Arch, name: &str| {
        abi::table(a, Package::Unix)
            .strukt(name)
            .map(|s| i128::from(s.size))
    };
    let mut fits = abi::table(a0, Package::Unix)
        .structs
        .iter()
        .filter(|s| i128::from(s.size) == v0)
        .map(|s| s.name)
        .filter(|n| entries.iter().all(|(a, v)| size(*a, n) == Some(*v)));
    let one = fits.next()?;
    fits.next().is_none().then_some(one)
}

/// A per-arch table of one x/sys struct's sizes (`sizeof(Stat_t)`) without an entry for a
/// target: the tables give the size it needs.
/// Where a "no entry for the target" finding points: the map's type or the switched value.
fn missing_entry_site<'t>(table: &ArchTableLit<'t>) -> tree_sitter::Node<'t> {
    table
        .node
        .child_by_field_id(FIELD.ty)
        .or_else(|| table.node.child_by_field_id(FIELD.value))
        .unwrap_or(table.node)
}

fn check_size_table(
    cx: &FileSyntax<'_>,
    table: &ArchTableLit<'_>,
    reference: Arch,
    targets: ArchSet,
    out: &mut Vec<Finding>,
) {
    if table.has_default || !table.entries.iter().any(|e| e.arch == reference) {
        return;
    }
    let consts = &cx.syscall_scan().consts;
    let entries: Option<Vec<(Arch, i128)>> = table
        .entries
        .iter()
        .map(|e| Some((e.arch, literal_value(cx, consts, e.value)?.value)))
        .collect();
    let Some(name) = entries.as_deref().and_then(sized_struct) else {
        return;
    };
    let covered: ArchSet = table.entries.iter().map(|e| e.arch).collect();
    let size = |a: Arch| abi::table(a, Package::Unix).strukt(name).map(|s| s.size);
    let missing: ArchSet = targets
        .intersect(cx.info().arches)
        .minus(covered)
        .iter()
        .filter(|a| size(*a).is_some())
        .collect();
    if missing.is_empty() {
        return;
    }
    let at = missing_entry_site(table);
    let needs: Vec<String> = missing
        .iter()
        .filter_map(|a| Some(format!("{} for {a}", size(a)?)))
        .collect();
    let present: Vec<String> = table
        .entries
        .iter()
        .filter_map(|e| Some(format!("{} on {}", size(e.arch)?, e.arch)))
        .collect();
    out.push(cx.finding(
        META.id,
        at,
        missing,
        format!(
            "per-arch table of the size of `{name}` has no entry for {missing}: it needs {}",
            needs.join(", ")
        ),
        format!(
            "size of `unix.{name}`: {}; it is the only x/sys struct of the sizes present ({}); {}",
            super::facts::per_arch_values(
                &missing
                    .iter()
                    .filter_map(|a| Some((a, size(a)?.to_string())))
                    .collect::<Vec<_>>()
            ),
            present.join(", "),
            abi::table_source(Package::Unix)
        ),
    ));
}

fn fact(scheme: Scheme, arches: &[Arch]) -> String {
    let each: Vec<String> = arches
        .iter()
        .map(|a| {
            let t = token(scheme, *a);
            match scheme {
                Scheme::Audit => {
                    let v = const_value(*a, t).map_or(String::new(), |v| format!(" = {v:#x}"));
                    format!("{a}: `{t}`{v}")
                }
                Scheme::Scmp => format!("{a}: `{t}`"),
            }
        })
        .collect();
    let source = match scheme {
        Scheme::Audit => {
            "the kernel's audit arch of each GOARCH (linux/audit.h; values from the x/sys tables)"
        }
        Scheme::Scmp => "libseccomp's arch name of each GOARCH",
    };
    format!("{}; {source}", each.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_arch_has_its_tokens_and_audit_values_differ() {
        for (i, (a, audit, _)) in TOKENS.iter().enumerate() {
            assert_eq!(Arch::ALL[i], *a);
            assert!(const_value(*a, audit).is_some(), "{audit}");
        }
        let mut values: Vec<i128> = TOKENS
            .iter()
            .map(|(a, t, _)| const_value(*a, t).unwrap())
            .collect();
        values.sort_unstable();
        values.dedup();
        assert_eq!(values.len(), TOKENS.len());
    }
}
