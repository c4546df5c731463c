//! `abi-struct-drift`: a copy of `golang.org/x/sys/unix` (or `syscall`) in the tree whose
//! per-arch declarations disagree with the ABI: struct layouts that differ from the
//! tables, syscall numbers that differ, arches it has no files for, and `SYS_*` names the
//! tree uses that the copy lacks for a target.

#[path = "abi_struct_drift_fix.rs"]
mod fix;

use super::{Bodies, FileCtx, FixAvailability, Rule, RuleMeta, SourceView, TypeNeed};
use crate::abi;
use crate::arch::{Arch, ArchSet};
use crate::finding::{Finding, Payload};
use crate::index::decls::ItemKind;
use crate::index::{FileId, Index, PkgId, Target};
use crate::syntax::literals::parse_u64;
use crate::syntax::text;
use crate::syntax::tree::FIELD;
use crate::types::infer::Infer;
use crate::types::layout::{struct_layout, Layout};
use crate::types::lexed::Lexed;
use crate::types::table_source;
use crate::types::ty::{Home, Ty};

pub struct AbiStructDrift;

pub(super) static META: RuleMeta = RuleMeta {
    id: "abi-struct-drift",
    summary: "a vendored `golang.org/x/sys/unix` or `syscall` disagrees with the ABI for an arch",
    doc: include_str!("../../rules/abi-struct-drift.md"),
    fix: FixAvailability::Sometimes,
    imports: None,
    words: &[],
    // Uses of `SYS_*` names the copy lacks get the constant added to the copy's
    // `zsysnum_linux_<arch>.go` (shared with undefined-on-arch); drifted structs and
    // numbers are rewritten from the tables in their own file.
    fixer: Some(fix::attach),
};

/// Structs whose layout is fixed kernel ABI: a difference is a bug, not a newer version
/// that grew fields.
pub const CHECKED: &[&str] = &[
    "Cmsghdr",
    "Dirent",
    "EpollEvent",
    "FdSet",
    "Flock_t",
    "Iovec",
    "Linger",
    "Msghdr",
    "PollFd",
    "RawSockaddrInet4",
    "RawSockaddrInet6",
    "RawSockaddrUnix",
    "Rlimit",
    "Rusage",
    "Stat_t",
    "Statfs_t",
    "Sysinfo_t",
    "Termios",
    "Timespec",
    "Timeval",
    "Tms",
    "Ucred",
    "Utimbuf",
    "Utsname",
    "Winsize",
];

/// `ztypes_linux_mips64le.go` → mips64le (likewise `zsysnum_`).
fn arch_of(name: &str, prefix: &str) -> Option<Arch> {
    let stem = name.strip_prefix(prefix)?.strip_suffix(".go")?;
    Arch::from_name(stem)
}

/// What the check compares with the tables in a file of a copy of a table package.
struct Compared {
    p: PkgId,
    pkg: abi::Package,
    /// The arches its structs are laid out on, and those a rewrite must hold for.
    structs: ArchSet,
    rewrite_for: ArchSet,
    /// The arch its `SYS_*` numbers are compared on.
    sysnums: Option<Arch>,
    /// Whether it reports the targets the copy has no `ztypes` file for.
    missing_arches: bool,
}

/// What the check compares in `file`, when it is a copy's `ztypes_linux*.go` or
/// `zsysnum_linux_<arch>.go` (arches it does not build for, or not scanned, compare nothing).
fn compared(index: &Index, file: FileId) -> Option<Compared> {
    let p = index.file_package[file]?;
    let pkg = index.copied_table(p)?;
    let arches = index.files[file].arches;
    let relevant = index.targets.union(ArchSet::single(index.reference));
    let checked = |a: Arch| relevant.contains(a) && arches.contains(a);
    let mut c = Compared {
        p,
        pkg,
        structs: ArchSet::EMPTY,
        rewrite_for: ArchSet::EMPTY,
        sysnums: None,
        missing_arches: false,
    };
    let name = crate::walk::file_name(&index.files[file].rel);
    if name == "ztypes_linux.go" {
        // A rewrite there must hold for every arch the file builds for.
        c.structs = arches.intersect(relevant);
        c.rewrite_for = arches;
    } else if let Some(arch) = arch_of(name, "ztypes_linux_") {
        if checked(arch) {
            c.structs = ArchSet::single(arch);
            c.rewrite_for = ArchSet::single(arch);
        }
        c.missing_arches = arch == index.reference;
    } else if let Some(arch) = arch_of(name, "zsysnum_linux_") {
        c.sysnums = checked(arch).then_some(arch);
    } else {
        return None;
    }
    Some(c)
}

