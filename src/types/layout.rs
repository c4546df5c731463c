//! Sizes, alignments and field offsets with the gc compiler's rules, per arch
//! (`go/types.SizesFor("gc", arch)`): 8-byte integers and floats align to 4 on 386, arm,
//! mips and mipsle; words and pointers follow the arch's pointer size.

use super::infer::Infer;
use super::ty::{Home, Ty};
use crate::abi;
use crate::arch::Arch;

/// One field's place in a struct.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slot {
    pub name: String,
    pub ty: String,
    pub offset: u64,
    pub size: u64,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    pub size: u64,
    pub align: u64,
    pub fields: Vec<Slot>,
}

impl Layout {
    pub fn field(&self, name: &str) -> Option<&Slot> {
        self.fields.iter().find(|f| f.name == name)
    }
}

/// Maximum alignment of 8-byte values on an arch.
fn max_align(arch: Arch) -> u64 {
    arch.ptr_size()
}

/// Size and alignment of a basic type.
pub fn basic_size(arch: Arch, name: &str) -> Option<(u64, u64)> {
    let w = arch.ptr_size();
    let (size, align) = match name {
        "bool" | "int8" | "uint8" => (1, 1),
        "int16" | "uint16" => (2, 2),
        "int32" | "uint32" | "float32" => (4, 4),
        "int64" | "uint64" | "float64" => (8, 8),
        "complex64" => (8, 4),
        "complex128" => (16, 8),
        "int" | "uint" | "uintptr" | "unsafe.Pointer" => (w, w),
        "string" => (2 * w, w),
        _ => return None,
    };
    Some((size, align.min(max_align(arch))))
}

/// Size and alignment of a type on the arch of `inf`.
pub fn size_align(inf: &Infer<'_, '_>, t: &Ty, depth: u32) -> Option<(u64, u64)> {
    if depth > 16 {
        return None;
    }
    let arch = inf.arch;
    let w = arch.ptr_size();
    match t {
        Ty::Basic(b) => basic_size(arch, b),
        Ty::Pointer(_) | Ty::Map(..) | Ty::Chan(_) => Some((w, w)),
        Ty::Slice(_) => Some((3 * w, w)),
        Ty::Interface => Some((2 * w, w)),
        Ty::Array(n, e) => {
            let (s, a) = size_align(inf, e, depth + 1)?;
            Some((s.checked_mul(*n)?, a))
        }
        Ty::Named(Home::Table(pkg), name) => {
            let tab = abi::table(arch, *pkg);
            if let Some(s) = tab.strukt(name) {
                return Some((s.size, s.align));
            }
            let u = inf.underlying(t)?;
            size_align(inf, &u, depth + 1)
        }
        Ty::Named(..) => {
            let u = inf.underlying(t)?;
            if u == *t {
                let l = struct_layout(inf, t, depth + 1)?;
                Some((l.size, l.align))
            } else {
                size_align(inf, &u, depth + 1)
            }
        }
        Ty::Tuple(_) | Ty::Untyped => None,
    }
}

/// The layout of a struct type: from the tables for table structs, computed from the
/// declared fields for struct types of the tree.
pub fn struct_layout(inf: &Infer<'_, '_>, t: &Ty, depth: u32) -> Option<Layout> {
    if depth > 16 {
        return None;
    }
    if let Ty::Named(Home::Table(pkg), name) = t {
        let s = abi::table(inf.arch, *pkg).strukt(name)?;
        return Some(Layout {
            size: s.size,
            align: s.align,
            fields: s
                .fields
                .iter()
                .map(|f| Slot {
                    name: f.name.to_string(),
                    ty: f.ty.to_string(),
                    offset: f.offset,
                    size: f.size,
                })
                .collect(),
        });
    }
    let fields = inf.fields_of(t)?;
    let fields: Option<Vec<(String, Ty)>> =
        fields.into_iter().map(|f| Some((f.name, f.ty?))).collect();
    fields_layout(inf, &fields?, depth)
}

/// The layout of a struct with these fields, in order (a declaration not yet written: the
/// struct a fix would put in place of a drifted one).
pub fn fields_layout(inf: &Infer<'_, '_>, fields: &[(String, Ty)], depth: u32) -> Option<Layout> {
    let mut off = 0u64;
    let mut align = 1u64;
    let mut slots = Vec::new();
    for (name, ft) in fields {
        let (s, a) = size_align(inf, ft, depth + 1)?;
        off = off.div_ceil(a) * a;
        slots.push(Slot {
            name: name.clone(),
            ty: ft.to_string(),
            offset: off,
            size: s,
        });
        off += s;
        align = align.max(a);
    }
    // gc pads a struct ending in a zero-size field so its address stays inside.
    if slots.last().is_some_and(|s| s.size == 0) && off > 0 {
        off += 1;
    }
    Some(Layout {
        size: off.div_ceil(align) * align,
        align,
        fields: slots,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_sizes_follow_gc() {
        assert_eq!(basic_size(Arch::I386, "int64"), Some((8, 4)));
        assert_eq!(basic_size(Arch::Amd64, "int64"), Some((8, 8)));
        assert_eq!(basic_size(Arch::Mips, "uintptr"), Some((4, 4)));
        assert_eq!(basic_size(Arch::Mips64le, "string"), Some((16, 8)));
    }
}
