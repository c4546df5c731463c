//! The type of an expression on this arch: literals and untyped constants (with their
//! default types), identifiers, operators, selectors on packages and structs, indexing and
//! slicing, conversions, type assertions, composite literals, calls (builtins, functions
//! and methods of the tables, of the tree and of a few standard-library packages) and the
//! signatures behind them.

use super::named::qualify_in;
use super::{
    abi, ty, FileId, Home, Index, Infer, ItemKind, LocalDecl, PkgId, Sig, SigDecl, Target, Ty,
    TypedItem, MAX_DEPTH,
};
use crate::syntax::tree::FIELD;
use tree_sitter::Node;

impl<'c, 'a> Infer<'c, 'a> {
    /// The type of an expression on this arch, `None` when unknown.
    pub fn type_of(&self, e: Node<'a>) -> Option<Ty> {
        if let Some(t) = self.shared.types.borrow().get(&e.id()) {
            return t.clone();
        }
        if let Some(t) = self.memo.borrow().get(&e.id()) {
            // Only arch-dependent results are in the arch's own memo.
            self.taint_if(true);
            return t.clone();
        }
        if self.depth.get() > MAX_DEPTH {
            self.cx.note_too_deep(e, "expression", MAX_DEPTH);
            // Cut short here, not necessarily on another arch: keep what uses it per arch.
            self.taint_if(true);
            return None;
        }
        self.depth.set(self.depth.get() + 1);
        let (t, varies) = self.tracked(|| self.compute(e));
        self.depth.set(self.depth.get() - 1);
        let memo = if varies {
            &self.memo
        } else {
            &self.shared.types
        };
        memo.borrow_mut().insert(e.id(), t.clone());
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
                let op = e.child_by_field_id(FIELD.operand)?;
                let field = self.text(e.child_by_field_id(FIELD.field)?);
                if let Some(home) = self.import_of(op) {
                    return self.member_type(&home, field);
                }
                let t = self.type_of(op)?;
                self.field_type(&t, field)
            }
            "call_expression" => self.call_type(e),
            "type_conversion_expression" => self.type_expr(e.child_by_field_id(FIELD.ty)?),
            "type_assertion_expression" => self.type_expr(e.child_by_field_id(FIELD.ty)?),
            "composite_literal" => self.type_expr(e.child_by_field_id(FIELD.ty)?),
            "unary_expression" => {
                let op = self.text(e.child_by_field_id(FIELD.operator)?);
                let inner = e.child_by_field_id(FIELD.operand)?;
                match op {
                    "&" => {
                        // `&&&…x` parses: keep types shallow (see `ty::MAX_TYPE_NESTING`).
                        let t = self.type_of(inner)?;
                        (t.pointer_depth() < ty::MAX_TYPE_NESTING).then(|| Ty::Pointer(Box::new(t)))
                    }
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
                let op = self.text(e.child_by_field_id(FIELD.operator)?);
                let l = e.child_by_field_id(FIELD.left)?;
                let r = e.child_by_field_id(FIELD.right)?;
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
                let op = e.child_by_field_id(FIELD.operand)?;
                match self.underlying(self.type_of(op)?.pointee())? {
                    Ty::Slice(t) | Ty::Array(_, t) => Some(*t),
                    Ty::Map(_, v) => Some(*v),
                    Ty::Basic("string") => Some(Ty::Basic("uint8")),
                    _ => None,
                }
            }
            "slice_expression" => {
                let op = e.child_by_field_id(FIELD.operand)?;
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
                // The constant's or else the variable's declared type.
                let ty = self.table_fact(*pkg, |t| table_member(t, name));
                match ty? {
                    (true, "") => Some(Ty::Untyped),
                    (_, ty) => self.parse_table(*pkg, ty),
                }
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
            "unary_expression" => self.const_rank(e.child_by_field_id(FIELD.operand)?, depth + 1),
            "binary_expression" => {
                let op = self.text(e.child_by_field_id(FIELD.operator)?);
                if matches!(op, "==" | "!=" | "<" | "<=" | ">" | ">=" | "&&" | "||") {
                    return Some(5);
                }
                let l = self.const_rank(e.child_by_field_id(FIELD.left)?, depth + 1)?;
                if matches!(op, "<<" | ">>") {
                    return Some(l);
                }
                let r = self.const_rank(e.child_by_field_id(FIELD.right)?, depth + 1)?;
                Some(l.max(r))
            }
            "selector_expression" => {
                let op = e.child_by_field_id(FIELD.operand)?;
                let Home::Table(pkg) = self.import_of(op)? else {
                    return None;
                };
                let name = self.text(e.child_by_field_id(FIELD.field)?);
                self.table_fact(pkg, |t| {
                    match t.constant(name).or_else(|| t.syscalls.find(name))?.value {
                        abi::ConstValue::Int(_) => Some(0),
                        abi::ConstValue::Str(_) => Some(4),
                        abi::ConstValue::Bool(_) => Some(5),
                    }
                })
            }
            "identifier" => {
                let b = self.resolve(e)?;
                let LocalDecl::Spec { spec, index } = b.how else {
                    return None;
                };
                if spec.kind() != "const_spec" {
                    return None;
                }
                let vals = spec.child_by_field_id(FIELD.value)?;
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
        self.conversion_type_in(f, 0)
    }

    fn conversion_type_in(&self, f: Node<'a>, depth: u32) -> Option<Option<Ty>> {
        if depth > MAX_DEPTH {
            self.cx.note_too_deep(f, "expression", MAX_DEPTH);
            return None;
        }
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
                        f.child_by_field_id(FIELD.operand)?,
                        f.child_by_field_id(FIELD.field)?,
                    )
                } else {
                    (
                        f.child_by_field_id(FIELD.package)?,
                        f.child_by_field_id(FIELD.name)?,
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
                    Home::Table(pkg) => self.table_fact(*pkg, |t| {
                        t.strukt(name).is_some() || t.named(name).is_some()
                    }),
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
                        .child_by_field_id(FIELD.operator)
                        .is_some_and(|o| self.text(o) == "*")
                {
                    let t = self
                        .conversion_type_in(inner.child_by_field_id(FIELD.operand)?, depth + 1)?;
                    return Some(t.map(|t| Ty::Pointer(Box::new(t))));
                }
                self.conversion_type_in(inner, depth + 1)
            }
            "slice_type" | "array_type" | "map_type" | "pointer_type" | "channel_type"
            | "parenthesized_type" | "interface_type" => Some(self.type_expr(f)),
            "function_type" | "struct_type" | "generic_type" => Some(None),
            _ => None,
        }
    }

