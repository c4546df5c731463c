//! `kernel-struct-mirror`: a Go struct declared in the file, whose address goes to a raw
//! syscall that reads or writes a kernel struct (`epoll_event`, `stat`, `timespec`,
//! `winsize`, `flock`, `statfs`, `timeval`), and whose layout on a target differs from
//! that struct's layout there.

#[path = "kernel_struct_mirror_fix.rs"]
mod fix;

use super::facts::per_arch_values;
use super::{Bodies, FileCtx, FixAvailability, Rule, RuleMeta, SourceView};
use crate::abi::table_source;
use crate::abi::values::{const_value, kernel_source};
use crate::abi::{self, Package};
use crate::arch::{Arch, ArchSet};
use crate::finding::{Finding, Payload};
use crate::index::{AbiImport, FileId, Index};
use crate::syntax::calls::{
    address_of_var, builds_for_a_target, lexed_raw_calls, mentions, named_raw_syscalls,
    raw_syscall_offsets, strip_pointer_conversions, table_bindings, table_selector, LexedArg,
    LexedTrap, RawCall,
};
use crate::syntax::literals::{literal_value, Consts};
use crate::syntax::locals::{var_type, TypeName};
use crate::types::layout::declared_struct_layout;
use crate::types::layout::{Layout, Slot};
use tree_sitter::Node;

pub struct KernelStructMirror;

pub(super) static META: RuleMeta = RuleMeta {
    id: "kernel-struct-mirror",
    summary: "a hand-written Go struct passed to a raw syscall does not match the kernel's layout on a target arch",
    doc: include_str!("../../rules/kernel-struct-mirror.md"),
    fix: FixAvailability::Sometimes,
    imports: Some(AbiImport::ExactOutsideTables),
    words: &["Syscall"],
    fixer: Some(fix::attach),
};

/// A raw syscall argument that points at a kernel struct.
pub(super) struct KernelArg {
    pub(super) sys: &'static str,
    /// Index among the arguments after the trap.
    pub(super) arg: usize,
    /// C struct tag in the kernel tables.
    pub(super) tag: &'static str,
    /// The x/sys/unix type with the same layout, for arches without kernel tables.
    pub(super) go: &'static str,
    /// The request/command argument that must name one of these constants, if any.
    pub(super) when: Option<(usize, &'static [&'static str])>,
}

const fn ka(sys: &'static str, arg: usize, tag: &'static str, go: &'static str) -> KernelArg {
    KernelArg {
        sys,
        arg,
        tag,
        go,
        when: None,
    }
}

pub(super) const KERNEL_ARGS: &[KernelArg] = &[
    ka("SYS_EPOLL_CTL", 3, "epoll_event", "EpollEvent"),
    ka("SYS_EPOLL_WAIT", 1, "epoll_event", "EpollEvent"),
    ka("SYS_EPOLL_PWAIT", 1, "epoll_event", "EpollEvent"),
    ka("SYS_EPOLL_PWAIT2", 1, "epoll_event", "EpollEvent"),
    ka("SYS_FSTAT", 1, "stat", "Stat_t"),
    ka("SYS_STAT", 1, "stat", "Stat_t"),
    ka("SYS_LSTAT", 1, "stat", "Stat_t"),
    ka("SYS_NEWFSTATAT", 2, "stat", "Stat_t"),
    ka("SYS_FSTATAT", 2, "stat", "Stat_t"),
    ka("SYS_STATFS", 1, "statfs", "Statfs_t"),
    ka("SYS_FSTATFS", 1, "statfs", "Statfs_t"),
    ka("SYS_NANOSLEEP", 0, "timespec", "Timespec"),
    ka("SYS_NANOSLEEP", 1, "timespec", "Timespec"),
    ka("SYS_CLOCK_GETTIME", 1, "timespec", "Timespec"),
    ka("SYS_CLOCK_NANOSLEEP", 2, "timespec", "Timespec"),
    ka("SYS_CLOCK_NANOSLEEP", 3, "timespec", "Timespec"),
    ka("SYS_GETTIMEOFDAY", 0, "timeval", "Timeval"),
    // x/sys has no sigaction type: only arches with kernel tables are judged.
    ka("SYS_RT_SIGACTION", 1, "sigaction", ""),
    ka("SYS_RT_SIGACTION", 2, "sigaction", ""),
    KernelArg {
        sys: "SYS_IOCTL",
        arg: 2,
        tag: "winsize",
        go: "Winsize",
        when: Some((1, &["TIOCGWINSZ", "TIOCSWINSZ"])),
    },
    KernelArg {
        sys: "SYS_FCNTL",
        arg: 2,
        tag: "flock",
        go: "Flock_t",
        when: Some((1, &["F_GETLK", "F_SETLK", "F_SETLKW"])),
    },
];

