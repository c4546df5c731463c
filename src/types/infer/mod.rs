//! Per-arch inference over one parsed file, and the syntactic contexts a value meets.
//!
//! This file owns the vocabulary the rules use ([`Sig`], [`FieldTy`], [`LocalDecl`],
//! [`Binding`], [`Need`], [`Ctx`], [`Use`]) and the [`Infer`]
//! struct with its constructor. The inference itself is split by subject, each file adding
//! methods to [`Infer`]:
//! - `scope.rs`: which local declaration a name refers to (Go's block rules; `var`,
//!   `const`, `:=`, parameters, receivers, results, range and type-switch bindings), the
//!   uses of a local, and the type of a local ([`Infer::resolve`], [`Infer::binding_type`]);
//! - `expr.rs`: the type of an expression: operators, conversions, selectors, calls and
//!   signatures, composite literals, builtins, untyped constants, known std-lib functions
//!   ([`Infer::type_of`], [`Infer::sig_of`], [`Infer::conversion_type`]);
//! - `named.rs`: names outside the function: imports and qualifiers, package-level items,
//!   type spellings, and what a named type is: alias target, underlying type, struct fields
//!   ([`Infer::type_expr`], [`Infer::underlying`], [`Infer::field_type`]);
//! - `uses.rs`: where a value goes: demanded types, adapting contexts, initialised locals
//!   ([`Infer::contexts`]), the type a context demands and assignability
//!   ([`Infer::demanded`], [`Infer::assignable`]).

use super::ty::{self, Home, Ty};
use crate::abi;
use crate::arch::Arch;
use crate::index::decls::specs;
use crate::index::decls::{ItemKind, SigDecl, TypedItem};
use crate::index::{FileId, Index, PkgId, Target};
use crate::syntax::{text, FileSyntax, NodeMap};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use tree_sitter::Node;

mod expr;
mod named;
mod scope;
mod uses;

#[cfg(test)]
mod tests;

pub(crate) use expr::{argument_may_be_typed, member_may_be_typed, type_qualifier};
pub use named::import_home;
pub(crate) use named::{
    local_def, local_fields, pick_decl, qualify_in, table_qualify, underlying_by, Def,
};

/// A function signature; unknown parameter or result types are `None`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sig {
    pub params: Vec<Option<Ty>>,
    pub variadic: bool,
    pub results: Vec<Option<Ty>>,
}

/// One field of a struct type on one arch.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldTy {
    pub name: String,
    pub ty: Option<Ty>,
}

