//! Names outside the function body, on this arch: where an import or a qualifier leads
//! ([`import_home`]), package-level items of the tree, type spellings parsed in the scope
//! of the file that wrote them, and what a named type is: its alias target, underlying
//! type and struct fields (one embedding level deep).

use super::{abi, ty, FieldTy, FileId, Home, Index, Infer, ItemKind, PkgId, Target, Ty, TypedItem};
use crate::arch::{Arch, ArchSet};
use tree_sitter::Node;

/// Where an import path of `file` leads, as a type home.
pub fn import_home(index: &Index, file: FileId, path: &str) -> Home {
    match index.resolve_import(file, path) {
        Some(Target::Local(p)) => Home::Local(p),
        Some(Target::Table(pkg)) => Home::Table(pkg),
        None => Home::Foreign(path.to_string()),
    }
}

/// The home of the package a file's import binds to name `q` (the name rules of
/// `Index::import_bindings`).
pub(crate) fn qualify_in(index: &Index, file: FileId, q: &str) -> Option<Home> {
    for (i, target) in index.imports_with_targets(file) {
        let name = match i.name.as_deref() {
            Some("_") | Some(".") => continue,
            Some(n) => n.to_string(),
            None => match target {
                Some(Target::Local(p)) => index.packages[p].name.clone(),
                Some(Target::Table(pkg)) => pkg.name().to_string(),
                None => crate::index::default_import_name(&i.path),
            },
        };
        if name == q {
            return Some(import_home(index, file, &i.path));
        }
    }
    None
}

pub(crate) fn table_qualify(q: &str) -> Option<Home> {
    match q {
        "syscall" => Some(Home::Table(abi::Package::Syscall)),
        "unix" => Some(Home::Table(abi::Package::Unix)),
        _ => Some(Home::Foreign(q.to_string())),
    }
}

impl<'c, 'a> Infer<'c, 'a> {
    /// A package-level item of package `p` as seen on this arch.
    pub fn item(&self, p: PkgId, name: &str) -> Option<(FileId, &'c TypedItem)> {
        let index = self.cx.index;
        let list = index.typed.get(p)?.get(name)?;
        let files = &index.files;
        let pick = |arch: Arch| self.pick(list, arch);
        let mine = pick(self.arch);
        // Declarations in files that build for every arch are picked alike on each.
        let everywhere = |f: &FileId| ArchSet::ALL.minus(files[*f].arches).is_empty();
        if !self.varies.get() && !list.iter().all(|(f, _)| everywhere(f)) {
            let alike = |other: Option<usize>| match (mine, other) {
                (Some(i), Some(j)) => i == j || same_decl(index, list[i], list[j]),
                (i, j) => i == j,
            };
            self.taint_if(!Arch::ALL.iter().all(|&a| alike(pick(a))));
        }
        mine.map(|i| (list[i].0, index.typed_item(list[i])))
    }

    /// Which of a name's declarations `list` counts on `arch` ([`pick_decl`]).
    fn pick(&self, list: &[(FileId, u32)], arch: Arch) -> Option<usize> {
        pick_decl(self.cx.index, list, arch, self.cx.info().is_test)
    }

    /// Whether struct type `t` (or a pointer to it) has a field `name` of its own, of the
    /// same type, on every arch: then `t.name` reads the same on each, whatever its other
    /// fields do (`Stat_t.Size` beside `Stat_t.Nlink`).
    fn field_alike(&self, t: &Ty, name: &str) -> bool {
        let Ty::Named(home, sname) = t.pointee() else {
            return false;
        };
        match home {
            Home::Table(pkg) => {
                let ty = |a: Arch| {
                    let s = abi::table(a, *pkg).strukt(sname)?;
                    Some(s.field(name)?.ty)
                };
                let mine = ty(self.arch);
                mine.is_some() && Arch::ALL.iter().all(|&a| ty(a) == mine)
            }
            Home::Local(p) => {
                let Some(list) = self.cx.index.typed.get(*p).and_then(|m| m.get(sname)) else {
                    return false;
                };
                // The declaration picked on `a` is a struct with such a field: its type
                // text and the file that spells it.
                let ty = |a: Arch| {
                    let at = list[self.pick(list, a)?];
                    let (file, it) = (at.0, self.cx.index.typed_item(at));
                    let ItemKind::Struct(fields) = &it.kind else {
                        return None;
                    };
                    Some((file, &fields.iter().find(|f| f.name == name)?.ty))
                };
                let Some((file, mine)) = ty(self.arch) else {
                    return false;
                };
                Arch::ALL.iter().all(|&a| {
                    ty(a).is_some_and(|(f, t)| t == mine && same_scope(self.cx.index, f, file))
                })
            }
            Home::Foreign(_) => false,
        }
    }

