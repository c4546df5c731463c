//! `raw-syscall-abi`: raw syscalls whose calling convention differs by arch even with the
//! right number: stat calls into Go's `Stat_t`, raw `pipe` on MIPS, a sigset size of 8 for
//! `rt_sigprocmask`/`rt_sigaction`/…, 64-bit arguments passed as one word on 32-bit arches.
//! Fixes and the reasons for none: `raw_syscall_abi_fix.rs`.

#[path = "raw_syscall_abi_fix.rs"]
mod fix;

use super::facts::per_arch_values;
use super::{Bodies, FileCtx, FixAvailability, Rule, RuleMeta, SourceView};
use crate::abi::table_source;
use crate::abi::values::{kernel_source, sys_number};
use crate::abi::{self, Package};
use crate::arch::{Arch, ArchSet};
use crate::finding::{Finding, Payload};
use crate::index::{AbiImport, FileId, Index};
use crate::syntax::calls::{
    address_of_var, builds_for_a_target, lexed_raw_calls, mentions, named_raw_syscalls,
    raw_syscall_offsets, table_bindings, table_package, LexedArg, LexedTrap, RawCall,
};
use crate::syntax::literals::{literal_value, Consts};
use crate::syntax::locals::{var_type, TypeName};
use crate::syntax::text;
use tree_sitter::Node;

pub struct RawSyscallAbi;

pub(super) static META: RuleMeta = RuleMeta {
    id: "raw-syscall-abi",
    summary: "a raw syscall whose calling convention differs on a target arch",
    doc: include_str!("../../rules/raw-syscall-abi.md"),
    fix: FixAvailability::Sometimes,
    imports: Some(AbiImport::ExactOutsideTables),
    words: &["Syscall"],
    fixer: Some(fix::attach),
};

/// Stat-family syscalls and the index (after the trap) of their `struct stat *` argument.
const STAT_CALLS: &[(&str, usize)] = &[
    ("SYS_FSTAT", 1),
    ("SYS_STAT", 1),
    ("SYS_LSTAT", 1),
    ("SYS_NEWFSTATAT", 2),
    ("SYS_FSTATAT", 2),
];

/// Syscalls with 64-bit arguments: (name, argument count on 64-bit arches, the 64-bit
/// parameters, the wrapper to use).
const WIDE_ARGS: &[(&str, usize, &str, &str)] = &[
    ("SYS_FADVISE64", 4, "`offset`, `len`", "unix.Fadvise"),
    (
        "SYS_SYNC_FILE_RANGE",
        4,
        "`offset`, `nbytes`",
        "unix.SyncFileRange",
    ),
    ("SYS_PREAD64", 4, "`offset`", "unix.Pread"),
    ("SYS_PWRITE64", 4, "`offset`", "unix.Pwrite"),
    ("SYS_FALLOCATE", 4, "`offset`, `len`", "unix.Fallocate"),
];

/// Syscalls whose sigset size the kernel checks against `_NSIG / 8` whatever the set, the
/// index (after the trap) of the size, and the portable way to make the call.
/// (`rt_sigpending` accepts a smaller size; `ppoll`/`epoll_pwait` check it only with a mask.)
const SIGSET_CALLS: &[(&str, usize, &str)] = &[
    (
        "SYS_RT_SIGPROCMASK",
        3,
        "`unix.PthreadSigmask`, or os/signal",
    ),
    (
        "SYS_RT_SIGACTION",
        3,
        "os/signal (`signal.Notify`, `signal.Ignore`)",
    ),
    ("SYS_RT_SIGTIMEDWAIT", 3, "os/signal (`signal.Notify`)"),
    ("SYS_RT_SIGSUSPEND", 1, "os/signal (`signal.Notify`)"),
    ("SYS_SIGNALFD4", 2, "`unix.Signalfd`"),
];

const MIPS: [Arch; 4] = [Arch::Mips, Arch::Mipsle, Arch::Mips64, Arch::Mips64le];

impl Rule for RawSyscallAbi {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    /// No parse unless the tokens hold a raw call the check can judge ([`judges_a_call`]).
    fn wants_source(&self, index: &Index, file: FileId, src: &SourceView<'_>) -> bool {
        builds_for_a_target(index, file)
            && src.mentions("Syscall")
            && judges_a_call(index, file, src.bytes())
    }