/// Whether the check would find a copy's `ztypes`/`zsysnum` file as the tables have it,
/// as far as its tokens tell (else it is parsed): each `CHECKED` struct the file names laid
/// out as the tables on every arch compared (from the copy's lexed declarations,
/// `Index::copy_types`, as the inference will), each `SYS_*` constant the tables number
/// declared alone with that number, and no target without a `ztypes` file.
fn agrees_with_tables(index: &Index, file: FileId, src: &[u8], c: &Compared) -> bool {
    if c.missing_arches && !missing_arches(index, c.p).1.is_empty() {
        return false;
    }
    if let Some(arch) = c.sysnums {
        if !sysnums_agree(index, c, arch, file, src) {
            return false;
        }
    }
    c.structs.is_empty() || structs_agree(index, c, src)
}

/// Each `CHECKED` struct `src` names (declared there or not: a superset of those it
/// declares), laid out from the copy's lexed declarations as the tables lay it out on each
/// arch its structs are compared on, or not laid out there at all.
fn structs_agree(index: &Index, c: &Compared, src: &[u8]) -> bool {
    let Some(types) = &index.copy_types else {
        return false;
    };
    let mut named: Vec<&str> = Vec::new();
    crate::lexer::for_each_ident(src, |n, _| {
        if let Some(s) = CHECKED.iter().find(|s| **s == n) {
            if !named.contains(s) {
                named.push(s);
            }
        }
    });
    c.structs.iter().all(|arch| {
        let env = Lexed::new(index, types, arch);
        named.iter().all(|name| {
            let Some(want) = abi::table(arch, c.pkg).strukt(name) else {
                return true;
            };
            let ty = Ty::Named(Home::Local(c.p), name.to_string());
            // Unknown there (a type only other arches' files declare, as in a copy that
            // predates the arch): the check gives up on it too, and reports nothing.
            struct_layout(&env, &ty, 0).is_none_or(|mine| compare(&mine, want).is_empty())
        })
    })
}

/// Each `const` spec name of `src` (any scope) that the tables number for `arch` is a
/// package-level `SYS_X = <that number>` of the copy's index (`Index::decls`), alone in its
/// spec.
fn sysnums_agree(index: &Index, c: &Compared, arch: Arch, file: FileId, src: &[u8]) -> bool {
    let table = abi::table(arch, c.pkg);
    let decls = &index.decls[c.p].names;
    crate::lexer::const_decls(src).iter().all(|d| {
        let Some(want) = table.syscall(&d.name).and_then(|s| s.value.as_int()) else {
            return true;
        };
        !d.name.starts_with("SYS_")
            || decls.get(&d.name).is_some_and(|sites| {
                sites.iter().any(|s| {
                    s.file == file && s.span.start == d.span.start && s.value == Some(want)
                })
            })
    })
}

/// Where a `q.SYS_X` selector with `q` one of `copies` starts (a newline before the `.`
/// too).
pub(super) fn sys_use_offsets(src: &[u8], copies: &[String]) -> Vec<usize> {
    let mut at = Vec::new();
    crate::lexer::for_each_selector_any_line(src, |q, name, off| {
        if name.starts_with("SYS_") && copies.iter().any(|c| c == q) {
            at.push(off);
        }
    });
    at
}

/// The names `file`'s imports bind to a copy of a table package, with the copy and the
/// package it copies.
fn copy_bindings(index: &Index, file: FileId) -> Vec<(String, PkgId, abi::Package)> {
    index
        .import_bindings(file)
        .into_iter()
        .filter_map(|(alias, t)| match t {
            Some(Target::Local(p)) => Some((alias, p, index.copied_table(p)?)),
            _ => None,
        })
        .collect()
}

