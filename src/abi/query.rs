//! Questions about the embedded tables, answered as data: a struct by name with where it
//! came from (Go package or kernel), two arches' layouts of a struct field by field, what
//! differs between one package's tables on two arches, and a syscall's number on every
//! arch. `abiport abi` renders the answers.

use super::{kernel, table, ArchTable, Const, ConstList, Field, Package, Struct};
use crate::arch::Arch;
use crate::error::{Result, UserError};
use std::collections::BTreeMap;

/// Where a struct came from, for headings and JSON: `unix`, `syscall` or `kernel`.
pub struct Origin {
    /// `unix`, `syscall` or `kernel`.
    pub package: &'static str,
    /// `Stat_t`, or `struct stat` for the kernel.
    pub name: String,
}

impl Origin {
    /// `unix.Stat_t`, or `kernel struct stat`.
    pub fn title(&self) -> String {
        if self.package == "kernel" {
            format!("kernel {}", self.name)
        } else {
            format!("{}.{}", self.package, self.name)
        }
    }
}

/// `Stat_t` in the chosen package, or `kernel.stat` / `struct stat` from the kernel view.
pub fn lookup_struct(arch: Arch, pkg: Package, ty: &str) -> Result<(&'static Struct, Origin)> {
    let kernel_name = ty
        .strip_prefix("kernel.")
        .or_else(|| ty.strip_prefix("struct "));
    if let Some(name) = kernel_name {
        let k = kernel(arch).ok_or_else(|| {
            let have: Vec<&str> = Arch::ALL
                .iter()
                .filter(|a| kernel(**a).is_some())
                .map(|a| a.name())
                .collect();
            UserError::new(format!("no kernel tables for {arch}")).with_help(format!(
                "kernel layouts are generated for {}; see arch-tables/README.md",
                have.join(", ")
            ))
        })?;
        return match k.strukt(name) {
            Some(s) => Ok((
                s,
                Origin {
                    package: "kernel",
                    name: format!("struct {name}"),
                },
            )),
            None => Err(unknown(
                &format!("unknown kernel struct `{name}` on {arch}"),
                name,
                k.structs.iter().map(|s| s.name),
            )),
        };
    }
    let t = table(arch, pkg);
    if let Some(s) = t.strukt(ty) {
        return Ok((
            s,
            Origin {
                package: pkg.name(),
                name: ty.to_string(),
            },
        ));
    }
    if let Some(n) = t.named(ty) {
        return Err(UserError::new(format!(
            "`{}.{ty}` is not a struct: its underlying type is `{}`",
            pkg.name(),
            n.ty
        )));
    }
    let other = match pkg {
        Package::Unix => Package::Syscall,
        Package::Syscall => Package::Unix,
    };
    if table(arch, other).strukt(ty).is_some() {
        return Err(
            UserError::new(format!("`{ty}` is not in {} on {arch}", pkg.name())).with_help(
                format!(
                    "it is in `{}`: add `--package {}`",
                    other.name(),
                    other.name()
                ),
            ),
        );
    }
    Err(unknown(
        &format!("unknown type `{ty}` in {} on {arch}", pkg.name()),
        ty,
        t.structs.iter().map(|s| s.name),
    ))
}

fn unknown<'a>(title: &str, given: &str, candidates: impl Iterator<Item = &'a str>) -> UserError {
    let close = crate::suggest::closest(given, candidates, 3);
    let err = UserError::new(title.to_string());
    if close.is_empty() {
        err.with_help("`abiport abi show ARCH` lists what the tables hold")
    } else {
        err.with_help(format!("did you mean {}?", quoted(&close)))
    }
}

/// Names in backticks, comma separated (for "did you mean" help).
pub fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One line of a struct diff: a field on either side, and what differs.
pub struct FieldDiff {
    pub a: Option<&'static Field>,
    pub b: Option<&'static Field>,
}

impl FieldDiff {
    /// The field's name, `A / B` when a pad is named differently on each side.
    pub fn name(&self) -> String {
        match (self.a, self.b) {
            (Some(a), Some(b)) if a.name != b.name => format!("{} / {}", a.name, b.name),
            (Some(f), _) | (_, Some(f)) => f.name.to_string(),
            (None, None) => String::new(),
        }
    }
    /// What differs: `name`, `type`, `offset`, `size`; or `only_a` / `only_b`.
    pub fn changes(&self) -> Vec<&'static str> {
        match (self.a, self.b) {
            (Some(a), Some(b)) => {
                let mut c = Vec::new();
                if a.name != b.name {
                    c.push("name");
                }
                if a.ty != b.ty {
                    c.push("type");
                }
                if a.offset != b.offset {
                    c.push("offset");
                }
                if a.size != b.size {
                    c.push("size");
                }
                c
            }
            (Some(_), None) => vec!["only_a"],
            (None, Some(_)) => vec!["only_b"],
            (None, None) => Vec::new(),
        }
    }
}

