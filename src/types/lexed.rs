//! The tree's named types as the lexer read them, before any parse: a [`TypeEnv`] for the
//! layout engine over packages' typed declarations on one arch, answering as
//! [`Infer`](super::infer::Infer) does from the same declarations (the one a non-test file
//! sees on the arch, types parsed in the scope of the file that spells them, the tables'
//! structs and named types). abi-struct-drift's prefilter lays out a copy's structs with
//! it, as its check will.

use super::infer::{
    local_def, local_fields, pick_decl, qualify_in, table_qualify, underlying_by, Def, FieldTy,
};
use super::layout::TypeEnv;
use super::ty::{self, Home, Ty};
use crate::abi;
use crate::arch::Arch;
use crate::index::decls::TypedItem;
use crate::index::{FileId, Index, PkgId, TypedByName};
use rustc_hash::FxHashMap;

pub struct Lexed<'i> {
    index: &'i Index,
    /// The typed declarations of the packages known; another package's types are unknown.
    types: &'i FxHashMap<PkgId, TypedByName>,
    arch: Arch,
}

impl<'i> Lexed<'i> {
    pub fn new(index: &'i Index, types: &'i FxHashMap<PkgId, TypedByName>, arch: Arch) -> Self {
        Lexed { index, types, arch }
    }

    fn item(&self, p: PkgId, name: &str) -> Option<(FileId, &'i TypedItem)> {
        let list = self.types.get(&p)?.get(name)?;
        let i = pick_decl(self.index, list, self.arch, false)?;
        Some((list[i].0, self.index.typed_item(list[i])))
    }

    fn parse_in(&self, file: FileId, s: &str) -> Option<Ty> {
        let index = self.index;
        let home = index.file_package[file].map_or(Home::Foreign(String::new()), Home::Local);
        ty::parse(s, &home, &|q| qualify_in(index, file, q))
    }
}

impl TypeEnv for Lexed<'_> {
    fn arch(&self) -> Arch {
        self.arch
    }

    fn underlying(&self, t: &Ty) -> Option<Ty> {
        underlying_by(t, |home, name| match home {
            Home::Table(pkg) => {
                let tab = abi::table(self.arch, *pkg);
                if tab.strukt(name).is_some() {
                    return Some(Def::Struct);
                }
                ty::parse(tab.named(name)?.ty, &Home::Table(*pkg), &table_qualify).map(Def::Is)
            }
            Home::Local(p) => local_def(self.item(*p, name)?, |f, u| self.parse_in(f, u)),
            Home::Foreign(_) => None,
        })
    }

    fn fields_of(&self, t: &Ty) -> Option<Vec<FieldTy>> {
        let Ty::Named(home, name) = self.underlying(t.pointee())? else {
            return None;
        };
        match home {
            Home::Table(pkg) => {
                let s = abi::table(self.arch, pkg).strukt(&name)?;
                let table = Home::Table(pkg);
                Some(
                    s.fields
                        .iter()
                        .map(|f| FieldTy {
                            name: f.name.to_string(),
                            ty: ty::parse(f.ty, &table, &table_qualify),
                        })
                        .collect(),
                )
            }
            Home::Local(p) => local_fields(self.item(p, &name)?, |f, u| self.parse_in(f, u)),
            Home::Foreign(_) => None,
        }
    }
}