    fn call_type(&self, e: Node<'a>) -> Option<Ty> {
        let f = e.child_by_field_id(FIELD.function)?;
        if let Some(t) = self.conversion_type(f) {
            return t;
        }
        let args = e.child_by_field_id(FIELD.arguments)?;
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
        let mut f = f;
        // `((((f))))(x)`: parentheses without recursion.
        while f.kind() == "parenthesized_expression" {
            f = f.named_child(0)?;
        }
        match f.kind() {
            "identifier" => {
                if self.resolve(f).is_some() {
                    return None;
                }
                self.func_in(&Home::Local(self.pkg?), self.text(f))
            }
            "func_literal" => Some(self.literal_sig(f)),
            "selector_expression" => {
                let op = f.child_by_field_id(FIELD.operand)?;
                let name = self.text(f.child_by_field_id(FIELD.field)?);
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
        let s = crate::index::decls::signature(f, self.src());
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
            Home::Table(pkg) => self
                .table_fact(*pkg, |t| t.func(name))
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
}

pub(super) fn is_builtin_func(name: &str) -> bool {
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

/// A member `name` of a table package as a value: (whether a constant, its declared type,
/// "" for an untyped constant), `None` when the table has no such constant or variable.
fn table_member(t: &'static abi::ArchTable, name: &str) -> Option<(bool, &'static str)> {
    match t.constant(name).or_else(|| t.syscalls.find(name)) {
        Some(c) => Some((true, c.ty)),
        None => t.var(name).map(|v| (false, v.ty)),
    }
}

/// The home `q.` selects in `file` when `q` is no local name (`Infer::import_of`): the
/// file's import of that name, `None` when it has none (or two).
fn import_named(index: &Index, file: FileId, q: &str) -> Option<Home> {
    let mut bound = index
        .import_bindings(file)
        .into_iter()
        .filter(|(n, _)| n == q);
    let (_, target) = bound.next()?;
    if bound.next().is_some() {
        return None;
    }
    match target {
        Some(Target::Local(p)) => Some(Home::Local(p)),
        Some(Target::Table(pkg)) => Some(Home::Table(pkg)),
        None => qualify_in(index, file, q),
    }
}

/// The home of a type `q.T` spelled in `file` ([`Infer::type_expr`], which reads no local
/// names): `Some(None)` when no import of the file is named `q` (the type is unknown),
/// `None` when two are.
pub(crate) fn type_qualifier(index: &Index, file: FileId, q: &str) -> Option<Option<Home>> {
    let bound: Vec<Option<Target>> = index
        .import_bindings(file)
        .into_iter()
        .filter(|(n, _)| n == q)
        .map(|(_, t)| t)
        .collect();
    match bound.as_slice() {
        [] => Some(None),
        [Some(Target::Local(p))] => Some(Some(Home::Local(*p))),
        [Some(Target::Table(pkg))] => Some(Some(Home::Table(*pkg))),
        [None] => Some(qualify_in(index, file, q)),
        _ => None,
    }
}

/// Whether `q.name`, where `q` is no local name of `file`, may have a type other than an
/// untyped constant's on `arch` as [`Infer::type_of`] gives it: not when it is a constant
/// the tables declare untyped, a name the table lacks, a constant every declaration of a
/// package of the tree leaves untyped ([`crate::index::LocalWidth::untyped_consts`]), or a
/// member of a package outside the tree and the tables (unknown).
pub(crate) fn member_may_be_typed(
    index: &Index,
    file: FileId,
    arch: crate::arch::Arch,
    q: &str,
    name: &str,
) -> bool {
    match import_named(index, file, q) {
        Some(Home::Foreign(_)) => false,
        Some(Home::Table(pkg)) => !matches!(
            table_member(abi::table(arch, pkg), name),
            None | Some((true, ""))
        ),
        // Read off the package's declarations (`Infer::item`), lexed for the prefilters.
        Some(Home::Local(p)) => !index
            .local_width
            .as_ref()
            .is_some_and(|l| l.untyped_consts.get(p).is_some_and(|c| c.contains(name))),
        None => true,
    }
}

/// Whether argument `arg` of a call `q.func(…)`, where `q` is no local name of `file`,
/// may be demanded a type other than an interface ([`Infer::demanded`]): not when `q` is
/// an import of a package outside the tree and the tables whose function is unknown
/// ([`std_sig`]) or takes any value there.
pub(crate) fn argument_may_be_typed(
    index: &Index,
    file: FileId,
    q: &str,
    func: &str,
    arg: usize,
    spread: bool,
) -> bool {
    let Some(Home::Foreign(path)) = import_named(index, file, q) else {
        return true;
    };
    let Some((params, variadic, _)) = std_sig(&path, func) else {
        return false;
    };
    let n = params.len();
    let param = if variadic && arg + 1 >= n && n > 0 {
        if spread {
            return true;
        }
        params[n - 1]
    } else {
        match params.get(arg) {
            Some(p) => p,
            None => return false,
        }
    };
    !matches!(ty::basic(param), None | Some(Ty::Interface))
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
