//! Values across the tables: a constant or syscall number on an arch from
//! x/sys/unix, `syscall` or the kernel's headers, and the names behind a number.

use super::{kernel, table, Package};
use crate::arch::Arch;

/// A constant's value on `arch`: x/sys/unix, else `syscall`, else the kernel's UAPI macros.
pub fn const_value(arch: Arch, name: &str) -> Option<i128> {
    table(arch, Package::Unix)
        .constant(name)
        .or_else(|| table(arch, Package::Syscall).constant(name))
        .or_else(|| kernel(arch).and_then(|k| k.constant(name)))
        .and_then(|c| c.value.as_int())
}

/// A syscall number on `arch` (`SYS_GETPID`), from x/sys/unix, else `syscall`.
pub fn sys_number(arch: Arch, name: &str) -> Option<i128> {
    table(arch, Package::Unix)
        .syscalls
        .find(name)
        .or_else(|| table(arch, Package::Syscall).syscalls.find(name))
        .and_then(|c| c.value.as_int())
}

/// Names of the syscalls numbered `n` on `arch`, sorted (aliases such as `SYS_FSTATAT`
/// and `SYS_NEWFSTATAT` both appear).
pub fn sys_names(arch: Arch, n: i128) -> Vec<&'static str> {
    let mut v: Vec<&'static str> = Package::ALL
        .into_iter()
        .flat_map(|p| table(arch, p).syscalls.iter())
        .filter(|c| c.value.as_int() == Some(n))
        .map(|c| c.name)
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// The source of the kernel tables, for facts.
pub fn kernel_source() -> &'static str {
    "kernel UAPI headers of Linux 6.1 via the cross compilers (abiport's kernel tables)"
}
