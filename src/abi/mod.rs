//! Embedded per-arch ABI tables of Go's `syscall` and `golang.org/x/sys/unix`, plus the
//! kernel's own layouts, generated from Debian's sources (see `arch-tables/README.md`).
//!
//! One table type, [`ArchTable`], with one lookup API, holds either view of an arch: a Go
//! package's ([`table`]) or the kernel's ([`kernel`]). `build.rs` turns `arch-tables/*`
//! into static Rust data: nothing is parsed at run time.

pub mod query;
pub mod values;

use crate::arch::{Arch, ArchSet};

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
    /// `syscall.ImplementsGetwd` and the like.
    Bool(bool),
}

impl ConstValue {
    pub fn as_int(self) -> Option<i128> {
        match self {
            ConstValue::Int(v) => Some(v),
            _ => None,
        }
    }
}

impl std::fmt::Display for ConstValue {
    /// Integers print in decimal below 0x100 and in hex above, as Go sources spell flags.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            ConstValue::Int(v) if (0..256).contains(&v) => write!(f, "{v}"),
            ConstValue::Int(v) if v < 0 => write!(f, "{v}"),
            ConstValue::Int(v) => write!(f, "{v:#x}"),
            ConstValue::Str(s) => write!(f, "{s:?}"),
            ConstValue::Bool(b) => write!(f, "{b}"),
        }
    }
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

/// Whose view of an arch a table holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum View {
    /// What a Go package declares.
    Go(Package),
    /// The kernel's own UAPI view, from its cross compiler's headers: what raw syscalls
    /// really read and write (e.g. the 104-byte mips64 n64 `struct stat`).
    Kernel,
}

impl View {
    /// `syscall`, `unix` or `kernel`.
    pub const fn name(self) -> &'static str {
        match self {
            View::Go(p) => p.name(),
            View::Kernel => "kernel",
        }
    }
    /// The Go import path; `kernel` for the kernel's view, which has none.
    pub const fn import_path(self) -> &'static str {
        match self {
            View::Go(p) => p.import_path(),
            View::Kernel => "kernel",
        }
    }
}

/// One view of one arch on linux: everything a Go package declares ([`table`]), or the
/// kernel's UAPI ([`kernel`]: C structs by tag name with C field types, macros such as
/// `FIONREAD` or `_NSIG`, `__NR_*` numbers; no funcs, types or vars). One lookup API for both.
#[derive(Debug)]
pub struct ArchTable {
    pub arch: Arch,
    pub view: View,
    /// Sorted by name. Includes unexported structs the rules need (mips64 `stat_t`).
    pub structs: &'static [Struct],
    /// `SYS_*` (Go) or `__NR_*` (kernel) constants, sorted by name.
    pub syscalls: ConstList,
    /// Every other exported constant (Go) or macro (kernel), sorted by name.
    pub consts: ConstList,
    /// Exported functions and methods, sorted by name.
    pub funcs: &'static [Func],
    /// Exported named non-struct types, sorted by name.
    pub types: &'static [Named],
    /// Exported package-level variables, sorted by name.
    pub vars: &'static [Named],
}

/// A name-sorted list of constants. The 141k constant rows of all tables are only 13k
/// distinct ones, so each is stored once in a shared pool and a list is a string of pool
/// indices: a slice of `Const` per table made the crate's incremental build 2 s slower.
#[derive(Clone, Copy)]
pub struct ConstList {
    /// Little-endian u16 indices into `CONST_POOL`.
    idx: &'static [u8],
}

impl ConstList {
    pub const fn len(self) -> usize {
        self.idx.len() / 2
    }
    pub const fn is_empty(self) -> bool {
        self.idx.is_empty()
    }
    pub fn get(self, i: usize) -> Option<&'static Const> {
        let b = self.idx.get(2 * i..2 * i + 2)?;
        CONST_POOL.get(usize::from(u16::from_le_bytes([b[0], b[1]])))
    }
    pub fn iter(self) -> impl DoubleEndedIterator<Item = &'static Const> + ExactSizeIterator {
        self.idx
            .chunks_exact(2)
            .map(|b| &CONST_POOL[usize::from(u16::from_le_bytes([b[0], b[1]]))])
    }
    /// Binary search by name.
    pub fn find(self, name: &str) -> Option<&'static Const> {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let c = self.get(mid)?;
            match c.name.cmp(name) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return Some(c),
            }
        }
        None
    }
}

