//! The one layout engine: sizes, alignments and field offsets with the gc compiler's
//! rules, per arch (`go/types.SizesFor("gc", arch)`): 8-byte integers and floats align to
//! 4 on 386, arm, mips and mipsle; words and pointers follow the arch's pointer size.
//!
//! The engine asks a [`TypeEnv`] what a named type is. Two answer it: the per-arch
//! inference ([`Infer`]: the package's typed declarations, per arch), and [`Declared`]:
//! the struct types one file declares, read from its syntax alone (any scope, array
//! lengths from the file's literal constants), for rules that do not infer types.

use super::infer::{FieldTy, Infer};
use super::ty::{self, Home, Ty};
use crate::abi;
use crate::arch::Arch;
use crate::syntax::calls::table_package;
use crate::syntax::literals::{literal_value, Consts};
use crate::syntax::locals::find_type_spec;
use crate::syntax::tree::FIELD;
use crate::syntax::{text, FileSyntax};
use std::cell::OnceCell;
use tree_sitter::Node;

/// What the engine needs to know of types beyond the tables' structs.
pub trait TypeEnv {
    fn arch(&self) -> Arch;
    /// The underlying type of a named type (itself for a struct type).
    fn underlying(&self, t: &Ty) -> Option<Ty>;
    /// The fields of a struct type, in order.
    fn fields_of(&self, t: &Ty) -> Option<Vec<FieldTy>>;
}

impl<T: TypeEnv + ?Sized> TypeEnv for &T {
    fn arch(&self) -> Arch {
        (**self).arch()
    }
    fn underlying(&self, t: &Ty) -> Option<Ty> {
        (**self).underlying(t)
    }
    fn fields_of(&self, t: &Ty) -> Option<Vec<FieldTy>> {
        (**self).fields_of(t)
    }
}