/// Pairs fields by name, then leftover fields (pads, `_`) by offset and size, since pad
/// names differ between arches and packages. Ordered by offset, A's side first.
pub fn diff_fields(a: &'static Struct, b: &'static Struct) -> Vec<FieldDiff> {
    let mut used_b = vec![false; b.fields.len()];
    let mut pairs: Vec<(Option<usize>, Option<usize>)> = Vec::new();
    let mut unmatched_a = Vec::new();
    for (i, fa) in a.fields.iter().enumerate() {
        let j = (fa.name != "_")
            .then(|| {
                b.fields
                    .iter()
                    .enumerate()
                    .position(|(j, fb)| !used_b[j] && fb.name == fa.name)
            })
            .flatten();
        match j {
            Some(j) => {
                used_b[j] = true;
                pairs.push((Some(i), Some(j)));
            }
            None => unmatched_a.push(i),
        }
    }
    for i in unmatched_a {
        let fa = &a.fields[i];
        let j = b
            .fields
            .iter()
            .enumerate()
            .position(|(j, fb)| !used_b[j] && fb.offset == fa.offset && fb.size == fa.size);
        match j {
            Some(j) => {
                used_b[j] = true;
                pairs.push((Some(i), Some(j)));
            }
            None => pairs.push((Some(i), None)),
        }
    }
    for (j, used) in used_b.iter().enumerate() {
        if !used {
            pairs.push((None, Some(j)));
        }
    }
    let key = |p: &(Option<usize>, Option<usize>)| match p {
        (Some(i), _) => (a.fields[*i].offset, 0, *i),
        (None, Some(j)) => (b.fields[*j].offset, 1, *j),
        (None, None) => (u64::MAX, 2, 0),
    };
    pairs.sort_by_key(key);
    pairs
        .into_iter()
        .map(|(i, j)| FieldDiff {
            a: i.map(|i| &a.fields[i]),
            b: j.map(|j| &b.fields[j]),
        })
        .collect()
}

/// What differs between one package's tables on two arches.
pub struct PackageDiff {
    pub a: &'static ArchTable,
    pub b: &'static ArchTable,
    /// Exported structs only A declares.
    pub structs_only_a: Vec<&'static str>,
    /// Exported structs only B declares.
    pub structs_only_b: Vec<&'static str>,
    /// Exported structs both declare, laid out differently: (A's, B's).
    pub structs_changed: Vec<(&'static Struct, &'static Struct)>,
    /// `SYS_*` numbers.
    pub sys: ConstDiff,
    /// Other constants.
    pub consts: ConstDiff,
}

/// Constants one side lacks, and those whose values differ: (A's, B's).
#[derive(Default)]
pub struct ConstDiff {
    pub only_a: Vec<&'static Const>,
    pub only_b: Vec<&'static Const>,
    pub changed: Vec<(&'static Const, &'static Const)>,
}

impl ConstDiff {
    pub fn new(a: ConstList, b: ConstList) -> ConstDiff {
        let mut d = ConstDiff::default();
        for ca in a.iter() {
            match b.find(ca.name) {
                Some(cb) if cb.value != ca.value => d.changed.push((ca, cb)),
                Some(_) => {}
                None => d.only_a.push(ca),
            }
        }
        d.only_b = b.iter().filter(|cb| a.find(cb.name).is_none()).collect();
        d
    }
}

impl PackageDiff {
    pub fn new(a: &'static ArchTable, b: &'static ArchTable) -> PackageDiff {
        let mut d = PackageDiff {
            a,
            b,
            structs_only_a: Vec::new(),
            structs_only_b: Vec::new(),
            structs_changed: Vec::new(),
            sys: ConstDiff::new(a.syscalls, b.syscalls),
            consts: ConstDiff::new(a.consts, b.consts),
        };
        for sa in a.exported_structs() {
            match b.strukt(sa.name) {
                Some(sb) if !same_layout(sa, sb) => d.structs_changed.push((sa, sb)),
                Some(_) => {}
                None => d.structs_only_a.push(sa.name),
            }
        }
        d.structs_only_b = b
            .exported_structs()
            .filter(|s| a.strukt(s.name).is_none())
            .map(|s| s.name)
            .collect();
        d
    }
}