impl IntoIterator for ConstList {
    type Item = &'static Const;
    type IntoIter = Box<dyn Iterator<Item = &'static Const>>;
    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

impl std::fmt::Debug for ConstList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

// Constructors that keep the generated source short.
const fn ci(name: &'static str, ty: &'static str, v: i128) -> Const {
    Const {
        name,
        ty,
        value: ConstValue::Int(v),
    }
}
const fn cs(name: &'static str, ty: &'static str, v: &'static str) -> Const {
    Const {
        name,
        ty,
        value: ConstValue::Str(v),
    }
}
const fn cb(name: &'static str, ty: &'static str, v: bool) -> Const {
    Const {
        name,
        ty,
        value: ConstValue::Bool(v),
    }
}

include!(concat!(env!("OUT_DIR"), "/tables.rs"));

/// The table of `pkg` for `arch`.
pub fn table(arch: Arch, pkg: Package) -> &'static ArchTable {
    let t = &TABLES[arch.index() * 2 + pkg as usize];
    debug_assert!(t.arch == arch && t.view == View::Go(pkg));
    t
}

/// Every exported package-level name of a Go package on any arch, with the arches that
/// declare it: what [`ArchTable::has_exported`] answers per arch, for all arches at once.
pub struct ExportedNames {
    /// The names, concatenated in sorted order.
    blob: &'static str,
    /// 8 bytes per name: offset into `blob` (u32), length (u16), arch bits (u16), LE.
    entries: &'static [u8],
}

impl ExportedNames {
    pub fn len(&self) -> usize {
        self.entries.len() / 8
    }
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
    fn get(&self, i: usize) -> (&'static str, ArchSet) {
        let e = &self.entries[i * 8..i * 8 + 8];
        let offset = u32::from_le_bytes([e[0], e[1], e[2], e[3]]) as usize;
        let len = u16::from_le_bytes([e[4], e[5]]) as usize;
        let bits = u16::from_le_bytes([e[6], e[7]]);
        (&self.blob[offset..offset + len], ArchSet::from_bits(bits))
    }
    /// The arches declaring `name` (empty when none does).
    pub fn arches(&self, name: &str) -> ArchSet {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = (lo + hi) / 2;
            let (n, arches) = self.get(mid);
            match n.cmp(name) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return arches,
            }
        }
        ArchSet::EMPTY
    }
    /// The names in byte order, each with its arches.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, ArchSet)> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }
}

/// The exported names of `pkg` across arches.
pub fn exported(pkg: Package) -> &'static ExportedNames {
    &EXPORTED[pkg as usize]
}

/// The kernel view of `arch`, when the tables were generated with its cross compiler.
pub fn kernel(arch: Arch) -> Option<&'static ArchTable> {
    KERNEL[arch.index()].as_ref()
}

/// "tables from golang-golang-x-sys-dev 0.3.0-1": where a package's tables came from, for
/// the facts findings cite (from the manifest).
pub fn table_source(pkg: Package) -> &'static str {
    static SOURCES: std::sync::OnceLock<[String; 2]> = std::sync::OnceLock::new();
    let sources = SOURCES.get_or_init(|| {
        let find = |key: &str| {
            manifest()
                .lines()
                .find_map(|l| l.strip_prefix(key))
                .and_then(|l| {
                    Some(
                        l[l.find('(')? + 1..]
                            .split(';')
                            .next()?
                            .trim_end_matches(')')
                            .to_string(),
                    )
                })
                .map_or_else(
                    || "embedded tables".to_string(),
                    |v| format!("tables from {v}"),
                )
        };
        [find("syscall:"), find("x/sys/unix:")]
    });
    &sources[pkg as usize]
}

/// Sources and versions the tables came from (`arch-tables/MANIFEST`).
pub fn manifest() -> &'static str {
    MANIFEST
}

