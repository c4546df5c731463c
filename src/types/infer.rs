//! Per-arch inference over one parsed file, and the syntactic contexts a value meets.

use super::decls::{ItemKind, SigDecl, TypedItem};
use super::ty::{self, Home, Ty};
use crate::abi;
use crate::arch::Arch;
use crate::index::decls::specs;
use crate::index::{FileId, Index, PkgId, Target};
use crate::syntax::{text, FileSyntax};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use tree_sitter::Node;

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

/// Inference for one file on one arch.
pub struct Infer<'c, 'a> {
    pub cx: &'c FileSyntax<'a>,
    pub arch: Arch,
    pkg: Option<PkgId>,
    home: Home,
    memo: RefCell<HashMap<usize, Option<Ty>>>,
    depth: Cell<u32>,
}

const MAX_DEPTH: u32 = 48;

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
fn qualify_in(index: &Index, file: FileId, q: &str) -> Option<Home> {
    for i in &index.files[file].imports {
        let target = index.resolve_import(file, &i.path);
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

fn table_qualify(q: &str) -> Option<Home> {
    match q {
        "syscall" => Some(Home::Table(abi::Package::Syscall)),
        "unix" => Some(Home::Table(abi::Package::Unix)),
        _ => Some(Home::Foreign(q.to_string())),
    }
}

fn is_builtin_func(name: &str) -> bool {
    matches!(
        name,
        "len"
            | "cap"
            | "append"
            | "make"
            | "new"
            | "copy"
            | "delete"
            | "panic"
            | "print"
            | "println"
            | "close"
            | "complex"
            | "real"
            | "imag"
            | "recover"
            | "min"
            | "max"
            | "clear"
    )
}

impl<'c, 'a> Infer<'c, 'a> {
    pub fn new(cx: &'c FileSyntax<'a>, arch: Arch) -> Self {
        let pkg = cx.index.file_package[cx.file];
        Infer {
            cx,
            arch,
            pkg,
            home: pkg.map_or(Home::Foreign(String::new()), Home::Local),
            memo: RefCell::new(HashMap::new()),
            depth: Cell::new(0),
        }
    }

    /// The parent of a node (through the file's parent map).
    pub fn parent(&self, n: Node<'a>) -> Option<Node<'a>> {
        self.cx.parents.of(n)
    }

    fn is_in_function(&self, n: Node<'a>) -> bool {
        let mut p = self.parent(n);
        while let Some(x) = p {
            if matches!(
                x.kind(),
                "function_declaration" | "method_declaration" | "func_literal"
            ) {
                return true;
            }
            p = self.parent(x);
        }
        false
    }

    fn src(&self) -> &'a [u8] {
        self.cx.src
    }

    fn text(&self, n: Node<'a>) -> &'a str {
        text(n, self.cx.src)
    }

    /// A package-level item of package `p` as seen on this arch.
    pub fn item(&self, p: PkgId, name: &str) -> Option<(FileId, &'c TypedItem)> {
        let list = self.cx.index.typed.get(p)?.get(name)?;
        let from_test = self.cx.info().is_test;
        let files = &self.cx.index.files;
        let ok = |f: FileId| files[f].arches.contains(self.arch);
        list.iter()
            .find(|(f, _)| ok(*f) && !files[*f].is_test)
            .or_else(|| {
                list.iter()
                    .find(|(f, _)| ok(*f) && from_test && files[*f].is_test)
            })
            .map(|(f, it)| (*f, it))
    }

    /// Parse a type spelled in file `file` of the tree.
    fn parse_in(&self, file: FileId, s: &str) -> Option<Ty> {
        let index = self.cx.index;
        let home = index.file_package[file].map_or(Home::Foreign(String::new()), Home::Local);
        ty::parse(s, &home, &|q| qualify_in(index, file, q))
    }

    fn parse_table(&self, pkg: abi::Package, s: &str) -> Option<Ty> {
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
                .or_else(|| qualify_in(cx.index, cx.file, q))
        })
    }

    fn sig_from_decl(&self, file: FileId, s: &SigDecl) -> Sig {
        Sig {
            params: s.params.iter().map(|p| self.parse_in(file, p)).collect(),
            variadic: s.variadic,
            results: s.results.iter().map(|r| self.parse_in(file, r)).collect(),
        }
    }

    fn sig_from_table(&self, pkg: abi::Package, f: &abi::Func) -> Sig {
        Sig {
            params: f
                .params
                .iter()
                .map(|p| self.parse_table(pkg, p.ty))
                .collect(),
            variadic: f.variadic,
            results: f
                .results
                .iter()
                .map(|p| self.parse_table(pkg, p.ty))
                .collect(),
        }
    }

    /// A function or method `name` (`F` or `T.M`) of a home.
    fn func_in(&self, home: &Home, name: &str) -> Option<Sig> {
        match home {
            Home::Table(pkg) => abi::table(self.arch, *pkg)
                .func(name)
                .map(|f| self.sig_from_table(*pkg, f)),
            Home::Local(p) => match self.item(*p, name)? {
                (
                    file,
                    TypedItem {
                        kind: ItemKind::Func(s),
                        ..
                    },
                ) => Some(self.sig_from_decl(file, s)),
                _ => None,
            },
            Home::Foreign(path) => std_sig(path, name).map(|(params, variadic, results)| Sig {
                params: params.iter().map(|p| ty::basic(p)).collect(),
                variadic,
                results: results.iter().map(|r| ty::basic(r)).collect(),
            }),
        }
    }

    /// Whether `name` is an imported package name in this file (and not shadowed).
    fn import_of(&self, ident: Node<'a>) -> Option<Home> {
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
        qualify_in(self.cx.index, self.cx.file, q)
    }

    // ---------------------------------------------------------------- scopes

    /// The local declaration an identifier refers to; `None` for package-level,
    /// imported, predeclared or unknown names.
    pub fn resolve(&self, ident: Node<'a>) -> Option<Binding<'a>> {
        let name = self.text(ident);
        if name == "_" {
            return None;
        }
        let pos = ident.start_byte();
        let mut child = ident;
        let mut cur = self.parent(ident);
        while let Some(n) = cur {
            match n.kind() {
                "statement_list" | "block" | "expression_case" | "default_case"
                | "communication_case" | "type_case" => {
                    let mut c = n.walk();
                    let stmts: Vec<Node<'a>> = n.named_children(&mut c).collect();
                    for s in stmts.iter().rev() {
                        if s.end_byte() > pos || s.id() == child.id() {
                            continue;
                        }
                        if let Some((id, how)) = self.binds_in_stmt(*s, name) {
                            return Some(Binding {
                                ident: id,
                                scope: n,
                                how,
                            });
                        }
                    }
                    if matches!(n.kind(), "type_case" | "default_case") {
                        if let Some(sw) = self
                            .parent(n)
                            .filter(|p| p.kind() == "type_switch_statement")
                        {
                            if let Some(alias) = sw.child_by_field_name("alias") {
                                if let Some(id) = self.named_in_list(alias, name) {
                                    return Some(Binding {
                                        ident: id,
                                        scope: n,
                                        how: LocalDecl::TypeCase {
                                            case: n,
                                            switch: sw,
                                        },
                                    });
                                }
                            }
                        }
                    }
                }
                // `var ( a = x; b = a )`: earlier specs of a group are in scope.
                "var_declaration" | "const_declaration" | "var_spec_list" => {
                    let mut c = n.walk();
                    let specs: Vec<Node<'a>> = n
                        .named_children(&mut c)
                        .filter(|s| matches!(s.kind(), "var_spec" | "const_spec"))
                        .collect();
                    for spec in specs.iter().rev() {
                        if spec.end_byte() > pos || spec.id() == child.id() {
                            continue;
                        }
                        let mut c2 = spec.walk();
                        let names: Vec<Node<'a>> =
                            spec.children_by_field_name("name", &mut c2).collect();
                        if let Some(i) = names.iter().position(|x| self.text(*x) == name) {
                            let mut decl = n;
                            while decl.kind() == "var_spec_list" {
                                decl = self.parent(decl)?;
                            }
                            let scope = self.parent(decl).unwrap_or(decl);
                            return Some(Binding {
                                ident: names[i],
                                scope,
                                how: LocalDecl::Spec {
                                    spec: *spec,
                                    index: i,
                                },
                            });
                        }
                    }
                }
                "if_statement" | "expression_switch_statement" | "type_switch_statement" => {
                    if let Some(init) = n.child_by_field_name("initializer") {
                        if init.id() != child.id() {
                            if let Some((id, how)) = self.binds_in_stmt(init, name) {
                                return Some(Binding {
                                    ident: id,
                                    scope: n,
                                    how,
                                });
                            }
                        }
                    }
                }
                "for_statement" => {
                    let mut c = n.walk();
                    for ch in n.named_children(&mut c) {
                        if ch.id() == child.id() {
                            continue;
                        }
                        match ch.kind() {
                            "range_clause" if child.kind() == "block" => {
                                if let Some(left) = ch.child_by_field_name("left") {
                                    if self.has_token(ch, ":=") {
                                        if let Some((i, id)) = self.index_in_list(left, name) {
                                            return Some(Binding {
                                                ident: id,
                                                scope: n,
                                                how: LocalDecl::Range {
                                                    clause: ch,
                                                    index: i,
                                                },
                                            });
                                        }
                                    }
                                }
                            }
                            "for_clause" => {
                                if let Some(init) = ch.child_by_field_name("initializer") {
                                    if let Some((id, how)) = self.binds_in_stmt(init, name) {
                                        return Some(Binding {
                                            ident: id,
                                            scope: n,
                                            how,
                                        });
                                    }
                                }
                            }
                            _ => {}
                        }
                    }
                }
                "for_clause" => {
                    if let Some(init) = n.child_by_field_name("initializer") {
                        if init.id() != child.id() {
                            if let Some((id, how)) = self.binds_in_stmt(init, name) {
                                return Some(Binding {
                                    ident: id,
                                    scope: n,
                                    how,
                                });
                            }
                        }
                    }
                }
                "function_declaration" | "method_declaration" | "func_literal" => {
                    for field in ["receiver", "parameters", "result"] {
                        let Some(list) = n.child_by_field_name(field) else {
                            continue;
                        };
                        if list.kind() != "parameter_list" || list.id() == child.id() {
                            continue;
                        }
                        let mut c = list.walk();
                        for p in list.named_children(&mut c) {
                            let mut c2 = p.walk();
                            for id in p.children_by_field_name("name", &mut c2) {
                                if self.text(id) == name {
                                    return Some(Binding {
                                        ident: id,
                                        scope: n,
                                        how: LocalDecl::Param { decl: p },
                                    });
                                }
                            }
                        }
                    }
                    if n.kind() != "func_literal" {
                        return None;
                    }
                }
                "source_file" => return None,
                _ => {}
            }
            child = n;
            cur = self.parent(n);
        }
        None
    }

    fn has_token(&self, node: Node<'a>, tok: &str) -> bool {
        let mut c = node.walk();
        let found = node
            .children(&mut c)
            .any(|ch| !ch.is_named() && ch.kind() == tok);
        found
    }

    fn index_in_list(&self, list: Node<'a>, name: &str) -> Option<(usize, Node<'a>)> {
        let mut c = list.walk();
        let found = list
            .named_children(&mut c)
            .enumerate()
            .find(|(_, n)| n.kind() == "identifier" && self.text(*n) == name);
        found
    }

    fn named_in_list(&self, list: Node<'a>, name: &str) -> Option<Node<'a>> {
        self.index_in_list(list, name).map(|(_, n)| n)
    }

    /// Whether a statement declares `name`: the identifier and how.
    fn binds_in_stmt(&self, s: Node<'a>, name: &str) -> Option<(Node<'a>, LocalDecl<'a>)> {
        match s.kind() {
            "short_var_declaration" => {
                let left = s.child_by_field_name("left")?;
                let (i, id) = self.index_in_list(left, name)?;
                Some((id, LocalDecl::Spec { spec: s, index: i }))
            }
            "var_declaration" | "const_declaration" => {
                for spec in specs(s) {
                    let mut c = spec.walk();
                    let names: Vec<Node<'a>> =
                        spec.children_by_field_name("name", &mut c).collect();
                    if let Some((i, id)) = names
                        .iter()
                        .enumerate()
                        .find(|(_, n)| self.text(**n) == name)
                    {
                        return Some((*id, LocalDecl::Spec { spec, index: i }));
                    }
                }
                None
            }
            _ => None,
        }
    }

    /// Identifiers in the binding's scope that refer to it (not the declaration itself).
    pub fn uses_of(&self, b: &Binding<'a>) -> Vec<Node<'a>> {
        let name = self.text(b.ident);
        let mut out = Vec::new();
        crate::index::refs::walk_tree(b.scope, |v| {
            let n = v.node;
            if n.kind() == "identifier"
                && n.id() != b.ident.id()
                && n.start_byte() > b.ident.start_byte()
                && self.text(n) == name
                && self
                    .resolve(n)
                    .is_some_and(|r| r.ident.id() == b.ident.id())
            {
                out.push(n);
            }
            true
        });
        out
    }

    // ---------------------------------------------------------------- types

    /// The type of an expression on this arch, `None` when unknown.
    pub fn type_of(&self, e: Node<'a>) -> Option<Ty> {
        if let Some(t) = self.memo.borrow().get(&e.id()) {
            return t.clone();
        }
        if self.depth.get() > MAX_DEPTH {
            return None;
        }
        self.depth.set(self.depth.get() + 1);
        let t = self.compute(e);
        self.depth.set(self.depth.get() - 1);
        self.memo.borrow_mut().insert(e.id(), t.clone());
        t
    }

    fn compute(&self, e: Node<'a>) -> Option<Ty> {
        match e.kind() {
            "int_literal"
            | "float_literal"
            | "imaginary_literal"
            | "rune_literal"
            | "interpreted_string_literal"
            | "raw_string_literal"
            | "true"
            | "false"
            | "nil"
            | "iota" => Some(Ty::Untyped),
            "parenthesized_expression" => self.type_of(e.named_child(0)?),
            "identifier" => self.ident_type(e),
            "selector_expression" => {
                let op = e.child_by_field_name("operand")?;
                let field = self.text(e.child_by_field_name("field")?);
                if let Some(home) = self.import_of(op) {
                    return self.member_type(&home, field);
                }
                let t = self.type_of(op)?;
                self.field_type(&t, field)
            }
            "call_expression" => self.call_type(e),
            "type_conversion_expression" => self.type_expr(e.child_by_field_name("type")?),
            "type_assertion_expression" => self.type_expr(e.child_by_field_name("type")?),
            "composite_literal" => self.type_expr(e.child_by_field_name("type")?),
            "unary_expression" => {
                let op = self.text(e.child_by_field_name("operator")?);
                let inner = e.child_by_field_name("operand")?;
                match op {
                    "&" => Some(Ty::Pointer(Box::new(self.type_of(inner)?))),
                    "*" => match self.underlying(&self.type_of(inner)?)? {
                        Ty::Pointer(t) => Some(*t),
                        _ => None,
                    },
                    "<-" => match self.underlying(&self.type_of(inner)?)? {
                        Ty::Chan(t) => Some(*t),
                        _ => None,
                    },
                    "!" => Some(Ty::Basic("bool")),
                    _ => self.type_of(inner),
                }
            }
            "binary_expression" => {
                let op = self.text(e.child_by_field_name("operator")?);
                let l = e.child_by_field_name("left")?;
                let r = e.child_by_field_name("right")?;
                match op {
                    "==" | "!=" | "<" | "<=" | ">" | ">=" | "&&" | "||" => {
                        let (lt, rt) = (self.type_of(l), self.type_of(r));
                        if lt == Some(Ty::Untyped) && rt == Some(Ty::Untyped) {
                            Some(Ty::Untyped)
                        } else {
                            Some(Ty::Basic("bool"))
                        }
                    }
                    "<<" | ">>" => self.type_of(l),
                    _ => match self.type_of(l)? {
                        Ty::Untyped => self.type_of(r),
                        t => Some(t),
                    },
                }
            }
            "index_expression" => {
                let op = e.child_by_field_name("operand")?;
                match self.underlying(self.type_of(op)?.pointee())? {
                    Ty::Slice(t) | Ty::Array(_, t) => Some(*t),
                    Ty::Map(_, v) => Some(*v),
                    Ty::Basic("string") => Some(Ty::Basic("uint8")),
                    _ => None,
                }
            }
            "slice_expression" => {
                let op = e.child_by_field_name("operand")?;
                let t = self.type_of(op)?;
                match self.underlying(t.pointee())? {
                    Ty::Array(_, el) => Some(Ty::Slice(el)),
                    _ => Some(t),
                }
            }
            _ => None,
        }
    }

    /// The type of a package member `home.name` used as a value.
    fn member_type(&self, home: &Home, name: &str) -> Option<Ty> {
        match home {
            Home::Table(pkg) => {
                let t = abi::table(self.arch, *pkg);
                if let Some(c) = t.constant(name).or_else(|| t.syscalls.find(name)) {
                    return if c.ty.is_empty() {
                        Some(Ty::Untyped)
                    } else {
                        self.parse_table(*pkg, c.ty)
                    };
                }
                t.var(name).and_then(|v| self.parse_table(*pkg, v.ty))
            }
            Home::Local(p) => self.package_value(*p, name),
            Home::Foreign(_) => None,
        }
    }

    /// The type of a package-level var or const of a local package.
    fn package_value(&self, p: PkgId, name: &str) -> Option<Ty> {
        match self.item(p, name)? {
            (
                f,
                TypedItem {
                    kind: ItemKind::Var(Some(t)),
                    ..
                },
            ) => self.parse_in(f, t),
            (
                f,
                TypedItem {
                    kind: ItemKind::Const(Some(t)),
                    ..
                },
            ) => self.parse_in(f, t),
            (
                _,
                TypedItem {
                    kind: ItemKind::Const(None),
                    ..
                },
            ) => Some(Ty::Untyped),
            _ => None,
        }
    }

    fn ident_type(&self, e: Node<'a>) -> Option<Ty> {
        let Some(b) = self.resolve(e) else {
            return self.package_value(self.pkg?, self.text(e));
        };
        self.binding_type(&b)
    }

    /// The type of a local on this arch.
    pub fn binding_type(&self, b: &Binding<'a>) -> Option<Ty> {
        match b.how {
            LocalDecl::Param { decl } => {
                let t = self.type_expr(decl.child_by_field_name("type")?)?;
                if decl.kind() == "variadic_parameter_declaration" {
                    Some(Ty::Slice(Box::new(t)))
                } else {
                    Some(t)
                }
            }
            LocalDecl::Spec { spec, index } => {
                let is_const = spec.kind() == "const_spec";
                if let Some(t) = spec.child_by_field_name("type") {
                    return self.type_expr(t);
                }
                let values = spec
                    .child_by_field_name("value")
                    .or_else(|| spec.child_by_field_name("right"))?;
                let mut c = values.walk();
                let vals: Vec<Node<'a>> = values.named_children(&mut c).collect();
                let names = match spec.kind() {
                    "short_var_declaration" => {
                        let left = spec.child_by_field_name("left")?;
                        left.named_child_count()
                    }
                    _ => {
                        let mut c2 = spec.walk();
                        let n = spec.children_by_field_name("name", &mut c2).count();
                        n
                    }
                };
                if vals.len() == names {
                    let v = vals[index];
                    let t = self.type_of(v)?;
                    if t == Ty::Untyped && !is_const {
                        return self.default_type(v);
                    }
                    return Some(t);
                }
                if vals.len() == 1 && names == 2 {
                    let v = vals[0];
                    let inner = strip_parens(v);
                    if matches!(
                        inner.kind(),
                        "type_assertion_expression" | "index_expression"
                    ) || (inner.kind() == "unary_expression"
                        && inner
                            .child_by_field_name("operator")
                            .is_some_and(|o| self.text(o) == "<-"))
                    {
                        return if index == 0 {
                            self.type_of(inner)
                        } else {
                            Some(Ty::Basic("bool"))
                        };
                    }
                }
                if vals.len() == 1 {
                    if let Some(Ty::Tuple(ts)) = self.type_of(vals[0]) {
                        if ts.len() == names {
                            return ts.get(index).cloned();
                        }
                    }
                }
                None
            }
            LocalDecl::Range { clause, index } => {
                let right = clause.child_by_field_name("right")?;
                let t = self.type_of(right)?;
                match (self.underlying(t.pointee())?, index) {
                    (Ty::Slice(_) | Ty::Array(..), 0) => Some(Ty::Basic("int")),
                    (Ty::Slice(e) | Ty::Array(_, e), 1) => Some(*e),
                    (Ty::Map(k, _), 0) => Some(*k),
                    (Ty::Map(_, v), 1) => Some(*v),
                    (Ty::Basic("string"), 0) => Some(Ty::Basic("int")),
                    (Ty::Basic("string"), 1) => Some(Ty::Basic("int32")),
                    (Ty::Chan(e), 0) => Some(*e),
                    (t, 0) if t.is_integer() => Some(t),
                    _ => None,
                }
            }
            LocalDecl::TypeCase { case, switch } => {
                let mut c = case.walk();
                let types: Vec<Node<'a>> = case.children_by_field_name("type", &mut c).collect();
                if types.len() == 1 && self.text(types[0]) != "nil" {
                    return self.type_expr(types[0]);
                }
                self.type_of(switch.child_by_field_name("value")?)
            }
        }
    }

    /// The default type of an untyped constant expression (`5` → `int`).
    pub fn default_type(&self, e: Node<'a>) -> Option<Ty> {
        let rank = self.const_rank(e, 0)?;
        Some(Ty::Basic(match rank {
            0 => "int",
            1 => "int32",
            2 => "float64",
            3 => "complex128",
            4 => "string",
            _ => "bool",
        }))
    }

    fn const_rank(&self, e: Node<'a>, depth: u32) -> Option<u8> {
        if depth > 16 {
            return None;
        }
        match e.kind() {
            "int_literal" | "iota" => Some(0),
            "rune_literal" => Some(1),
            "float_literal" => Some(2),
            "imaginary_literal" => Some(3),
            "interpreted_string_literal" | "raw_string_literal" => Some(4),
            "true" | "false" => Some(5),
            "parenthesized_expression" => self.const_rank(e.named_child(0)?, depth + 1),
            "unary_expression" => self.const_rank(e.child_by_field_name("operand")?, depth + 1),
            "binary_expression" => {
                let op = self.text(e.child_by_field_name("operator")?);
                if matches!(op, "==" | "!=" | "<" | "<=" | ">" | ">=" | "&&" | "||") {
                    return Some(5);
                }
                let l = self.const_rank(e.child_by_field_name("left")?, depth + 1)?;
                if matches!(op, "<<" | ">>") {
                    return Some(l);
                }
                let r = self.const_rank(e.child_by_field_name("right")?, depth + 1)?;
                Some(l.max(r))
            }
            "selector_expression" => {
                let op = e.child_by_field_name("operand")?;
                let Home::Table(pkg) = self.import_of(op)? else {
                    return None;
                };
                let name = self.text(e.child_by_field_name("field")?);
                let t = abi::table(self.arch, pkg);
                match t.constant(name).or_else(|| t.syscalls.find(name))?.value {
                    abi::ConstValue::Int(_) => Some(0),
                    abi::ConstValue::Str(_) => Some(4),
                    abi::ConstValue::Bool(_) => Some(5),
                }
            }
            "identifier" => {
                let b = self.resolve(e)?;
                let LocalDecl::Spec { spec, index } = b.how else {
                    return None;
                };
                if spec.kind() != "const_spec" {
                    return None;
                }
                let vals = spec.child_by_field_name("value")?;
                self.const_rank(vals.named_child(u32::try_from(index).ok()?)?, depth + 1)
            }
            _ => None,
        }
    }

    /// Whether an expression is a constant (typed or not) as far as inference can tell.
    pub fn is_untyped_const(&self, e: Node<'a>) -> bool {
        self.type_of(e) == Some(Ty::Untyped)
    }

    /// If `f` (a call's function) denotes a type, that type: the call is a conversion.
    pub fn conversion_type(&self, f: Node<'a>) -> Option<Option<Ty>> {
        match f.kind() {
            "identifier" | "type_identifier" => {
                if self.resolve(f).is_some() {
                    return None;
                }
                let name = self.text(f);
                if let Some(b) = ty::basic(name) {
                    return Some(Some(b));
                }
                let p = self.pkg?;
                match self.item(p, name) {
                    Some((_, it))
                        if matches!(
                            it.kind,
                            ItemKind::Struct(_) | ItemKind::Named(_) | ItemKind::Alias(_)
                        ) =>
                    {
                        Some(Some(Ty::Named(Home::Local(p), name.to_string())))
                    }
                    _ => None,
                }
            }
            "selector_expression" | "qualified_type" => {
                let (op, field) = if f.kind() == "selector_expression" {
                    (
                        f.child_by_field_name("operand")?,
                        f.child_by_field_name("field")?,
                    )
                } else {
                    (
                        f.child_by_field_name("package")?,
                        f.child_by_field_name("name")?,
                    )
                };
                let name = self.text(field);
                if self.text(op) == "unsafe" && name == "Pointer" {
                    return Some(Some(Ty::Basic("unsafe.Pointer")));
                }
                let home = if op.kind() == "package_identifier" {
                    qualify_in(self.cx.index, self.cx.file, self.text(op))?
                } else {
                    self.import_of(op)?
                };
                let is_type = match &home {
                    Home::Table(pkg) => {
                        let t = abi::table(self.arch, *pkg);
                        t.strukt(name).is_some() || t.named(name).is_some()
                    }
                    Home::Local(p) => self.item(*p, name).is_some_and(|(_, it)| {
                        matches!(
                            it.kind,
                            ItemKind::Struct(_) | ItemKind::Named(_) | ItemKind::Alias(_)
                        )
                    }),
                    // Foreign: unknown whether it's a type or a func.
                    Home::Foreign(_) => return None,
                };
                is_type.then(|| Some(Ty::Named(home, name.to_string())))
            }
            "parenthesized_expression" => {
                let inner = f.named_child(0)?;
                if inner.kind() == "unary_expression"
                    && inner
                        .child_by_field_name("operator")
                        .is_some_and(|o| self.text(o) == "*")
                {
                    let t = self.conversion_type(inner.child_by_field_name("operand")?)?;
                    return Some(t.map(|t| Ty::Pointer(Box::new(t))));
                }
                self.conversion_type(inner)
            }
            "slice_type" | "array_type" | "map_type" | "pointer_type" | "channel_type"
            | "parenthesized_type" | "interface_type" => Some(self.type_expr(f)),
            "function_type" | "struct_type" | "generic_type" => Some(None),
            _ => None,
        }
    }

    fn call_type(&self, e: Node<'a>) -> Option<Ty> {
        let f = e.child_by_field_name("function")?;
        if let Some(t) = self.conversion_type(f) {
            return t;
        }
        let args = e.child_by_field_name("arguments")?;
        if f.kind() == "identifier" && self.resolve(f).is_none() {
            let name = self.text(f);
            let own = self.pkg.and_then(|p| self.item(p, name)).is_some();
            if !own && is_builtin_func(name) {
                let first = args.named_child(0);
                return match name {
                    "len" | "cap" | "copy" => Some(Ty::Basic("int")),
                    "append" => self.type_of(first?),
                    "make" => self.type_expr(first?),
                    "new" => Some(Ty::Pointer(Box::new(self.type_expr(first?)?))),
                    _ => None,
                };
            }
        }
        let sig = self.sig_of(f)?;
        match sig.results.len() {
            0 => None,
            1 => sig.results[0].clone(),
            _ => Some(Ty::Tuple(
                sig.results.into_iter().collect::<Option<Vec<_>>>()?,
            )),
        }
    }

    /// The signature of a call's function expression.
    pub fn sig_of(&self, f: Node<'a>) -> Option<Sig> {
        match f.kind() {
            "parenthesized_expression" => self.sig_of(f.named_child(0)?),
            "identifier" => {
                if self.resolve(f).is_some() {
                    return None;
                }
                self.func_in(&Home::Local(self.pkg?), self.text(f))
            }
            "func_literal" => Some(self.literal_sig(f)),
            "selector_expression" => {
                let op = f.child_by_field_name("operand")?;
                let name = self.text(f.child_by_field_name("field")?);
                if let Some(home) = self.import_of(op) {
                    return self.func_in(&home, name);
                }
                let t = self.type_of(op)?;
                let Ty::Named(home, tn) = t.pointee() else {
                    return None;
                };
                self.func_in(home, &format!("{tn}.{name}"))
            }
            _ => None,
        }
    }

    fn literal_sig(&self, f: Node<'a>) -> Sig {
        let s = super::decls::signature(f, self.src());
        let p = |s: &String| {
            ty::parse(s, &self.home, &|q| {
                qualify_in(self.cx.index, self.cx.file, q)
            })
        };
        Sig {
            params: s.params.iter().map(p).collect(),
            variadic: s.variadic,
            results: s.results.iter().map(p).collect(),
        }
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
        let mut t = t.clone();
        for _ in 0..8 {
            let Ty::Named(home, name) = &t else {
                return Some(t);
            };
            let next = match home {
                Home::Table(pkg) => {
                    let tab = abi::table(self.arch, *pkg);
                    if tab.strukt(name).is_some() {
                        return Some(t);
                    }
                    self.parse_table(*pkg, tab.named(name)?.ty)?
                }
                Home::Local(p) => match self.item(*p, name)? {
                    (
                        _,
                        TypedItem {
                            kind: ItemKind::Struct(_),
                            ..
                        },
                    ) => return Some(t),
                    (
                        f,
                        TypedItem {
                            kind: ItemKind::Named(u) | ItemKind::Alias(u),
                            ..
                        },
                    ) => self.parse_in(f, u)?,
                    _ => return None,
                },
                Home::Foreign(_) => return None,
            };
            if next == t {
                return Some(t);
            }
            t = next;
        }
        None
    }

    /// The fields of a struct type (or pointer to one) on this arch.
    pub fn fields_of(&self, t: &Ty) -> Option<Vec<FieldTy>> {
        let t = self.underlying(t.pointee())?;
        let Ty::Named(home, name) = &t else {
            return None;
        };
        match home {
            Home::Table(pkg) => {
                let s = abi::table(self.arch, *pkg).strukt(name)?;
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
            Home::Local(p) => match self.item(*p, name)? {
                (
                    file,
                    TypedItem {
                        kind: ItemKind::Struct(fields),
                        ..
                    },
                ) => Some(
                    fields
                        .iter()
                        .map(|f| FieldTy {
                            name: f.name.clone(),
                            ty: self.parse_in(file, &f.ty),
                        })
                        .collect(),
                ),
                _ => None,
            },
            Home::Foreign(_) => None,
        }
    }

    /// The type of field `name` of `t` (auto-dereferenced), one embedding level deep.
    pub fn field_type(&self, t: &Ty, name: &str) -> Option<Ty> {
        let fields = self.fields_of(t)?;
        if let Some(f) = fields.iter().find(|f| f.name == name) {
            return f.ty.clone();
        }
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

    // ---------------------------------------------------------------- contexts

    /// Where the value of `e` goes, climbing through parentheses, unary and arithmetic
    /// operators with constants, `&`, indexing and field selection into the first
    /// context that demands or adapts a type.
    pub fn contexts(&self, e: Node<'a>) -> Vec<Use<'a>> {
        let mut out = Vec::new();
        let mut node = e;
        loop {
            let Some(p) = self.parent(node) else {
                out.push(unknown(node));
                return out;
            };
            let u = |ctx, what| Use {
                value: node,
                ctx,
                what,
            };
            match p.kind() {
                "parenthesized_expression" => {}
                "unary_expression" => {
                    let op = p.child_by_field_name("operator").map(|o| self.text(o));
                    if op == Some("!") {
                        out.push(u(Ctx::Adapts, "condition"));
                        return out;
                    }
                }
                "index_expression" => {
                    if p.child_by_field_name("index")
                        .is_some_and(|i| i.id() == node.id())
                    {
                        let op = match p.child_by_field_name("operand") {
                            Some(o) => o,
                            None => {
                                out.push(unknown(node));
                                return out;
                            }
                        };
                        let is_map = self
                            .type_of(op)
                            .and_then(|t| self.underlying(t.pointee()))
                            .map(|t| matches!(t, Ty::Map(..)));
                        out.push(match is_map {
                            Some(true) => u(Ctx::Need(Need::MapKey(op)), "map key"),
                            Some(false) => u(Ctx::Adapts, "index"),
                            None => u(Ctx::Unknown, "index"),
                        });
                        return out;
                    }
                }
                "slice_expression" => {
                    if p.child_by_field_name("operand")
                        .is_none_or(|o| o.id() != node.id())
                    {
                        out.push(u(Ctx::Adapts, "slice bound"));
                        return out;
                    }
                }
                "selector_expression" => {
                    out.push(u(Ctx::Adapts, "selector"));
                    return out;
                }
                "binary_expression" => {
                    let op = p
                        .child_by_field_name("operator")
                        .map_or("", |o| self.text(o));
                    let left = p.child_by_field_name("left");
                    let right = p.child_by_field_name("right");
                    let is_left = left.is_some_and(|l| l.id() == node.id());
                    let other = if is_left { right } else { left };
                    match op {
                        "&&" | "||" => {
                            out.push(u(Ctx::Adapts, "condition"));
                            return out;
                        }
                        "<<" | ">>" => {
                            if !is_left {
                                out.push(u(Ctx::Adapts, "shift count"));
                                return out;
                            }
                        }
                        _ => {
                            let Some(other) = other else {
                                out.push(unknown(node));
                                return out;
                            };
                            let cmp = matches!(op, "==" | "!=" | "<" | "<=" | ">" | ">=");
                            match self.type_of(other) {
                                Some(Ty::Untyped) => {
                                    if cmp {
                                        out.push(u(Ctx::Adapts, "comparison with a constant"));
                                        return out;
                                    }
                                }
                                Some(_) => {
                                    out.push(u(
                                        Ctx::Need(Need::Expr(other)),
                                        if cmp { "comparison" } else { "operand" },
                                    ));
                                    if cmp {
                                        return out;
                                    }
                                }
                                None => {
                                    out.push(u(Ctx::Unknown, "operand"));
                                    return out;
                                }
                            }
                        }
                    }
                }
                "argument_list" => {
                    out.push(self.argument_use(p, node));
                    return out;
                }
                "expression_list" => {
                    out.push(self.list_use(p, node));
                    return out;
                }
                "literal_element" => {
                    out.push(self.literal_use(p, node));
                    return out;
                }
                "send_statement" => {
                    let ch = p.child_by_field_name("channel");
                    out.push(match ch {
                        Some(ch) if ch.id() != node.id() => {
                            u(Ctx::Need(Need::ChanElem(ch)), "channel send")
                        }
                        _ => u(Ctx::Adapts, "channel"),
                    });
                    return out;
                }
                "inc_statement"
                | "dec_statement"
                | "expression_statement"
                | "if_statement"
                | "for_statement"
                | "range_clause"
                | "go_statement"
                | "defer_statement"
                | "type_assertion_expression"
                | "type_switch_statement" => {
                    out.push(u(Ctx::Adapts, "statement"));
                    return out;
                }
                "call_expression" => {
                    out.push(u(Ctx::Adapts, "method call"));
                    return out;
                }
                "expression_switch_statement" => {
                    let is_tag = p
                        .child_by_field_name("value")
                        .is_some_and(|v| v.id() == node.id());
                    if !is_tag {
                        out.push(u(Ctx::Adapts, "statement"));
                        return out;
                    }
                    // Each typed case value must match the tag; constants adapt.
                    let mut c = p.walk();
                    for case in p
                        .named_children(&mut c)
                        .filter(|n| n.kind() == "expression_case")
                    {
                        let Some(vals) = case.child_by_field_name("value") else {
                            continue;
                        };
                        let mut c2 = vals.walk();
                        for v in vals.named_children(&mut c2) {
                            match self.type_of(v) {
                                Some(Ty::Untyped) => {}
                                Some(_) => out.push(u(Ctx::Need(Need::Expr(v)), "switch case")),
                                None => out.push(u(Ctx::Unknown, "switch case")),
                            }
                        }
                    }
                    if out.is_empty() {
                        out.push(u(Ctx::Adapts, "switch on constants"));
                    }
                    return out;
                }
                "type_conversion_expression" => {
                    out.push(u(Ctx::Adapts, "conversion"));
                    return out;
                }
                _ => {
                    out.push(unknown(node));
                    return out;
                }
            }
            node = p;
        }
    }

    fn argument_use(&self, args: Node<'a>, node: Node<'a>) -> Use<'a> {
        let u = |ctx, what| Use {
            value: node,
            ctx,
            what,
        };
        let Some(call) = self.parent(args) else {
            return unknown(node);
        };
        let Some(f) = call.child_by_field_name("function") else {
            return unknown(node);
        };
        if self.conversion_type(f).is_some() {
            return u(Ctx::Adapts, "conversion");
        }
        if matches!(
            self.text(f),
            "unsafe.Sizeof" | "unsafe.Offsetof" | "unsafe.Alignof"
        ) {
            return u(Ctx::Adapts, "unsafe size query");
        }
        let mut c = args.walk();
        let list: Vec<Node<'a>> = args.named_children(&mut c).collect();
        let Some(index) = list.iter().position(|a| a.id() == node.id()) else {
            return unknown(node);
        };
        if f.kind() == "identifier" && self.resolve(f).is_none() {
            let name = self.text(f);
            let own = self.pkg.and_then(|p| self.item(p, name)).is_some();
            if !own && is_builtin_func(name) {
                return match name {
                    "append" if index > 0 => {
                        u(Ctx::Need(Need::SliceElem(list[0])), "element appended")
                    }
                    "len" | "cap" | "print" | "println" | "panic" | "delete" | "make" | "new"
                    | "close" => u(Ctx::Adapts, "builtin argument"),
                    _ => u(Ctx::Unknown, "builtin argument"),
                };
            }
        }
        u(Ctx::Need(Need::Param { call, index }), "argument")
    }

    fn list_use(&self, list: Node<'a>, node: Node<'a>) -> Use<'a> {
        let u = |value, ctx, what| Use { value, ctx, what };
        let Some(stmt) = self.parent(list) else {
            return unknown(node);
        };
        let mut c = list.walk();
        let items: Vec<Node<'a>> = list.named_children(&mut c).collect();
        let Some(index) = items.iter().position(|a| a.id() == node.id()) else {
            return unknown(node);
        };
        let field = |n: &str| stmt.child_by_field_name(n);
        let is = |n: &str| field(n).is_some_and(|x| x.id() == list.id());
        match stmt.kind() {
            "var_spec" if is("value") => {
                if let Some(t) = field("type") {
                    return u(node, Ctx::Need(Need::TypeNode(t)), "typed `var`");
                }
                let mut c2 = stmt.walk();
                let names: Vec<Node<'a>> = stmt.children_by_field_name("name", &mut c2).collect();
                if names.len() != items.len() {
                    return unknown(node);
                }
                let in_func = self.is_in_function(stmt);
                if self.text(names[index]) == "_" {
                    u(node, Ctx::Adapts, "blank")
                } else if in_func {
                    u(node, Ctx::Local(names[index]), "local")
                } else {
                    unknown(node)
                }
            }
            "short_var_declaration" | "assignment_statement" if is("right") => {
                let Some(left) = field("left") else {
                    return unknown(node);
                };
                let mut c2 = left.walk();
                let lhs: Vec<Node<'a>> = left.named_children(&mut c2).collect();
                let op = stmt
                    .child_by_field_name("operator")
                    .map_or("=", |o| self.text(o));
                if matches!(op, "<<=" | ">>=") {
                    return u(node, Ctx::Adapts, "shift count");
                }
                if op != "=" && op != ":=" && stmt.kind() == "assignment_statement" {
                    return match lhs.first() {
                        Some(l) => u(node, Ctx::Need(Need::Expr(*l)), "compound assignment"),
                        None => unknown(node),
                    };
                }
                if lhs.len() != items.len() {
                    return unknown(node);
                }
                let target = lhs[index];
                if target.kind() == "identifier" && self.text(target) == "_" {
                    return u(node, Ctx::Adapts, "blank");
                }
                if stmt.kind() == "short_var_declaration" {
                    // A new variable unless redeclared in the same scope.
                    let b = self.resolve(target);
                    let same_scope = b.is_some_and(|b| {
                        self.parent(stmt).is_some_and(|sp| sp.id() == b.scope.id())
                    });
                    if !same_scope {
                        return u(node, Ctx::Local(target), "local");
                    }
                }
                u(node, Ctx::Need(Need::Expr(target)), "assignment")
            }
            // The value is the target of an assignment: the right side must fit it.
            "assignment_statement" | "short_var_declaration" if is("left") => {
                let Some(right) = field("right") else {
                    return unknown(node);
                };
                let op = stmt
                    .child_by_field_name("operator")
                    .map_or("=", |o| self.text(o));
                let mut c2 = right.walk();
                let rhs: Vec<Node<'a>> = right.named_children(&mut c2).collect();
                if matches!(op, "<<=" | ">>=") {
                    return u(node, Ctx::Adapts, "shift");
                }
                if rhs.len() != items.len() {
                    return u(node, Ctx::Unknown, "assignment");
                }
                u(rhs[index], Ctx::Need(Need::Expr(node)), "assigned value")
            }
            "return_statement" => u(node, Ctx::Need(Need::Result { ret: stmt, index }), "return"),
            "expression_case" => match self
                .parent(stmt)
                .and_then(|sw| sw.child_by_field_name("value"))
            {
                Some(v) => u(node, Ctx::Need(Need::Expr(v)), "switch case"),
                None => u(node, Ctx::Adapts, "switch case"),
            },
            "range_clause" | "receive_statement" => u(node, Ctx::Adapts, "statement"),
            _ => unknown(node),
        }
    }

    fn literal_use(&self, elem: Node<'a>, node: Node<'a>) -> Use<'a> {
        let u = |ctx, what| Use {
            value: node,
            ctx,
            what,
        };
        match self.parent(elem) {
            Some(k) if k.kind() == "keyed_element" => {
                if k.child_by_field_name("key")
                    .is_some_and(|x| x.id() == elem.id())
                {
                    // A struct field name is no value; a map key is.
                    match self
                        .literal_type(self.parent(k).unwrap_or(k))
                        .and_then(|t| self.underlying(&t))
                    {
                        Some(Ty::Map(..)) => u(Ctx::Need(Need::LitKey { elem }), "map key"),
                        Some(_) => u(Ctx::Adapts, "key"),
                        None => u(Ctx::Unknown, "key"),
                    }
                } else {
                    u(Ctx::Need(Need::LitElem { elem }), "literal field")
                }
            }
            Some(_) => u(Ctx::Need(Need::LitElem { elem }), "literal element"),
            None => unknown(node),
        }
    }

    /// The type a `literal_value` builds: its composite literal's type, or for elided inner
    /// literals the element type of the outer one.
    pub fn literal_type(&self, lv: Node<'a>) -> Option<Ty> {
        let p = self.parent(lv)?;
        match p.kind() {
            "composite_literal" => self.type_of(p),
            "literal_element" => self.demanded(&Need::LitElem { elem: p }).map(|t| match t {
                Ty::Pointer(inner) => *inner,
                t => t,
            }),
            _ => None,
        }
    }

    /// The type a context demands on this arch.
    pub fn demanded(&self, need: &Need<'a>) -> Option<Ty> {
        match *need {
            Need::TypeNode(t) => self.type_expr(t),
            Need::Expr(e) => self.type_of(e),
            Need::Param { call, index } => {
                let f = call.child_by_field_name("function")?;
                let sig = self.sig_of(f)?;
                let args = call.child_by_field_name("arguments")?;
                let spread = {
                    let mut c = args.walk();
                    let s = args.children(&mut c).any(|ch| ch.kind() == "...");
                    s
                };
                let n = sig.params.len();
                if sig.variadic && index + 1 >= n && n > 0 {
                    let t = sig.params[n - 1].clone()?;
                    return Some(if spread { Ty::Slice(Box::new(t)) } else { t });
                }
                sig.params.get(index).cloned().flatten()
            }
            Need::Result { ret, index } => {
                let mut f = self.parent(ret);
                while let Some(n) = f {
                    if matches!(
                        n.kind(),
                        "function_declaration" | "method_declaration" | "func_literal"
                    ) {
                        break;
                    }
                    f = self.parent(n);
                }
                let f = f?;
                let s = super::decls::signature(f, self.src());
                let list = ret.named_child(0)?;
                if list.named_child_count() != s.results.len() {
                    return None;
                }
                let r = s.results.get(index)?;
                ty::parse(r, &self.home, &|q| {
                    qualify_in(self.cx.index, self.cx.file, q)
                })
            }
            Need::LitElem { elem } => {
                let (lv, key) = match self.parent(elem)? {
                    k if k.kind() == "keyed_element" => {
                        (self.parent(k)?, k.child_by_field_name("key"))
                    }
                    lv => (lv, None),
                };
                let t = self.literal_type(lv)?;
                match self.underlying(&t)? {
                    Ty::Slice(e) | Ty::Array(_, e) => Some(*e),
                    Ty::Map(_, v) => Some(*v),
                    st @ Ty::Named(..) => {
                        let fields = self.fields_of(&st)?;
                        match key {
                            Some(k) => {
                                let name = self.text(k);
                                fields.into_iter().find(|f| f.name == name)?.ty
                            }
                            None => {
                                let mut c = lv.walk();
                                let pos = lv
                                    .named_children(&mut c)
                                    .filter(|n| n.kind() != "comment")
                                    .position(|n| n.id() == elem.id())?;
                                fields.into_iter().nth(pos)?.ty
                            }
                        }
                    }
                    _ => None,
                }
            }
            Need::LitKey { elem } => {
                let lv = self.parent(self.parent(elem)?)?;
                match self.underlying(&self.literal_type(lv)?)? {
                    Ty::Map(k, _) => Some(*k),
                    _ => None,
                }
            }
            Need::ChanElem(ch) => match self.underlying(&self.type_of(ch)?)? {
                Ty::Chan(e) => Some(*e),
                _ => None,
            },
            Need::MapKey(m) => match self.underlying(self.type_of(m)?.pointee())? {
                Ty::Map(k, _) => Some(*k),
                _ => None,
            },
            Need::SliceElem(s) => match self.underlying(&self.type_of(s)?)? {
                Ty::Slice(e) => Some(*e),
                _ => None,
            },
        }
    }

    /// Whether a value of type `v` may be used where `d` is demanded (Go's assignability,
    /// minus method sets: interfaces accept everything). `None` when unknown.
    pub fn assignable(&self, v: &Ty, d: &Ty) -> Option<bool> {
        let (v, d) = (&self.unalias(v), &self.unalias(d));
        if v == d || *d == Ty::Interface || *v == Ty::Untyped {
            return Some(true);
        }
        if matches!(v, Ty::Tuple(_)) || matches!(d, Ty::Tuple(_) | Ty::Untyped) {
            return None;
        }
        if matches!(d, Ty::Named(..)) && self.underlying(d) == Some(Ty::Interface) {
            return Some(true);
        }
        if v.is_named() && d.is_named() {
            return Some(false);
        }
        let (uv, ud) = (self.underlying(v)?, self.underlying(d)?);
        Some(uv == ud)
    }
}

/// Signatures of a few standard-library functions that ABI struct fields often meet.
fn std_sig(
    path: &str,
    name: &str,
) -> Option<(&'static [&'static str], bool, &'static [&'static str])> {
    const PRINTF: &[&str] = &["string", "any"];
    const PRINT: &[&str] = &["any"];
    const WPRINTF: &[&str] = &["any", "string", "any"];
    const WPRINT: &[&str] = &["any", "any"];
    type Sig3 = (&'static [&'static str], bool, &'static [&'static str]);
    let printf =
        |results: &'static [&'static str]| -> Option<Sig3> { Some((PRINTF, true, results)) };
    let print = |results: &'static [&'static str]| -> Option<Sig3> { Some((PRINT, true, results)) };
    match (path, name) {
        ("time", "Unix") => Some((&["int64", "int64"], false, &[])),
        ("strconv", "FormatInt") => Some((&["int64", "int"], false, &["string"])),
        ("strconv", "FormatUint") => Some((&["uint64", "int"], false, &["string"])),
        ("strconv", "Itoa") => Some((&["int"], false, &["string"])),
        ("os", "NewFile") => Some((&["uintptr", "string"], false, &[])),
        ("fmt", "Printf" | "Errorf") => printf(&[]),
        ("fmt", "Sprintf") => printf(&["string"]),
        ("fmt", "Print" | "Println") => print(&[]),
        ("fmt", "Sprint" | "Sprintln") => print(&["string"]),
        ("fmt", "Fprintf") => Some((WPRINTF, true, &[])),
        ("fmt", "Fprint" | "Fprintln") => Some((WPRINT, true, &[])),
        ("log", "Printf" | "Fatalf" | "Panicf") => printf(&[]),
        ("log", "Print" | "Println" | "Fatal" | "Fatalln" | "Panic" | "Panicln") => print(&[]),
        ("testing", n) => match n.split_once('.').map(|(_, m)| m) {
            Some("Errorf" | "Fatalf" | "Logf" | "Skipf") => printf(&[]),
            Some("Error" | "Fatal" | "Log" | "Skip") => print(&[]),
            _ => None,
        },
        _ => None,
    }
}

