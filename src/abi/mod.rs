//! Embedded per-arch ABI tables of Go's `syscall` and `golang.org/x/sys/unix`, plus the
//! kernel's own layouts, generated from Debian's sources (see `arch-tables/README.md`).
//!
//! `build.rs` turns `arch-tables/*` into static Rust data: nothing is parsed at run time.

pub mod cmd;

use crate::arch::Arch;

/// Which Go package a table describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Package {
    /// Go's standard library `syscall`.
    Syscall,
    /// `golang.org/x/sys/unix`.
    Unix,
}

impl Package {
    pub const ALL: [Package; 2] = [Package::Syscall, Package::Unix];
    /// Short name as used in Go source (`syscall.X`, `unix.X`).
    pub const fn name(self) -> &'static str {
        match self {
            Package::Syscall => "syscall",
            Package::Unix => "unix",
        }
    }
    /// Import path.
    pub const fn import_path(self) -> &'static str {
        match self {
            Package::Syscall => "syscall",
            Package::Unix => "golang.org/x/sys/unix",
        }
    }
}

/// One struct field, blank `_` fields included.
#[derive(Debug, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    /// Go type as written by go/types, package-qualified names shortened (`Timespec`, `[65]int8`).
    pub ty: &'static str,
    pub offset: u64,
    pub size: u64,
}

#[derive(Debug, PartialEq, Eq)]
pub struct Struct {
    pub name: &'static str,
    pub size: u64,
    pub align: u64,
    pub fields: &'static [Field],
}

impl Struct {
    pub fn field(&self, name: &str) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.name == name)
    }
}

/// A constant's value. Integer constants fit i128 (Go's untyped constants used here are < 2^64).
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum ConstValue {
    Int(i128),
    Str(&'static str),
}

#[derive(Debug, PartialEq, Eq)]
pub struct Const {
    pub name: &'static str,
    /// Declared Go type (`Signal`, `Errno`, `int`…), or "" for untyped.
    pub ty: &'static str,
    pub value: ConstValue,
}

#[derive(Debug, PartialEq, Eq)]
pub struct Param {
    pub name: &'static str,
    pub ty: &'static str,
}

/// An exported function or method signature.
#[derive(Debug, PartialEq, Eq)]
pub struct Func {
    /// `Major`, or `Timespec.Unix` for a method.
    pub name: &'static str,
    pub params: &'static [Param],
    pub results: &'static [Param],
    pub variadic: bool,
}

/// A named non-struct type (`type Signal int`) or exported variable (`var Stdin = 0`).
#[derive(Debug, PartialEq, Eq)]
pub struct Named {
    pub name: &'static str,
    /// Underlying type for types, declared type for vars.
    pub ty: &'static str,
}

/// Everything one Go package declares for one arch on linux.
#[derive(Debug)]
pub struct ArchTable {
    pub arch: Arch,
    pub package: Package,
    /// Sorted by name. Includes unexported structs the rules need (mips64 `stat_t`).
    pub structs: &'static [Struct],
    /// `SYS_*` constants, sorted by name.
    pub syscalls: &'static [Const],
    /// Every other exported constant, sorted by name.
    pub consts: &'static [Const],
    /// Exported functions and methods, sorted by name.
    pub funcs: &'static [Func],
    /// Exported named non-struct types, sorted by name.
    pub types: &'static [Named],
    /// Exported package-level variables, sorted by name.
    pub vars: &'static [Named],
}

// INTERIM until the generated tables land (branch `tables`).
static EMPTY_TABLE: ArchTable = ArchTable { arch: Arch::Amd64, package: Package::Unix, structs: &[], syscalls: &[], consts: &[], funcs: &[], types: &[], vars: &[] };
pub fn table(_arch: Arch, _pkg: Package) -> &'static ArchTable {
    &EMPTY_TABLE
}
impl ArchTable {
    pub fn has_exported(&self, _name: &str) -> bool {
        false
    }
    pub fn syscall(&self, _name: &str) -> Option<&'static Const> {
        None
    }
}