impl TypeEnv for Infer<'_, '_> {
    fn arch(&self) -> Arch {
        self.arch
    }
    fn underlying(&self, t: &Ty) -> Option<Ty> {
        Infer::underlying(self, t)
    }
    fn fields_of(&self, t: &Ty) -> Option<Vec<FieldTy>> {
        Infer::fields_of(self, t)
    }
}

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

    /// The layout of a struct of the tables.
    pub fn of_table(s: &abi::Struct) -> Layout {
        Layout {
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
        }
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
pub fn size_align(inf: &(impl TypeEnv + ?Sized), t: &Ty, depth: u32) -> Option<(u64, u64)> {
    if depth > 16 {
        return None;
    }
    let arch = inf.arch();
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
pub fn struct_layout(inf: &(impl TypeEnv + ?Sized), t: &Ty, depth: u32) -> Option<Layout> {
    if depth > 16 {
        return None;
    }
    if let Ty::Named(Home::Table(pkg), name) = t {
        return abi::table(inf.arch(), *pkg)
            .strukt(name)
            .map(Layout::of_table);
    }
    let fields = inf.fields_of(t)?;
    let fields: Option<Vec<(String, Ty)>> =
        fields.into_iter().map(|f| Some((f.name, f.ty?))).collect();
    fields_layout(inf, &fields?, depth)
}

/// The layout of a struct with these fields, in order (a declaration not yet written: the
/// struct a fix would put in place of a drifted one).
pub fn fields_layout(
    inf: &(impl TypeEnv + ?Sized),
    fields: &[(String, Ty)],
    depth: u32,
) -> Option<Layout> {
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

/// The struct types one file declares, read from its syntax on one arch: a name declared
/// once in the file (any scope), fields of predeclared integer, float and bool types,
/// pointers, arrays whose length the file's literal constants give, the tables' structs,
/// and other such declared types. Anything else is unknown (embedded fields too).
pub struct Declared<'c, 'a> {
    cx: &'c FileSyntax<'a>,
    arch: Arch,
    consts: OnceCell<Consts<'a>>,
}

/// Where [`Declared`] puts the names a file declares.
fn declared_home() -> Home {
    Home::Foreign(String::new())
}

/// Predeclared types whose size [`Declared`] knows.
const DECLARED_BASICS: &[&str] = &[
    "int8", "uint8", "byte", "bool", "int16", "uint16", "int32", "uint32", "rune", "float32",
    "int64", "uint64", "float64", "int", "uint", "uintptr",
];

impl<'c, 'a> Declared<'c, 'a> {
    pub fn new(cx: &'c FileSyntax<'a>, arch: Arch) -> Self {
        Declared {
            cx,
            arch,
            consts: OnceCell::new(),
        }
    }

    /// The `type_spec` declaring `name` in the file.
    fn spec(&self, name: &str) -> Option<Node<'a>> {
        find_type_spec(self.cx, name)
    }

    /// The type a type node of the file denotes, as far as this view knows it.
    fn ty_of(&self, t: Node<'a>) -> Option<Ty> {
        self.ty_at(t, 0)
    }

    fn ty_at(&self, t: Node<'a>, depth: u32) -> Option<Ty> {
        if depth >= ty::MAX_TYPE_NESTING {
            return None;
        }
        let src = self.cx.src;
        match t.kind() {
            "type_identifier" => {
                let n = text(t, src);
                if DECLARED_BASICS.contains(&n) {
                    ty::basic(n)
                } else {
                    Some(Ty::Named(declared_home(), n.to_string()))
                }
            }
            "pointer_type" => {
                // Any pointer is a word, whether or not its element is known.
                let inner = t.named_child(0);
                let elem = inner
                    .and_then(|e| self.ty_at(e, depth + 1))
                    .unwrap_or_else(|| {
                        Ty::Named(Home::Foreign(String::new()), text(t, src).into())
                    });
                Some(Ty::Pointer(Box::new(elem)))
            }
            "array_type" => {
                let consts = self.consts.get_or_init(|| Consts::collect(self.cx));
                let n = literal_value(self.cx, consts, t.child_by_field_id(FIELD.length)?)?.value;
                let elem = self.ty_at(t.child_by_field_id(FIELD.element)?, depth + 1)?;
                Some(Ty::Array(u64::try_from(n).ok()?, Box::new(elem)))
            }
            "qualified_type" => {
                let q = text(t.child_by_field_id(FIELD.package)?, src);
                let name = text(t.child_by_field_id(FIELD.name)?, src);
                let pkg = table_package(self.cx, q)?;
                Some(Ty::Named(Home::Table(pkg), name.to_string()))
            }
            _ => None,
        }
    }
}

impl TypeEnv for Declared<'_, '_> {
    fn arch(&self) -> Arch {
        self.arch
    }

    fn underlying(&self, t: &Ty) -> Option<Ty> {
        let Ty::Named(home, name) = t else {
            return Some(t.clone());
        };
        if *home != declared_home() {
            return None;
        }
        let inner = self.spec(name)?.child_by_field_id(FIELD.ty)?;
        if inner.kind() == "struct_type" {
            Some(t.clone())
        } else {
            self.ty_of(inner)
        }
    }

    fn fields_of(&self, t: &Ty) -> Option<Vec<FieldTy>> {
        let Ty::Named(home, name) = t else {
            return None;
        };
        if *home != declared_home() {
            return None;
        }
        let st = self.spec(name)?.child_by_field_id(FIELD.ty)?;
        if st.kind() != "struct_type" {
            return None;
        }
        let list = st.named_child(0)?;
        let mut out = Vec::new();
        let mut c = list.walk();
        for fd in list.named_children(&mut c) {
            if fd.kind() != "field_declaration" {
                continue;
            }
            let ty = self.ty_of(fd.child_by_field_id(FIELD.ty)?);
            let mut c2 = fd.walk();
            let names: Vec<String> = fd
                .children_by_field_name("name", &mut c2)
                .filter(|n| n.is_named())
                .map(|n| text(n, self.cx.src).to_string())
                .collect();
            if names.is_empty() {
                return None; // embedded field
            }
            for name in names {
                out.push(FieldTy {
                    name,
                    ty: ty.clone(),
                });
            }
        }
        Some(out)
    }
}

/// The layout of a struct type the file declares (see [`Declared`]), for `arch`. `None`
/// when `name` is not declared once as a struct, or a field's size is unknown.
pub fn declared_struct_layout(cx: &FileSyntax<'_>, name: &str, arch: Arch) -> Option<Layout> {
    let env = Declared::new(cx, arch);
    let spec = env.spec(name)?;
    if spec.child_by_field_id(FIELD.ty)?.kind() != "struct_type" {
        return None;
    }
    struct_layout(&env, &Ty::Named(declared_home(), name.to_string()), 0)
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