fn unknown(node: Node<'_>) -> Use<'_> {
    Use {
        value: node,
        ctx: Ctx::Unknown,
        what: "unknown",
    }
}

fn strip_parens(mut n: Node<'_>) -> Node<'_> {
    while n.kind() == "parenthesized_expression" {
        match n.named_child(0) {
            Some(c) => n = c,
            None => break,
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arch::ArchSet;
    use crate::index::{FileInfo, Index};
    use crate::syntax::parse_go;

    /// Infer the type of the expression written `expr` on the line marked `// here` in
    /// `src` (one file of package `p`), on `arch`.
    fn type_at(src: &str, expr: &str, arch: Arch) -> Option<String> {
        let bytes = src.as_bytes();
        let tree = parse_go(bytes).unwrap();
        let h = crate::header::scan(bytes);
        let info = FileInfo {
            rel: "p/p.go".into(),
            dir: "p".into(),
            package: "p".into(),
            arches: ArchSet::ALL,
            is_test: false,
            imports: h.imports,
            constraint: None,
            bytes: bytes.len() as u64,
        };
        let mut index = Index::build(
            std::path::Path::new("/nonexistent"),
            vec![info],
            Arch::Amd64,
            ArchSet::ALL,
        );
        index.add_typed(0, super::super::decls::collect(&tree, bytes));
        let imports: HashMap<String, Target> = index
            .import_bindings(0)
            .into_iter()
            .filter_map(|(n, t)| Some((n, t?)))
            .collect();
        let cx = FileSyntax::new(&index, 0, bytes, &tree, &[], &imports);
        let line = src.lines().position(|l| l.contains("// here")).unwrap();
        let text = src.lines().nth(line).unwrap();
        let code = &text[..text.find("//").unwrap()];
        let is_id = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        let col = code
            .match_indices(expr)
            .map(|(i, _)| i)
            .find(|&i| {
                !is_id(code[..i].chars().last()) && !is_id(code[i + expr.len()..].chars().next())
            })
            .unwrap();
        let start = src.lines().take(line).map(|l| l.len() + 1).sum::<usize>() + col;
        let node = tree
            .root_node()
            .descendant_for_byte_range(start, start + expr.len())
            .unwrap();
        let inf = Infer::new(&cx, arch);
        inf.type_of(node).map(|t| t.to_string())
    }

    const SRC: &str = r#"package p

import (
	"syscall"

	"golang.org/x/sys/unix"
)

type pair struct{ a, b uint16 }

func stat() (*unix.Stat_t, error) { return nil, nil }

func f(v interface{}, xs []unix.Timespec, m map[string]*syscall.Stat_t) {
	st, err := stat()
	dev := st.Dev
	{
		dev := "shadow"
		_ = dev
	}
	for i, ts := range xs {
		_, _ = i, ts.Sec
	}
	switch s := v.(type) {
	case *syscall.Stat_t:
		_ = s.Nlink
	}
	p := pair{1, 2}
	n := 5
	_ = []interface{}{dev, err, p.b, n, m["x"].Blksize, uint64(dev), &st.Rdev, ts, s} // here
}
"#;

    #[test]
    fn follows_locals_scopes_and_fields_per_arch() {
        let t = |e: &str, a: Arch| type_at(SRC, e, a);
        // `dev` on the marked line is the outer one (the inner string is out of scope).
        assert_eq!(t("dev", Arch::Amd64).as_deref(), Some("uint64"));
        assert_eq!(t("dev", Arch::Mips64le).as_deref(), Some("uint32"));
        assert_eq!(t("err", Arch::Amd64).as_deref(), Some("interface{}"));
        assert_eq!(t("p.b", Arch::Amd64).as_deref(), Some("uint16"));
        assert_eq!(t("n", Arch::Amd64).as_deref(), Some("int"));
        assert_eq!(t("m[\"x\"].Blksize", Arch::Arm64).as_deref(), Some("int32"));
        assert_eq!(t("uint64(dev)", Arch::Mips64le).as_deref(), Some("uint64"));
        assert_eq!(t("&st.Rdev", Arch::Mips64le).as_deref(), Some("*uint32"));
        // Out of their scopes: the range variable and the type-switch alias are unknown.
        assert_eq!(t("ts", Arch::Amd64), None);
        assert_eq!(t("s", Arch::Amd64), None);
    }

    #[test]
    fn range_and_type_switch_bindings() {
        let src = SRC
            .replace("_, _ = i, ts.Sec", "_, _ = i, ts.Sec // here")
            .replace("} // here\n", "}\n");
        assert_eq!(
            type_at(&src, "ts.Sec", Arch::I386).as_deref(),
            Some("int32")
        );
        assert_eq!(
            type_at(&src, "ts.Sec", Arch::Amd64).as_deref(),
            Some("int64")
        );
        let src = SRC
            .replace("_ = s.Nlink", "_ = s.Nlink // here")
            .replace("} // here\n", "}\n");
        assert_eq!(
            type_at(&src, "s.Nlink", Arch::Arm64).as_deref(),
            Some("uint32")
        );
        assert_eq!(
            type_at(&src, "s.Nlink", Arch::Amd64).as_deref(),
            Some("uint64")
        );
    }
}