/// Binary search in a slice sorted by `name`.
fn find<T>(items: &'static [T], name: &str, key: impl Fn(&T) -> &str) -> Option<&'static T> {
    items
        .binary_search_by(|x| key(x).cmp(name))
        .ok()
        .map(|i| &items[i])
}

/// `epoll_wait`, `EPOLL_WAIT` or `SYS_EPOLL_WAIT` → `SYS_EPOLL_WAIT`.
pub fn sys_const_name(name: &str) -> String {
    let bare = name
        .strip_prefix("SYS_")
        .or_else(|| name.strip_prefix("__NR_"))
        .unwrap_or(name);
    format!("SYS_{}", bare.to_ascii_uppercase())
}

/// `epoll_wait`, `SYS_EPOLL_WAIT` or `__NR_epoll_wait` → `__NR_epoll_wait`.
pub fn nr_name(name: &str) -> String {
    let bare = name
        .strip_prefix("SYS_")
        .or_else(|| name.strip_prefix("__NR_"))
        .unwrap_or(name);
    format!("__NR_{}", bare.to_ascii_lowercase())
}

/// Whether a Go identifier is exported: it starts with an upper-case letter.
pub fn is_exported(name: &str) -> bool {
    name.starts_with(|c: char| c.is_uppercase())
}

impl ArchTable {
    /// A struct type, exported or not (`Stat_t`, `stat_t`); a C struct by tag (`stat`,
    /// `epoll_event`) in the kernel's view.
    pub fn strukt(&self, name: &str) -> Option<&'static Struct> {
        find(self.structs, name, |s| s.name)
    }
    /// An exported constant other than `SYS_*`; a UAPI macro (`FIONREAD`, `NCCS`).
    pub fn constant(&self, name: &str) -> Option<&'static Const> {
        self.consts.find(name)
    }
    /// A syscall number by any spelling: `epoll_wait`, `EPOLL_WAIT`, `SYS_EPOLL_WAIT` or
    /// `__NR_epoll_wait` finds `SYS_EPOLL_WAIT` in a Go table, `__NR_epoll_wait` in the
    /// kernel's.
    pub fn syscall(&self, name: &str) -> Option<&'static Const> {
        self.syscalls.find(name).or_else(|| {
            let own = match self.view {
                View::Go(_) => sys_const_name(name),
                View::Kernel => nr_name(name),
            };
            self.syscalls.find(&own)
        })
    }
    /// An exported function (`Major`) or method (`Timespec.Unix`).
    pub fn func(&self, name: &str) -> Option<&'static Func> {
        find(self.funcs, name, |f| f.name)
    }
    /// An exported named non-struct type (`Signal`, `Errno`).
    pub fn named(&self, name: &str) -> Option<&'static Named> {
        find(self.types, name, |n| n.name)
    }
    /// An exported package-level variable (`Stdin`).
    pub fn var(&self, name: &str) -> Option<&'static Named> {
        find(self.vars, name, |n| n.name)
    }
    /// Whether the package declares `name` at package level and exports it: a constant,
    /// `SYS_*`, function (not a method), struct or other named type, or variable.
    pub fn has_exported(&self, name: &str) -> bool {
        match self.view {
            View::Go(pkg) => exported(pkg).arches(name).contains(self.arch),
            View::Kernel => self.declares_exported(name),
        }
    }
    /// `has_exported` from the table's own lists.
    fn declares_exported(&self, name: &str) -> bool {
        is_exported(name)
            && !name.contains('.')
            && (self.constant(name).is_some()
                || self.syscalls.find(name).is_some()
                || self.func(name).is_some()
                || self.strukt(name).is_some()
                || self.named(name).is_some()
                || self.var(name).is_some())
    }
    /// Exported struct names, sorted.
    pub fn exported_structs(&self) -> impl Iterator<Item = &'static Struct> {
        self.structs.iter().filter(|s| is_exported(s.name))
    }
}

