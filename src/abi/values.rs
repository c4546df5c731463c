//! Values across the tables: a constant or syscall number on an arch from
//! x/sys/unix, `syscall` or the kernel's headers, and the names behind a number.

use super::{kernel, table, Package};
use crate::arch::Arch;
use rustc_hash::FxHashMap;
use std::sync::OnceLock;

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
    syscalls_by_number(arch)
        .get(&n)
        .cloned()
        .unwrap_or_default()
}

/// `arch`'s syscall names by number (sorted, deduplicated), made on first use: a file of
/// per-arch constants asks for each of its values (a copy of x/sys at another import path
/// holds thousands), and each ask searched both tables.
fn syscalls_by_number(arch: Arch) -> &'static FxHashMap<i128, Vec<&'static str>> {
    static BY_ARCH: [OnceLock<FxHashMap<i128, Vec<&'static str>>>; Arch::ALL.len()] =
        [const { OnceLock::new() }; Arch::ALL.len()];
    BY_ARCH[arch.index()].get_or_init(|| {
        let mut by: FxHashMap<i128, Vec<&'static str>> = FxHashMap::default();
        for c in Package::ALL
            .into_iter()
            .flat_map(|p| table(arch, p).syscalls.iter())
        {
            if let Some(v) = c.value.as_int() {
                by.entry(v).or_default().push(c.name);
            }
        }
        for names in by.values_mut() {
            names.sort_unstable();
            names.dedup();
        }
        by
    })
}

/// The source of the kernel tables, for facts.
pub fn kernel_source() -> &'static str {
    "kernel UAPI headers of Linux 6.1 via the cross compilers (abiport's kernel tables)"
}