fn same_layout(a: &Struct, b: &Struct) -> bool {
    a.size == b.size
        && a.align == b.align
        && a.fields.len() == b.fields.len()
        && a.fields.iter().zip(b.fields).all(|(x, y)| x == y)
}

/// A syscall's number per arch (`None` where the package lacks it), plus the kernel's.
pub struct SyscallNumbers {
    /// The `SYS_*` name looked up.
    pub name: String,
    /// (arch, the package's number, the kernel's number).
    pub per_arch: Vec<(Arch, Option<i128>, Option<i128>)>,
}

/// `given` (`epoll_wait` or `SYS_EPOLL_WAIT`) on every arch; an error naming close
/// matches when no arch has it.
pub fn syscall_numbers(pkg: Package, given: &str) -> Result<SyscallNumbers> {
    let name = super::sys_const_name(given);
    let per_arch: Vec<(Arch, Option<i128>, Option<i128>)> = Arch::ALL
        .iter()
        .map(|&arch| {
            let go = table(arch, pkg)
                .syscalls
                .find(&name)
                .and_then(|c| c.value.as_int());
            let k = kernel(arch)
                .and_then(|k| k.syscall(&name))
                .and_then(|c| c.value.as_int());
            (arch, go, k)
        })
        .collect();
    if per_arch.iter().all(|(_, go, _)| go.is_none()) {
        let mut all: BTreeMap<&str, ()> = BTreeMap::new();
        for arch in Arch::ALL {
            for c in table(arch, pkg).syscalls.iter() {
                all.insert(c.name, ());
            }
        }
        let close = crate::suggest::closest(&name, all.keys().copied(), 3);
        let err = UserError::new(format!(
            "unknown syscall `{given}`: no `{name}` in {} on any arch",
            pkg.name()
        ));
        return Err(if close.is_empty() {
            err.with_help("give a name like `epoll_wait` or `SYS_EPOLL_WAIT`")
        } else {
            err.with_help(format!("did you mean {}?", quoted(&close)))
        });
    }
    Ok(SyscallNumbers { name, per_arch })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abi::ConstValue;

    fn diff(a: Arch, b: Arch, pkg: Package, ty: &str) -> Vec<(String, Vec<&'static str>)> {
        let sa = table(a, pkg).strukt(ty).unwrap();
        let sb = table(b, pkg).strukt(ty).unwrap();
        diff_fields(sa, sb)
            .iter()
            .map(|r| (r.name(), r.changes()))
            .collect()
    }

    #[test]
    fn pads_pair_by_slot_not_by_name() {
        // arm names the EpollEvent pad `PadFd`, mips64le leaves it `_`: same slot, one row.
        let rows = diff(Arch::Arm, Arch::Mips64le, Package::Unix, "EpollEvent");
        assert_eq!(
            rows,
            vec![
                ("Events".to_string(), vec![]),
                ("PadFd / _".to_string(), vec!["name"]),
                ("Fd".to_string(), vec![]),
                ("Pad".to_string(), vec![]),
            ]
        );
        // amd64 has no pad at all: mips64le's `_` is a field on one side only.
        let rows = diff(Arch::Amd64, Arch::Mips64le, Package::Unix, "EpollEvent");
        assert!(
            rows.contains(&("_".to_string(), vec!["only_b"])),
            "{rows:?}"
        );
        assert!(
            rows.contains(&("Fd".to_string(), vec!["offset"])),
            "{rows:?}"
        );
    }

    #[test]
    fn stat_t_amd64_to_mips64le_changes() {
        let rows = diff(Arch::Amd64, Arch::Mips64le, Package::Unix, "Stat_t");
        let of = |n: &str| rows.iter().find(|r| r.0 == n).unwrap().1.clone();
        assert_eq!(of("Dev"), vec!["type", "size"]);
        assert_eq!(of("Blksize"), vec!["type", "offset", "size"]);
        assert_eq!(of("Pad1"), vec!["only_b"]);
        assert_eq!(of("Mode"), Vec::<&str>::new());
    }

    #[test]
    fn values_print_as_go_spells_them() {
        assert_eq!(ConstValue::Int(5).to_string(), "5");
        assert_eq!(ConstValue::Int(0x80087467).to_string(), "0x80087467");
        assert_eq!(ConstValue::Int(-1).to_string(), "-1");
        assert_eq!(ConstValue::Str("a\"b").to_string(), "\"a\\\"b\"");
    }
}