    /// Parse a type spelled in file `file` of the tree.
    pub(super) fn parse_in(&self, file: FileId, s: &str) -> Option<Ty> {
        let index = self.cx.index;
        let home = index.file_package[file].map_or(Home::Foreign(String::new()), Home::Local);
        ty::parse(s, &home, &|q| qualify_in(index, file, q))
    }

    pub(super) fn parse_table(&self, pkg: abi::Package, s: &str) -> Option<Ty> {
        ty::parse(s, &Home::Table(pkg), &table_qualify)
    }

    /// The type a type node of this file denotes.
    pub fn type_expr(&self, node: Node<'a>) -> Option<Ty> {
        let t = self.text(node);
        let cx = self.cx;
        ty::parse(t, &self.home, &|q| {
            cx.imports
                .get(q)
                .map(|t| match t {
                    Target::Local(p) => Home::Local(*p),
                    Target::Table(pkg) => Home::Table(*pkg),
                })
                .or_else(|| {
                    cx.binds_import(q)
                        .then(|| qualify_in(cx.index, cx.file, q))
                        .flatten()
                })
        })
    }

    /// Whether `name` is an imported package name in this file (and not shadowed).
    pub(super) fn import_of(&self, ident: Node<'a>) -> Option<Home> {
        if ident.kind() != "identifier" || self.resolve(ident).is_some() {
            return None;
        }
        let q = self.text(ident);
        if let Some(t) = self.cx.imports.get(q) {
            return Some(match t {
                Target::Local(p) => Home::Local(*p),
                Target::Table(pkg) => Home::Table(*pkg),
            });
        }
        // Most identifiers name no import: skip resolving every import to learn that.
        if !self.cx.binds_import(q) {
            return None;
        }
        qualify_in(self.cx.index, self.cx.file, q)
    }

    /// Follow `type A = B` declarations of the tree.
    pub fn unalias(&self, t: &Ty) -> Ty {
        let mut t = t.clone();
        for _ in 0..8 {
            let Ty::Named(Home::Local(p), name) = &t else {
                break;
            };
            match self.item(*p, name) {
                Some((
                    f,
                    TypedItem {
                        kind: ItemKind::Alias(u),
                        ..
                    },
                )) => match self.parse_in(f, u) {
                    Some(n) => t = n,
                    None => break,
                },
                _ => break,
            }
        }
        t
    }

    /// The underlying type: structure for named non-struct types; struct types stay named.
    pub fn underlying(&self, t: &Ty) -> Option<Ty> {
        underlying_by(t, |home, name| match home {
            Home::Table(pkg) => {
                let (is_struct, named) = self.table_fact(*pkg, |tab| {
                    (tab.strukt(name).is_some(), tab.named(name).map(|n| n.ty))
                });
                if is_struct {
                    return Some(Def::Struct);
                }
                self.parse_table(*pkg, named?).map(Def::Is)
            }
            Home::Local(p) => local_def(self.item(*p, name)?, |f, u| self.parse_in(f, u)),
            Home::Foreign(_) => None,
        })
    }

    /// The fields of a struct type (or pointer to one) on this arch.
    pub fn fields_of(&self, t: &Ty) -> Option<Vec<FieldTy>> {
        if let Some(f) = self.shared.fields.borrow().get(t.pointee()) {
            return f.clone();
        }
        if let Some(f) = self.fields.borrow().get(t.pointee()) {
            self.taint_if(true);
            return f.clone();
        }
        let (f, varies) = self.tracked(|| self.compute_fields(t.pointee()));
        let memo = if varies {
            &self.fields
        } else {
            &self.shared.fields
        };
        memo.borrow_mut().insert(t.pointee().clone(), f.clone());
        f
    }

    fn compute_fields(&self, t: &Ty) -> Option<Vec<FieldTy>> {
        let t = self.underlying(t)?;
        let Ty::Named(home, name) = &t else {
            return None;
        };
        match home {
            Home::Table(pkg) => {
                // Identical field lists are one static slice (build.rs shares them); lists
                // that differ only in offsets give the same types.
                let s = self
                    .table_fact(*pkg, |tab| FieldTypes(tab.strukt(name)))
                    .0?;
                Some(
                    s.fields
                        .iter()
                        .map(|f| FieldTy {
                            name: f.name.to_string(),
                            ty: self.parse_table(*pkg, f.ty),
                        })
                        .collect(),
                )
            }
            Home::Local(p) => local_fields(self.item(*p, name)?, |f, u| self.parse_in(f, u)),
            Home::Foreign(_) => None,
        }
    }

    /// The type of field `name` of `t` (auto-dereferenced), one embedding level deep.
    pub fn field_type(&self, t: &Ty, name: &str) -> Option<Ty> {
        let outer = self.varies.replace(false);
        let fields = self.fields_of(t);
        let list_varies = self.varies.replace(outer);
        if let Some(f) = fields.iter().flatten().find(|f| f.name == name) {
            self.taint_if(list_varies && !outer && !self.field_alike(t, name));
            return f.ty.clone();
        }
        self.taint_if(list_varies);
        let fields = fields?;
        for f in &fields {
            let Some(ft) = &f.ty else { continue };
            let base = match ft.pointee() {
                Ty::Named(_, n) => n,
                _ => continue,
            };
            if *base == f.name {
                if let Some(inner) = self.fields_of(ft) {
                    if let Some(g) = inner.iter().find(|g| g.name == name) {
                        return g.ty.clone();
                    }
                }
            }
        }
        None
    }
}