impl Rule for KernelStructMirror {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// No parse unless the file declares a struct (a mirror is declared in the file that
    /// passes it) and its tokens hold a raw call the check can judge ([`judges_a_call`]).
    fn wants_source(&self, index: &Index, file: FileId, src: &SourceView<'_>) -> bool {
        builds_for_a_target(index, file)
            && src.mentions("Syscall")
            && src.mentions("struct")
            && judges_a_call(index, file, src.bytes())
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
        if targets.is_empty() || !mentions(cx.src, "Syscall") {
            return;
        }
        let scan = cx.syscall_scan();
        let consts = &scan.consts;
        for RawCall { sys, rest, .. } in named_raw_syscalls(cx, scan) {
            for k in KERNEL_ARGS.iter().filter(|k| k.sys == sys) {
                let Some(&arg) = rest.get(k.arg) else {
                    continue;
                };
                if let Some((i, names)) = k.when {
                    let Some(&req) = rest.get(i) else { continue };
                    if !names.iter().any(|n| names_constant(cx, consts, req, n)) {
                        continue;
                    }
                }
                if let Some(f) = check_arg(cx, arg, k, targets) {
                    out.push(f);
                }
            }
        }
    }
}

/// Whether the tokens hold a raw call `q.Syscall*(…)` of a table import the check may
/// report: its trap a value (a number or a constant: the parse tells the syscall), or
/// naming a syscall of [`KERNEL_ARGS`] with what it needs ([`may_mirror`]).
fn judges_a_call(index: &Index, file: FileId, src: &[u8]) -> bool {
    lexed_raw_calls(src, &table_bindings(index, file))
        .iter()
        .any(|call| match &call.trap {
            LexedTrap::Value => true,
            LexedTrap::Names(names) => names.iter().any(|sys| may_mirror(sys, &call.rest)),
        })
}

/// Where a raw call `q.Syscall*(…)` of a table import (one of `quals`), a `const` or a
/// `type` is. A finding sits in a raw call, whose variable's type is read in the same
/// function (`var_type`); the struct declarations compared, and the constants that give
/// traps, requests and array lengths, are read in every scope (`find_type_spec`,
/// `FileScan::consts`: a name declared twice unknown), so every declaration with a `type`
/// or a `const` is held too.
pub(super) fn site_offsets(src: &[u8], quals: &[String]) -> Vec<usize> {
    let mut at = raw_syscall_offsets(src, quals);
    at.extend(crate::lexer::code_word_offsets(src, "type"));
    at
}