/// Each struct of `pkg`'s table on `base` (the exported ones only, with `exported`) beside
/// the struct of that name on each of `others` (`None` where that arch lacks it), without
/// the pairs whose fields are identical: the pairs whose fields may differ. (build.rs
/// shares identical field lists as one static slice, so a pointer test skips most.)
pub fn differing_structs(
    pkg: Package,
    base: Arch,
    others: ArchSet,
    exported: bool,
) -> impl Iterator<Item = (&'static Struct, Option<&'static Struct>)> {
    table(base, pkg)
        .structs
        .iter()
        .filter(move |s| !exported || is_exported(s.name))
        .flat_map(move |s| {
            others
                .iter()
                .map(move |a| (s, table(a, pkg).strukt(s.name)))
                .filter(|(s, o)| o.is_none_or(|o| !std::ptr::eq(o.fields, s.fields)))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_sorted(list: ConstList) -> bool {
        let names: Vec<&str> = list.iter().map(|c| c.name).collect();
        names.windows(2).all(|w| w[0] < w[1])
    }

    #[test]
    fn tables_are_sorted_for_binary_search() {
        for arch in Arch::ALL {
            for pkg in Package::ALL {
                let t = table(arch, pkg);
                assert_eq!((t.arch, t.view), (arch, View::Go(pkg)));
                assert!(t.structs.windows(2).all(|w| w[0].name < w[1].name));
                assert!(is_sorted(t.consts));
                assert!(is_sorted(t.syscalls));
                assert!(t.funcs.windows(2).all(|w| w[0].name < w[1].name));
                assert!(t.types.windows(2).all(|w| w[0].name < w[1].name));
                assert!(t.vars.windows(2).all(|w| w[0].name < w[1].name));
            }
            if let Some(k) = kernel(arch) {
                assert_eq!((k.arch, k.view), (arch, View::Kernel));
                assert!(k.funcs.is_empty() && k.types.is_empty() && k.vars.is_empty());
                assert!(is_sorted(k.syscalls) && is_sorted(k.consts));
            }
        }
    }

    /// The build-time index of exported names agrees with each table's own lists, name by
    /// name, and holds no name that no table declares.
    #[test]
    fn exported_names_agree_with_the_tables() {
        for pkg in Package::ALL {
            let names = exported(pkg);
            assert!(names.len() > 1000, "{pkg:?}: {} names", names.len());
            let mut previous = "";
            for (name, arches) in names.iter() {
                assert!(previous < name, "{pkg:?}: not sorted at {name}");
                previous = name;
                assert!(!arches.is_empty(), "{name}");
                for arch in Arch::ALL {
                    assert_eq!(
                        table(arch, pkg).declares_exported(name),
                        arches.contains(arch),
                        "{pkg:?} {arch} {name}"
                    );
                }
            }
            for arch in Arch::ALL {
                let t = table(arch, pkg);
                let all = t
                    .structs
                    .iter()
                    .map(|s| s.name)
                    .chain(t.consts.iter().map(|c| c.name))
                    .chain(t.syscalls.iter().map(|c| c.name))
                    .chain(t.funcs.iter().map(|f| f.name))
                    .chain(t.types.iter().map(|n| n.name))
                    .chain(t.vars.iter().map(|n| n.name));
                for name in all {
                    assert_eq!(
                        names.arches(name).contains(arch),
                        t.declares_exported(name),
                        "{pkg:?} {arch} {name}"
                    );
                }
            }
        }
    }

    #[test]
    fn lookups_by_every_spelling() {
        let t = table(Arch::Mips64le, Package::Unix);
        let n = t.syscall("SYS_EPOLL_WAIT").unwrap().value;
        assert_eq!(t.syscall("epoll_wait").unwrap().value, n);
        assert!(t.func("Major").is_some());
        assert!(t.func("Timespec.Unix").is_some());
        assert!(
            t.has_exported("Stat_t") && t.has_exported("O_NONBLOCK") && t.has_exported("SYS_READ")
        );
        assert!(!t.has_exported("stat_t") && !t.has_exported("Timespec.Unix"));
        let k = kernel(Arch::Mips64le).unwrap();
        assert_eq!(k.syscall("SYS_EPOLL_WAIT").unwrap().value, n);
        assert_eq!(k.syscall("epoll_wait").unwrap().name, "__NR_epoll_wait");
        assert_eq!(t.syscall("__NR_epoll_wait").unwrap().name, "SYS_EPOLL_WAIT");
        assert!(manifest().contains("golang-golang-x-sys-dev"));
    }
}