/// What a named type is defined as, one step down ([`underlying_by`]).
pub(crate) enum Def {
    /// A struct type: it stays named.
    Struct,
    /// Another type, named or not.
    Is(Ty),
}

/// The underlying type of `t`, following each named type's definition (`def`; `None`:
/// unknown) for at most 8 steps: structure for named non-struct types, struct types named.
pub(crate) fn underlying_by(t: &Ty, def: impl Fn(&Home, &str) -> Option<Def>) -> Option<Ty> {
    let mut t = t.clone();
    for _ in 0..8 {
        let Ty::Named(home, name) = &t else {
            return Some(t);
        };
        let next = match def(home, name)? {
            Def::Struct => return Some(t),
            Def::Is(next) => next,
        };
        if next == t {
            return Some(t);
        }
        t = next;
    }
    None
}

/// The definition of a package-level declaration of the tree: a struct, or the type a
/// defined type or alias is, parsed in its file's scope by `parse_in`.
pub(crate) fn local_def(
    (file, item): (FileId, &TypedItem),
    parse_in: impl Fn(FileId, &str) -> Option<Ty>,
) -> Option<Def> {
    match &item.kind {
        ItemKind::Struct(_) => Some(Def::Struct),
        ItemKind::Named(u) | ItemKind::Alias(u) => parse_in(file, u).map(Def::Is),
        _ => None,
    }
}

/// The fields of a package-level struct declaration of the tree, their types parsed in its
/// file's scope by `parse_in` (`None` for a declaration that is no struct).
pub(crate) fn local_fields(
    (file, item): (FileId, &TypedItem),
    parse_in: impl Fn(FileId, &str) -> Option<Ty>,
) -> Option<Vec<FieldTy>> {
    let ItemKind::Struct(fields) = &item.kind else {
        return None;
    };
    Some(
        fields
            .iter()
            .map(|f| FieldTy {
                name: f.name.clone(),
                ty: parse_in(file, &f.ty),
            })
            .collect(),
    )
}

/// Which of a name's declarations `list` (a package's, in file order) counts on `arch`:
/// the first whose file builds for it, test files only `from_test` and after the others.
pub(crate) fn pick_decl(
    index: &Index,
    list: &[(FileId, u32)],
    arch: Arch,
    from_test: bool,
) -> Option<usize> {
    let files = &index.files;
    let ok = |f: FileId| files[f].arches.contains(arch);
    list.iter()
        .position(|(f, _)| ok(*f) && !files[*f].is_test)
        .or_else(|| {
            list.iter()
                .position(|(f, _)| ok(*f) && from_test && files[*f].is_test)
        })
}

/// Whether two declarations of one package's name, in two files, give the same answers
/// to inference: the same kind and type texts (positions aside), spelled in files whose
/// imports bind the same names to the same packages.
fn same_decl(index: &Index, x: (FileId, u32), y: (FileId, u32)) -> bool {
    let (f, a, g, b) = (x.0, index.typed_item(x), y.0, index.typed_item(y));
    let same_kind = match (&a.kind, &b.kind) {
        (ItemKind::Struct(x), ItemKind::Struct(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|(p, q)| p.name == q.name && p.ty == q.ty)
        }
        (x, y) => x == y,
    };
    same_kind && same_scope(index, f, g)
}

/// Whether type texts spelled in files `f` and `g` mean the same: same directory, and
/// imports binding the same names to the same paths.
fn same_scope(index: &Index, f: FileId, g: FileId) -> bool {
    let (ff, gf) = (&index.files[f], &index.files[g]);
    f == g
        || (ff.dir == gf.dir
            && ff.imports.len() == gf.imports.len()
            && ff
                .imports
                .iter()
                .zip(&gf.imports)
                .all(|(i, j)| i.name == j.name && i.path == j.path))
}

/// A table struct's field names and types, compared as such (not offsets or sizes).
#[derive(Clone, Copy)]
struct FieldTypes(Option<&'static abi::Struct>);

impl PartialEq for FieldTypes {
    fn eq(&self, o: &Self) -> bool {
        match (self.0, o.0) {
            (Some(a), Some(b)) => {
                std::ptr::eq(a.fields, b.fields)
                    || (a.fields.len() == b.fields.len()
                        && a.fields
                            .iter()
                            .zip(b.fields)
                            .all(|(x, y)| x.name == y.name && x.ty == y.ty))
            }
            (a, b) => a.is_none() && b.is_none(),
        }
    }
}