/// How a local name is declared.
#[derive(Clone, Copy, Debug)]
pub enum LocalDecl<'t> {
    /// Name `index` of a `var_spec`, `const_spec` or `short_var_declaration`.
    Spec { spec: Node<'t>, index: usize },
    /// A parameter, result or receiver (`parameter_declaration` or variadic).
    Param { decl: Node<'t> },
    /// Variable `index` of a `range_clause`.
    Range { clause: Node<'t>, index: usize },
    /// The alias of a type switch inside one `type_case`/`default_case`.
    TypeCase { case: Node<'t>, switch: Node<'t> },
}

#[derive(Clone, Copy, Debug)]
pub struct Binding<'t> {
    /// The identifier that declares the name.
    pub ident: Node<'t>,
    /// The node whose subtree is the declaration's scope.
    pub scope: Node<'t>,
    pub how: LocalDecl<'t>,
}

/// What a context demands of a value.
#[derive(Clone, Copy, Debug)]
pub enum Need<'t> {
    /// The type written here.
    TypeNode(Node<'t>),
    /// The type of this expression (other operand, assigned-to variable or field).
    Expr(Node<'t>),
    /// Parameter `index` of this call.
    Param { call: Node<'t>, index: usize },
    /// Result `index` of the function enclosing this return statement.
    Result { ret: Node<'t>, index: usize },
    /// The element type, field type or map value type this literal element must have.
    LitElem { elem: Node<'t> },
    /// The key type of the map this keyed element's literal builds.
    LitKey { elem: Node<'t> },
    /// The element type of this channel.
    ChanElem(Node<'t>),
    /// The key type of the map being indexed.
    MapKey(Node<'t>),
    /// The element type of this slice (`append`'s first argument).
    SliceElem(Node<'t>),
}

#[derive(Clone, Copy, Debug)]
pub enum Ctx<'t> {
    /// Go demands identical (assignable) types here.
    Need(Need<'t>),
    /// The context adapts: conversion, interface, shift count, condition, statement…
    Adapts,
    /// Flows into this local variable (its declaring identifier): follow its uses.
    Local(Node<'t>),
    /// A context inference does not model.
    Unknown,
}

/// One place a value ends up.
#[derive(Clone, Copy, Debug)]
pub struct Use<'t> {
    /// The expression whose type must fit (the value, possibly wrapped by `&`, indexing…).
    pub value: Node<'t>,
    pub ctx: Ctx<'t>,
    /// A few words for messages: "argument to `unix.Major`", "assignment"…
    pub what: &'static str,
}

/// What one file's inferences on different arches share: the results that read no
/// arch-varying fact, so are the same on every arch (in `Arch::ALL`) and are computed once.
///
/// Each [`Infer`] tracks, while computing a result, whether it read a fact that differs
/// between arches (a table entry, a tree declaration picked per arch, see
/// [`Infer::taint_if`]); such results stay in that arch's own memo, the others go here.
#[derive(Default)]
pub struct Shared<'a> {
    types: RefCell<NodeMap<Option<Ty>>>,
    fields: RefCell<HashMap<Ty, Option<Vec<FieldTy>>>>,
    /// The local declaration each identifier refers to: syntax alone decides it.
    resolved: RefCell<NodeMap<Option<Binding<'a>>>>,
    /// Uses of a local by (declaring identifier, scope) (`scope.rs`): syntax too.
    uses: RefCell<HashMap<(usize, usize), Vec<Node<'a>>>>,
}

/// Inference for one file on one arch.
pub struct Infer<'c, 'a> {
    pub cx: &'c FileSyntax<'a>,
    pub arch: Arch,
    pkg: Option<PkgId>,
    home: Home,
    /// Arch-invariant results, shared with the file's inferences on the other arches.
    shared: Rc<Shared<'a>>,
    /// Types that depend on the arch (the invariant ones are in `shared`).
    memo: RefCell<NodeMap<Option<Ty>>>,
    /// Struct fields by (pointee) type that depend on the arch: a file selecting 10,000
    /// fields parses each struct's field types once, not once per selector.
    fields: RefCell<HashMap<Ty, Option<Vec<FieldTy>>>>,
    /// Whether the result being computed read an arch-varying fact (saved and restored
    /// around each memoised computation, so it covers exactly one result). True outside
    /// them: nobody asks, so no fact is compared across arches there.
    varies: Cell<bool>,
    /// How many levels `contexts` climbs from a node (`uses.rs`).
    climbs: RefCell<NodeMap<u32>>,
    depth: Cell<u32>,
}

/// How deep inference follows an expression (nested operands, locals initialised from
/// locals) and how many operators [`Infer::contexts`] climbs: past it the value is not
/// type-checked and the file gets a note (`FileSyntax::depth_note`).
pub const MAX_DEPTH: u32 = 48;

/// How many enclosing scopes (blocks, statements, functions) name resolution climbs: a
/// name inside blocks nested deeper is not resolved and the file gets a note.
pub const MAX_SCOPES: u32 = 1000;

impl<'c, 'a> Infer<'c, 'a> {
    pub fn new(cx: &'c FileSyntax<'a>, arch: Arch) -> Self {
        Self::with_shared(cx, arch, Rc::default())
    }

    /// Inference on `arch` reusing (and adding to) the arch-invariant results of `shared`,
    /// which must only ever be shared by inferences of this same file.
    pub fn with_shared(cx: &'c FileSyntax<'a>, arch: Arch, shared: Rc<Shared<'a>>) -> Self {
        let pkg = cx.index.file_package[cx.file];
        Infer {
            cx,
            arch,
            pkg,
            home: pkg.map_or(Home::Foreign(String::new()), Home::Local),
            shared,
            memo: RefCell::new(NodeMap::default()),
            fields: RefCell::new(HashMap::new()),
            varies: Cell::new(true),
            climbs: RefCell::new(NodeMap::default()),
            depth: Cell::new(0),
        }
    }

    /// Mark the result being computed as arch-dependent when `varies`.
    fn taint_if(&self, varies: bool) {
        if varies {
            self.varies.set(true);
        }
    }

    /// `fact` of this arch's table of `pkg`, marking the result being computed as
    /// arch-dependent unless every arch's table gives the same.
    pub fn table_fact<T: PartialEq>(
        &self,
        pkg: abi::Package,
        fact: impl Fn(&'static abi::ArchTable) -> T,
    ) -> T {
        let mine = fact(abi::table(self.arch, pkg));
        if !self.varies.get() {
            let same = Arch::ALL
                .iter()
                .all(|&a| a == self.arch || fact(abi::table(a, pkg)) == mine);
            self.taint_if(!same);
        }
        mine
    }

    /// Run `f` on this inference and tell whether its result may differ on another arch:
    /// `false` when `f` read no arch-varying fact, provided it reads arch-keyed facts only
    /// through this inference (its types, fields, items and [`Infer::table_fact`]).
    pub fn tracked<T>(&self, f: impl FnOnce() -> T) -> (T, bool) {
        let outer = self.varies.replace(false);
        let r = f();
        let varies = self.varies.get();
        self.varies.set(outer || varies);
        (r, varies)
    }

    /// The parent of a node (through the file's parent map).
    pub fn parent(&self, n: Node<'a>) -> Option<Node<'a>> {
        self.cx.parents.of(n)
    }

    fn src(&self) -> &'a [u8] {
        self.cx.src
    }

    fn text(&self, n: Node<'a>) -> &'a str {
        text(n, self.cx.src)
    }
}