/// The arches of `builds_for` on which the copy `p` of `pkg` declares no syscall number
/// `name` (per the index's declarations) while the tables say the kernel has one.
fn lacked_sysnum(
    index: &Index,
    p: PkgId,
    pkg: abi::Package,
    name: &str,
    builds_for: ArchSet,
) -> ArchSet {
    let declared = index
        .decl_arches(p, name, false)
        .map_or(ArchSet::EMPTY, |(a, _)| a);
    let mut missing = ArchSet::EMPTY;
    for a in builds_for.minus(declared).iter() {
        if sysnum(a, pkg, name).is_some() {
            missing.insert(a);
        }
    }
    missing
}

/// The tables' number of syscall `name` on `arch`.
fn sysnum(arch: Arch, pkg: abi::Package, name: &str) -> Option<i128> {
    abi::table(arch, pkg)
        .syscall(name)
        .and_then(|c| c.value.as_int())
}

impl Rule for AbiStructDrift {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn wants(&self, index: &Index, file: FileId) -> bool {
        if index.file_package[file].is_some_and(|p| index.copied_table(p).is_some()) {
            return true;
        }
        index
            .import_targets(file)
            .iter()
            .any(|t| matches!(*t, Some(Target::Local(p)) if index.copied_table(p).is_some()))
    }

    /// A copy's `ztypes_linux*.go` and `zsysnum_linux_*.go`, whose declarations are
    /// compared with the tables, unless their tokens show they agree with them; any file
    /// when it selects (per the lexer) a `SYS_*` name through an import of a copy that
    /// lacks it on an arch the file builds for and the kernel has it there: all the check
    /// reads elsewhere, from the same declarations of the index.
    fn wants_source(&self, index: &Index, file: FileId, src: &SourceView<'_>) -> bool {
        if let Some(c) = compared(index, file) {
            if !agrees_with_tables(index, file, src.bytes(), &c) {
                return true;
            }
        }
        let copies = copy_bindings(index, file);
        if copies.is_empty() || !src.mentions("SYS_") {
            return false;
        }
        let builds_for = index.files[file].arches.intersect(index.targets);
        let mut hit = false;
        crate::lexer::for_each_selector(src.bytes(), |q, name, _| {
            hit = hit
                || (name.starts_with("SYS_")
                    && copies.iter().any(|(c, p, pkg)| {
                        c == q && !lacked_sysnum(index, *p, *pkg, name, builds_for).is_empty()
                    }));
        });
        hit
    }

    /// A copy's own `ztypes`/`zsysnum` files are read whole (their types and constants, no
    /// bodies to speak of). Elsewhere a finding is a `q.SYS_X` reference through an import
    /// of a copy (`check_sys_uses`), judged by the package index and the references of
    /// its top-level declaration: those selectors' declarations, a newline before the `.`
    /// included (tree-sitter may join the lines).
    fn bodies(&self, index: &Index, file: FileId, src: &[u8]) -> Bodies {
        if compared(index, file).is_some() {
            return Bodies::All;
        }
        let copies: Vec<String> = (copy_bindings(index, file).into_iter())
            .map(|(alias, ..)| alias)
            .collect();
        Bodies::Holding(sys_use_offsets(src, &copies))
    }

    fn type_need(&self, _index: &Index, _file: FileId, _src: &[u8]) -> TypeNeed {
        TypeNeed::Transitive
    }

    /// Its bodies hold every declaration of a copy's own files (`Bodies::All`); elsewhere
    /// it reads references, scoped per top-level declaration, and the index.
    fn reads_held_only(&self) -> bool {
        true
    }

    fn check(&self, cx: &FileCtx<'_>, out: &mut Vec<Finding>) {
        if let Some(c) = compared(cx.index, cx.file) {
            check_structs(cx, c.p, c.pkg, c.structs, c.rewrite_for, out);
            if c.missing_arches {
                check_missing_arches(cx, c.p, out);
            }
            if let Some(arch) = c.sysnums {
                check_sysnums(cx, c.pkg, arch, out);
            }
        }
        check_sys_uses(cx, out);
    }
}

fn describe(l: &Layout) -> String {
    let fields: Vec<String> = l
        .fields
        .iter()
        .map(|f| format!("`{}`@{}", f.name, f.offset))
        .collect();
    format!("{} bytes ({})", l.size, fields.join(", "))
}

pub(super) fn is_data_field(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase())
        && !name.starts_with("Pad")
        && !name.starts_with("X_")
        && !name.starts_with("Spare")
}