    /// A finding sits in a raw call `q.Syscall*(…)` of a table import, whose variables
    /// are read in the same function (`var_type`); traps and sizes resolve through the
    /// file's constants (`FileScan::consts`: every scope), so every `const` is held too.
    fn bodies(&self, index: &Index, file: FileId, src: &[u8]) -> Bodies {
        Bodies::Holding(raw_syscall_offsets(src, &table_bindings(index, file)))
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
        for RawCall { trap, sys, rest } in named_raw_syscalls(cx, scan) {
            // Only arches where the syscall exists: elsewhere undefined-on-arch reports.
            let has: ArchSet = targets
                .iter()
                .filter(|a| sys_number(*a, &sys).is_some())
                .collect();
            if has.is_empty() {
                continue;
            }
            let finding = if let Some((_, i)) = STAT_CALLS.iter().find(|(s, _)| *s == sys) {
                rest.get(*i)
                    .and_then(|a| stat_into_stat_t(cx, &sys, *a, has))
            } else if sys == "SYS_PIPE" {
                raw_pipe(cx, trap, has)
            } else if let Some((_, i, instead)) = SIGSET_CALLS.iter().find(|c| c.0 == sys) {
                rest.get(*i)
                    .and_then(|a| sigset_size(cx, consts, &sys, *a, has, instead))
            } else if let Some(w) = WIDE_ARGS.iter().find(|w| w.0 == sys) {
                wide_args(cx, consts, trap, rest, w, has)
            } else {
                None
            };
            out.extend(finding);
        }
    }
}

/// Whether the tokens hold a raw call `q.Syscall*(…)` of a table import the check may
/// report: its trap a value (a number or a constant: the parse tells the syscall), or
/// naming a syscall judged here that some target the file builds for has, with what can
/// break ([`may_break`]).
fn judges_a_call(index: &Index, file: FileId, src: &[u8]) -> bool {
    let targets = index.files[file].arches.intersect(index.targets);
    let names_stat = mentions(src, "Stat_t");
    lexed_raw_calls(src, &table_bindings(index, file))
        .iter()
        .any(|call| match &call.trap {
            LexedTrap::Value => true,
            LexedTrap::Names(names) => names
                .iter()
                .any(|sys| may_break(sys, &call.rest, targets, names_stat)),
        })
}

/// Whether the check may report a raw call of `sys` with arguments `rest` (after the
/// trap) on one of `targets`, as the tokens tell: a stat call into a `&x` in a file naming
/// `Stat_t`, `pipe` on MIPS, a sigset size written as a value, 64-bit arguments on a
/// 32-bit arch.
fn may_break(sys: &str, rest: &[LexedArg<'_>], targets: ArchSet, names_stat: bool) -> bool {
    let has: ArchSet = targets
        .iter()
        .filter(|a| sys_number(*a, sys).is_some())
        .collect();
    if has.is_empty() {
        return false;
    }
    if let Some((_, i)) = STAT_CALLS.iter().find(|(s, _)| *s == sys) {
        names_stat && rest.get(*i).is_some_and(|a| a.may_take_address())
    } else if sys == "SYS_PIPE" {
        has.iter().any(|a| MIPS.contains(&a))
    } else if let Some((_, i, _)) = SIGSET_CALLS.iter().find(|c| c.0 == sys) {
        rest.get(*i).is_some_and(|a| a.may_be_literal)
    } else if WIDE_ARGS.iter().any(|w| w.0 == sys) {
        has.iter().any(|a| a.ptr_size() == 4)
    } else {
        false
    }
}

/// The wrapper that fills a `Stat_t` for a stat-family syscall.
pub(super) fn stat_wrapper(sys: &str) -> &'static str {
    match sys {
        "SYS_NEWFSTATAT" | "SYS_FSTATAT" => "Fstatat",
        "SYS_STAT" => "Stat",
        "SYS_LSTAT" => "Lstat",
        _ => "Fstat",
    }
}

/// Size of the kernel's `struct stat` on a 64-bit arch, when the tables know it.
fn kernel_stat_size(arch: Arch) -> Option<u64> {
    abi::kernel(arch)
        .and_then(|k| k.strukt("stat"))
        .or_else(|| abi::table(arch, Package::Unix).strukt("stat_t"))
        .map(|s| s.size)
}