/// Whether a raw call of `sys` with arguments `rest` (after the trap) may pass the address
/// of a mirror where the kernel reads or writes a struct, as the tokens tell: a `&x` where
/// the struct goes, and the request that selects the struct, if one does, a table
/// constant of those named or a value.
fn may_mirror(sys: &str, rest: &[LexedArg<'_>]) -> bool {
    KERNEL_ARGS.iter().filter(|k| k.sys == sys).any(|k| {
        rest.get(k.arg).is_some_and(|a| a.may_take_address())
            && k.when
                .is_none_or(|(i, names)| rest.get(i).is_some_and(|r| r.may_name(names)))
    })
}

/// Whether an argument is the named constant, or a literal with its reference value.
fn names_constant(cx: &FileCtx<'_>, consts: &Consts<'_>, node: Node<'_>, name: &str) -> bool {
    let node = strip_pointer_conversions(cx.src, node);
    if let Some((_, n)) = table_selector(cx, node, cx.src) {
        return n == name;
    }
    literal_value(cx, consts, node)
        .is_some_and(|l| const_value(cx.index.reference, name) == Some(l.value))
}

/// The layout the kernel reads on `arch`, and where the fact comes from.
pub(super) fn expected(arch: Arch, k: &KernelArg) -> Option<(&'static abi::Struct, String)> {
    if let Some(s) = abi::kernel(arch).and_then(|t| t.strukt(k.tag)) {
        return Some((s, format!("the kernel's `struct {}`", k.tag)));
    }
    if k.tag == "stat" {
        if arch.ptr_size() == 4 {
            // Go's Stat_t is `struct stat64` there: raw-syscall-abi reports that.
            return None;
        }
        // mips64's n64 `struct stat` is x/sys's unexported `stat_t`.
        if let Some(s) = abi::table(arch, Package::Unix).strukt("stat_t") {
            return Some((s, "x/sys `stat_t` (the kernel's `struct stat`)".to_string()));
        }
    }
    if k.go.is_empty() {
        return None;
    }
    let s = abi::table(arch, Package::Unix).strukt(k.go)?;
    Some((s, format!("x/sys `{}`", k.go)))
}

pub(super) fn norm(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    let bare = ["st_", "tv_", "ws_", "l_", "f_", "c_", "sa_"]
        .iter()
        .find_map(|p| lower.strip_prefix(p))
        .unwrap_or(&lower);
    bare.replace('_', "")
}

/// What differs between the mirror and the expected layout, if anything.
pub(super) fn difference(mirror: &Layout, want: &abi::Struct) -> Option<String> {
    if mirror.size != want.size {
        return Some(format!("{} bytes, not {}", mirror.size, want.size));
    }
    for Slot {
        name,
        offset: off,
        size,
        ..
    } in &mirror.fields
    {
        if name == "_" {
            continue;
        }
        let n = norm(name);
        if let Some(f) = want.fields.iter().find(|f| norm(f.name) == n) {
            if f.offset != *off || f.size != *size {
                return Some(format!(
                    "`{name}` at offset {off} ({size} bytes), not {} ({} bytes)",
                    f.offset, f.size
                ));
            }
        }
    }
    None
}

fn check_arg(cx: &FileCtx<'_>, arg: Node<'_>, k: &KernelArg, targets: ArchSet) -> Option<Finding> {
    let (var, _) = address_of_var(cx.src, arg)?;
    let TypeName::Local(ty) = var_type(cx.src, arg, var)? else {
        return None;
    };
    let mut broken = ArchSet::EMPTY;
    let mut diffs: Vec<(Arch, String)> = Vec::new();
    let mut sources: Vec<(Arch, String)> = Vec::new();
    for arch in targets.iter() {
        let Some((want, source)) = expected(arch, k) else {
            continue;
        };
        let Some(mirror) = declared_struct_layout(cx, &ty, arch) else {
            continue;
        };
        if let Some(d) = difference(&mirror, want) {
            broken.insert(arch);
            diffs.push((arch, d));
            let key_field = want
                .fields
                .iter()
                .filter(|f| {
                    !f.name.starts_with('_') && !f.name.to_ascii_lowercase().contains("pad")
                })
                .nth(1)
                .map(|f| format!(", `{}` at {}", f.name, f.offset))
                .unwrap_or_default();
            sources.push((arch, format!("{source} is {} bytes{key_field}", want.size)));
        }
    }
    if broken.is_empty() {
        return None;
    }
    let message = format!(
        "`{ty}` passed to raw `{}` does not match the kernel's `struct {}` on {broken}",
        k.sys, k.tag
    );
    let fact = format!(
        "`{ty}` is {}; {} ({}; {})",
        per_arch_values(&diffs),
        per_arch_values(&sources),
        kernel_source(),
        table_source(Package::Unix)
    );
    Some(
        cx.finding(META.id, arg, broken, message, fact)
            .with_payload(Payload::Mirror {
                type_name: ty,
                syscall: k.sys,
                kernel_struct: k.tag,
            }),
    )
}