/// Compare the structs this file declares with the tables, on each arch it is checked for.
/// Arches with the same problems share one sentence of the message. The fix rewrites a
/// drifted struct from the tables of `rewrite_for`.
fn check_structs(
    cx: &FileCtx<'_>,
    p: PkgId,
    pkg: abi::Package,
    arches: ArchSet,
    rewrite_for: ArchSet,
    out: &mut Vec<Finding>,
) {
    if arches.is_empty() {
        return;
    }
    let infs: Vec<&Infer<'_, '_>> = arches.iter().map(|a| cx.infer(a)).collect();
    for item in crate::index::decls::typed_items(cx.tree, cx.src) {
        if !matches!(item.kind, ItemKind::Struct(_)) || !CHECKED.contains(&item.name.as_str()) {
            continue;
        }
        let mut groups: Vec<(String, ArchSet)> = Vec::new();
        let mut facts: Vec<String> = Vec::new();
        for inf in &infs {
            let arch = inf.arch;
            let Some(want) = abi::table(arch, pkg).strukt(&item.name) else {
                continue;
            };
            let ty = Ty::Named(Home::Local(p), item.name.clone());
            let Some(mine) = struct_layout(inf, &ty, 0) else {
                crate::types::note_gave_up(cx, cx.tree.root_node());
                continue;
            };
            let problems = compare(&mine, want);
            if problems.is_empty() {
                continue;
            }
            match groups.iter_mut().find(|(p, _)| *p == problems) {
                Some((_, set)) => set.insert(arch),
                None => groups.push((problems, ArchSet::single(arch))),
            }
            facts.push(format!(
                "on {arch} `{}.{}` is {}; this copy declares {}",
                pkg.name(),
                item.name,
                describe(&table_layout(want)),
                describe(&mine)
            ));
        }
        if groups.is_empty() {
            continue;
        }
        let all = groups
            .iter()
            .fold(ArchSet::EMPTY, |acc, (_, s)| acc.union(*s));
        let parts: Vec<String> = groups
            .iter()
            .map(|(problems, set)| format!("for {set} {problems}"))
            .collect();
        facts.truncate(3);
        out.push(
            cx.finding_at(
                META.id,
                item.span,
                all,
                format!(
                    "vendored `{}.{}` {}",
                    pkg.name(),
                    item.name,
                    parts.join("; ")
                ),
                format!("{} ({})", facts.join("; "), table_source(pkg)),
            )
            .with_payload(Payload::StructRewrite {
                package: p,
                table: pkg,
                name: item.name.clone(),
                arches: rewrite_for,
            }),
        );
    }
}

fn table_layout(want: &abi::Struct) -> Layout {
    Layout {
        size: want.size,
        align: want.align,
        fields: want
            .fields
            .iter()
            .map(|f| crate::types::layout::Slot {
                name: f.name.to_string(),
                ty: f.ty.to_string(),
                offset: f.offset,
                size: f.size,
            })
            .collect(),
    }
}

/// What differs between a declared layout and the table's: size, and each data field's
/// presence, offset and size (pads are compared through the offsets they cause).
pub(super) fn compare(mine: &Layout, want: &abi::Struct) -> String {
    let mut problems = Vec::new();
    if mine.size != want.size {
        problems.push(format!("is {} bytes, not {}", mine.size, want.size));
    }
    for f in want.fields.iter().filter(|f| is_data_field(f.name)) {
        match mine.field(f.name) {
            None => problems.push(format!("has no `{}`", f.name)),
            Some(s) if s.offset != f.offset => problems.push(format!(
                "has `{}` at offset {}, not {}",
                f.name, s.offset, f.offset
            )),
            Some(s) if s.size != f.size => problems.push(format!(
                "has a {}-byte `{}`, not {} bytes (`{}`)",
                s.size, f.name, f.size, f.ty
            )),
            Some(_) => {}
        }
    }
    problems.join(", ")
}