fn stat_into_stat_t(cx: &FileCtx<'_>, sys: &str, arg: Node<'_>, has: ArchSet) -> Option<Finding> {
    let (var, _) = address_of_var(cx.src, arg)?;
    let TypeName::Qualified(q, ty) = var_type(cx.src, arg, var)? else {
        return None;
    };
    if ty != "Stat_t" {
        return None;
    }
    let pkg = table_package(cx, &q)?;
    let mut broken = ArchSet::EMPTY;
    let mut facts: Vec<(Arch, String)> = Vec::new();
    for arch in has.iter() {
        let go = abi::table(arch, pkg).strukt("Stat_t")?.size;
        if arch.ptr_size() == 4 {
            broken.insert(arch);
            facts.push((
                arch,
                format!(
                    "`{q}.Stat_t` ({go} bytes) is `struct stat64`, filled only by `SYS_FSTAT64`/`SYS_FSTATAT64`"
                ),
            ));
        } else if let Some(k) = kernel_stat_size(arch) {
            if k != go {
                broken.insert(arch);
                facts.push((
                    arch,
                    format!(
                        "the kernel's `struct stat` is {k} bytes with 32-bit times, `{q}.Stat_t` {go} bytes (the wrappers convert)"
                    ),
                ));
            }
        }
    }
    if broken.is_empty() {
        return None;
    }
    let wrapper = stat_wrapper(sys);
    let f = cx.finding(
        META.id,
        arg,
        broken,
        format!("raw `{sys}` into `{q}.Stat_t` reads the wrong layout on {broken}"),
        format!(
            "{} ({}; {}); use `{q}.{wrapper}`",
            per_arch_values(&facts),
            kernel_source(),
            table_source(pkg)
        ),
    );
    Some(Finding {
        payload: Payload::RawStat {
            sys: sys.to_string(),
            qualifier: q,
            package: pkg,
        },
        ..f
    })
}

fn raw_pipe(cx: &FileCtx<'_>, trap: Node<'_>, has: ArchSet) -> Option<Finding> {
    let broken: ArchSet = has.iter().filter(|a| MIPS.contains(a)).collect();
    if broken.is_empty() {
        return None;
    }
    let f = cx.finding(
        META.id,
        trap,
        broken,
        format!("raw `SYS_PIPE` returns both fds in registers on {broken} and leaves the array untouched"),
        format!(
            "MIPS `pipe` returns the read fd in v0 (r1) and the write fd in v1 (r2) and writes no memory (arch/mips/kernel/syscall.c `sysm_pipe`; observed under qemu-mips64el); use `unix.Pipe` or `unix.Pipe2`, which call `pipe2` on {broken}"
        ),
    );
    Some(Finding {
        payload: Payload::RawPipe,
        ..f
    })
}

/// `_NSIG / 8` on an arch: from the kernel tables, else MIPS's 128 signals (as the
/// mips64le kernel table says) or the generic 64.
fn sigset_bytes(arch: Arch) -> (i128, &'static str) {
    if let Some(n) = abi::kernel(arch)
        .and_then(|k| k.constant("_NSIG"))
        .and_then(|c| c.value.as_int())
    {
        return (n / 8, "kernel table `_NSIG`");
    }
    if MIPS.contains(&arch) {
        let n = abi::kernel(Arch::Mips64le)
            .and_then(|k| k.constant("_NSIG"))
            .and_then(|c| c.value.as_int())
            .unwrap_or(128);
        (n / 8, "MIPS `_NSIG`, as in the mips64le kernel table")
    } else {
        let n = abi::kernel(Arch::Amd64)
            .and_then(|k| k.constant("_NSIG"))
            .and_then(|c| c.value.as_int())
            .unwrap_or(64);
        (n / 8, "generic `_NSIG`, as in the amd64 kernel table")
    }
}