/// `SYS_* = N` constants that differ from the tables for the file's arch.
fn check_sysnums(cx: &FileCtx<'_>, pkg: abi::Package, arch: Arch, out: &mut Vec<Finding>) {
    let table = abi::table(arch, pkg);
    cx.walk(|v| {
        if v.kind != "const_spec" {
            return !matches!(v.kind, "function_declaration" | "method_declaration");
        }
        let spec = v.node;
        let (Some(name), Some(values)) = (
            spec.child_by_field_id(FIELD.name),
            spec.child_by_field_id(FIELD.value),
        ) else {
            return false;
        };
        let n = text(name, cx.src);
        let Some(val) = values
            .named_child(0)
            .filter(|x| x.kind() == "int_literal")
            .and_then(|x| parse_u64(text(x, cx.src)))
        else {
            return false;
        };
        if let Some(want) = table.syscall(n).and_then(|c| c.value.as_int()) {
            if n.starts_with("SYS_") && i128::from(val) != want {
                out.push(
                    cx.finding(
                        META.id,
                        spec,
                        ArchSet::single(arch),
                        format!(
                            "vendored `{}.{n}` for {arch} is {val}, the kernel's number is {want}",
                            pkg.name()
                        ),
                        format!("`{n}` is {want} on {arch} ({})", table_source(pkg)),
                    )
                    .with_payload(Payload::SysnumValue {
                        name: n.to_string(),
                        arch,
                        want,
                        was: val,
                    }),
                );
            }
        }
        false
    });
}

/// The arches the copy `p` has a `ztypes_linux_<arch>.go` for, and the targets it has none
/// for.
fn missing_arches(index: &Index, p: PkgId) -> (ArchSet, ArchSet) {
    let mut have = ArchSet::EMPTY;
    for &f in &index.packages[p].files {
        if let Some(a) = arch_of(crate::walk::file_name(&index.files[f].rel), "ztypes_linux_") {
            have.insert(a);
        }
    }
    (have, index.targets.minus(have))
}

/// Targets the copy has no `ztypes_linux_<arch>.go` for: it predates their support.
fn check_missing_arches(cx: &FileCtx<'_>, p: PkgId, out: &mut Vec<Finding>) {
    let index = cx.index;
    let (have, missing) = missing_arches(index, p);
    if missing.is_empty() {
        return;
    }
    let Some(clause) = cx.package_clause() else {
        return;
    };
    let path = index.packages[p].import_path.as_deref().unwrap_or("");
    let mut f = cx.finding(META.id, clause, missing, format!(
            "vendored `{path}` has no `ztypes_linux_*.go` for {missing}: the copy predates those arches"
        ), format!("the copy declares types for {have} only"));
    f.set_no_fix(match index.copied_table(p) {
        Some(abi::Package::Syscall) => {
            "copy the `syscall` package again from a Go release that supports them"
        }
        _ => "update the vendored module (`go get golang.org/x/sys@latest && go mod vendor`)",
    });
    out.push(f);
}

/// `unix.SYS_X` through a vendored copy that lacks `SYS_X` for a target the tables have it on.
fn check_sys_uses(cx: &FileCtx<'_>, out: &mut Vec<Finding>) {
    let index = cx.index;
    let info = cx.info();
    let builds_for = info.arches.intersect(index.targets);
    for r in cx.refs() {
        if !r.name.starts_with("SYS_") {
            continue;
        }
        let Some(q) = &r.qualifier else { continue };
        let Some(Target::Local(p)) = cx.imports.get(q) else {
            continue;
        };
        let Some(pkg) = index.copied_table(*p) else {
            continue;
        };
        let missing = lacked_sysnum(index, *p, pkg, &r.name, builds_for);
        if missing.is_empty() {
            continue;
        }
        let numbers: Vec<String> = (missing.iter())
            .filter_map(|a| Some(format!("{} on {a}", sysnum(a, pkg, &r.name)?)))
            .collect();
        let mut f = cx
            .finding_at(
                META.id,
                r.span,
                missing,
                format!(
                    "the vendored `{}` lacks `{}` on {missing}, which the kernel has",
                    index.packages[*p].import_path.as_deref().unwrap_or(""),
                    r.name
                ),
                format!(
                    "`{}` is {} ({})",
                    r.name,
                    numbers.join(", "),
                    table_source(pkg)
                ),
            )
            .with_payload(Payload::Undefined {
                package: *p,
                name: r.name.clone(),
            });
        // The shared fix (`edit::sysnum`) adds numbers to x/sys copies only.
        if pkg == abi::Package::Syscall {
            f.set_no_fix("copy `syscall` again from a Go release that has it");
        }
        out.push(f);
    }
}