fn sigset_size(
    cx: &FileCtx<'_>,
    consts: &Consts<'_>,
    sys: &str,
    arg: Node<'_>,
    has: ArchSet,
    instead: &str,
) -> Option<Finding> {
    let lit = literal_value(cx, consts, arg)?;
    let mut broken = ArchSet::EMPTY;
    let mut facts = Vec::new();
    for arch in has.iter() {
        let (want, source) = sigset_bytes(arch);
        if want != lit.value {
            broken.insert(arch);
            facts.push((arch, format!("{want} bytes ({source})")));
        }
    }
    if broken.is_empty() {
        return None;
    }
    let shown = text(arg, cx.src);
    let mut f = cx.finding(
        META.id,
        arg,
        broken,
        format!(
            "sigset size `{shown}` for raw `{sys}` is wrong on {broken}; the kernel rejects it with `EINVAL`"
        ),
        format!(
            "the kernel requires `sigsetsize` = `_NSIG / 8`: {} ({})",
            per_arch_values(&facts),
            kernel_source()
        ),
    );
    f.set_no_fix(fix::sigset_reason(cx.info().arches, instead));
    Some(f)
}

fn wide_args(
    cx: &FileCtx<'_>,
    consts: &Consts<'_>,
    trap: Node<'_>,
    rest: &[Node<'_>],
    w: &(&str, usize, &str, &str),
    has: ArchSet,
) -> Option<Finding> {
    let (sys, count64, params, wrapper) = *w;
    let mut used = rest.len();
    while used > 0 && literal_value(cx, consts, rest[used - 1]).is_some_and(|l| l.value == 0) {
        used -= 1;
    }
    if used > count64 {
        return None; // already split into words
    }
    let broken: ArchSet = has.iter().filter(|a| a.ptr_size() == 4).collect();
    if broken.is_empty() {
        return None;
    }
    let pairs: ArchSet = broken
        .iter()
        .filter(|a| matches!(a, Arch::Arm | Arch::Mips | Arch::Mipsle))
        .collect();
    let mut fact = format!(
        "on {broken} each 64-bit argument ({params}) takes two registers, low and high word in the arch's byte order"
    );
    if !pairs.is_empty() {
        fact.push_str(&format!(
            ", on {pairs} starting at an even register (a padding argument)"
        ));
    }
    fact.push_str(&format!(
        " ({}); use `{wrapper}`",
        table_source(Package::Unix)
    ));
    let mut f = cx.finding(
        META.id,
        trap,
        broken,
        format!(
            "raw `{sys}` passes 64-bit {params} as one word{}; wrong on {broken}",
            if params.contains(',') { " each" } else { "" }
        ),
        fact,
    );
    f.set_no_fix(
        "the words, their order and the padding differ by arch, so no one argument list is right everywhere",
    );
    Some(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sigset_sizes_per_arch() {
        assert_eq!(sigset_bytes(Arch::Amd64).0, 8);
        assert_eq!(sigset_bytes(Arch::Arm64).0, 8);
        assert_eq!(sigset_bytes(Arch::Mips64le).0, 16);
        assert_eq!(sigset_bytes(Arch::Mips).0, 16);
        assert_eq!(sigset_bytes(Arch::Riscv64).0, 8);
    }

    #[test]
    fn names_the_fixes_and_reasons_use_exist_on_every_arch() {
        for arch in Arch::ALL {
            for pkg in Package::ALL {
                let t = abi::table(arch, pkg);
                assert!(t.syscalls.find("SYS_PIPE2").is_some(), "{arch} {pkg:?}");
                assert!(t.func("Fstat").is_some(), "{arch} {pkg:?}");
                assert!(t.named("Errno").is_some(), "{arch} {pkg:?}");
            }
            let unix = abi::table(arch, Package::Unix);
            for (_, _, instead) in SIGSET_CALLS {
                for name in ["PthreadSigmask", "Signalfd"] {
                    if instead.contains(&format!("`unix.{name}`")) {
                        assert!(unix.func(name).is_some(), "{arch} unix.{name}");
                    }
                }
            }
            // `unsafe.Sizeof(unix.Sigset_t{})` is glibc's set, not the kernel's size: no fix.
            assert_ne!(
                unix.strukt("Sigset_t").map(|s| s.size as i128),
                Some(sigset_bytes(arch).0),
                "{arch}"
            );
        }
    }

    #[test]
    fn kernel_stat_sizes() {
        assert_eq!(kernel_stat_size(Arch::Mips64le), Some(104));
        assert_eq!(kernel_stat_size(Arch::Mips64), Some(104));
        assert_eq!(kernel_stat_size(Arch::Amd64), Some(144));
        assert_eq!(kernel_stat_size(Arch::Arm64), Some(128));
    }
}
