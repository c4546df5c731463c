//! Shared, purely syntactic recognition for the runtime ABI rules: calls into `syscall` and
//! `golang.org/x/sys/unix` (raw `Syscall*`/`RawSyscall*` and wrappers), constant evaluation
//! of literals and of constants defined by literals in the same file, the type a local
//! variable was declared with, Go struct layouts per arch, and per-arch tables written by
//! hand (`switch runtime.GOARCH`, maps keyed by GOARCH names).
//!
//! Everything here answers "don't know" (`None`) rather than guess: the rules built on it
//! value precision over recall.

use super::FileCtx;
pub use crate::abi::table_source;
use crate::abi::{self, Package};
use crate::arch::{Arch, ArchSet};
use crate::index::refs::walk_tree;
use crate::index::{FileId, Index, Target};
use crate::parse::text;
use std::collections::HashMap;
use tree_sitter::Node;

/// Raw syscall entry points of both packages; the trap number is the first argument.
pub const RAW_SYSCALL_FUNCS: &[&str] = &[
    "Syscall",
    "Syscall6",
    "Syscall9",
    "RawSyscall",
    "RawSyscall6",
    "RawSyscall9",
    "RawSyscallNoError",
    "SyscallNoError",
];

/// Whether a file imports `syscall` or `golang.org/x/sys/unix` (the cheap `wants` test),
/// and is not itself part of a copy of those packages: their generated per-arch files are
/// the tables' source, not code to judge.
pub fn imports_syscall_pkg(index: &Index, file: FileId) -> bool {
    let own = index.file_package[file].and_then(|p| index.packages[p].import_path.as_deref());
    if own.is_some_and(|p| Package::ALL.iter().any(|t| t.import_path() == p)) {
        return false;
    }
    let imports = |f: FileId| {
        index.files[f]
            .imports
            .iter()
            .any(|i| i.path == "syscall" || i.path == "golang.org/x/sys/unix")
    };
    // Siblings that import neither are not parsed for these rules (parsing them doubled the
    // parse set of Debian's tree for no finding); their literal constants still reach the
    // package index when another rule parses them.
    imports(file)
}

/// Cheap byte test before walking a tree: does the source mention `needle`?
pub fn mentions(src: &[u8], needle: &str) -> bool {
    memchr::memmem::find(src, needle.as_bytes()).is_some()
}

/// The table package an import name leads to: the embedded tables, or a vendored copy of
/// `syscall`/x/sys/unix (same ABI).
pub fn table_package(cx: &FileCtx<'_>, name: &str) -> Option<Package> {
    match cx.imports.get(name)? {
        Target::Table(p) => Some(*p),
        Target::Local(id) => {
            let path = cx.index.packages[*id].import_path.as_deref()?;
            Package::ALL.into_iter().find(|p| p.import_path() == path)
        }
    }
}

/// Arches the file builds for among the scan's targets.
pub fn file_targets(cx: &FileCtx<'_>) -> ArchSet {
    cx.info().arches.intersect(cx.index.targets)
}

/// A call `pkg.Func(args…)` where `pkg` is `syscall` or x/sys/unix.
pub struct PkgCall<'t> {
    pub node: Node<'t>,
    pub pkg: Package,
    /// The import name used (`unix`, `syscall`, or an alias).
    pub qualifier: String,
    pub func: String,
    pub args: Vec<Node<'t>>,
}

/// A raw `Syscall*`/`RawSyscall*` call whose trap names a syscall.
pub struct RawCall<'a, 't> {
    pub trap: Node<'t>,
    /// `SYS_*` name of the trap.
    pub sys: String,
    /// The arguments after the trap.
    pub rest: &'a [Node<'t>],
}

/// The raw syscalls of a scanned file whose trap resolves to a `SYS_*` name.
pub fn named_raw_syscalls<'a, 't>(
    cx: &'a FileCtx<'t>,
    scan: &'a FileScan<'t>,
) -> impl Iterator<Item = RawCall<'a, 't>> + 'a {
    scan.calls
        .iter()
        .filter(|c| c.is_raw_syscall())
        .filter_map(move |call| {
            let &trap = call.args.first()?;
            let (sys, _) = trap_name(cx, &scan.consts, trap)?;
            Some(RawCall {
                trap,
                sys,
                rest: &call.args[1..],
            })
        })
}

impl PkgCall<'_> {
    pub fn is_raw_syscall(&self) -> bool {
        RAW_SYSCALL_FUNCS.contains(&self.func.as_str())
    }
}

/// `q.Name` of a selector whose operand is an import of a table package.
pub fn table_selector<'s>(
    cx: &FileCtx<'_>,
    node: Node<'_>,
    src: &'s [u8],
) -> Option<(Package, &'s str)> {
    if node.kind() != "selector_expression" {
        return None;
    }
    let op = node.child_by_field_name("operand")?;
    let field = node.child_by_field_name("field")?;
    if op.kind() != "identifier" {
        return None;
    }
    let pkg = table_package(cx, text(op, src))?;
    Some((pkg, text(field, src)))
}

/// A call into a table package, when `n` is one.
fn pkg_call<'t>(cx: &FileCtx<'_>, n: Node<'t>) -> Option<PkgCall<'t>> {
    let src = cx.src;
    let f = n.child_by_field_name("function")?;
    let (pkg, name) = table_selector(cx, f, src)?;
    let q = f
        .child_by_field_name("operand")
        .map(|o| text(o, src).to_string())
        .unwrap_or_default();
    Some(PkgCall {
        node: n,
        pkg,
        qualifier: q,
        func: name.to_string(),
        args: call_args(n),
    })
}

/// What the runtime ABI rules look at in a file, gathered in one walk of its tree.
pub struct FileScan<'t> {
    pub consts: Consts<'t>,
    /// Calls into `syscall`/x/sys/unix, in source order.
    pub calls: Vec<PkgCall<'t>>,
    /// Every `const_spec`, any scope.
    pub const_specs: Vec<Node<'t>>,
    /// Index expressions on a `Cc` field (`t.Cc[6]`).
    pub cc_indexes: Vec<Node<'t>>,
    /// Expression switches and map literals: candidates for hand-written per-arch tables.
    pub table_candidates: Vec<Node<'t>>,
}

impl<'t> FileScan<'t> {
    pub fn collect(cx: &FileCtx<'_>, root: Node<'t>) -> FileScan<'t> {
        let src = cx.src;
        let mut calls = Vec::new();
        let mut const_specs = Vec::new();
        let mut cc_indexes = Vec::new();
        let mut table_candidates = Vec::new();
        walk_tree(root, |v| {
            let n = v.node;
            match n.kind() {
                "call_expression" => calls.extend(pkg_call(cx, n)),
                "const_spec" => const_specs.push(n),
                "index_expression" => {
                    let is_cc = n.child_by_field_name("operand").is_some_and(|o| {
                        o.kind() == "selector_expression"
                            && o.child_by_field_name("field")
                                .is_some_and(|f| text(f, src) == "Cc")
                    });
                    if is_cc {
                        cc_indexes.push(n);
                    }
                }
                "expression_switch_statement" => table_candidates.push(n),
                "composite_literal"
                    if n.child_by_field_name("type")
                        .is_some_and(|t| t.kind() == "map_type") =>
                {
                    table_candidates.push(n)
                }
                _ => {}
            }
            true
        });
        FileScan {
            consts: Consts::from_specs(&const_specs, src),
            calls,
            const_specs,
            cc_indexes,
            table_candidates,
        }
    }
}

/// Arguments of a call expression.
pub fn call_args(call: Node<'_>) -> Vec<Node<'_>> {
    let Some(list) = call.child_by_field_name("arguments") else {
        return vec![];
    };
    let mut c = list.walk();
    let args: Vec<Node<'_>> = list
        .named_children(&mut c)
        .filter(|n| n.kind() != "comment")
        .collect();
    args
}

/// Constants declared in the file (any scope) whose value is an expression: name → value.
/// A name declared twice maps to `None` (scopes are not tracked).
pub struct Consts<'t> {
    map: HashMap<String, Option<Node<'t>>>,
}

impl<'t> Consts<'t> {
    pub fn collect(root: Node<'t>, src: &[u8]) -> Consts<'t> {
        let mut specs = Vec::new();
        walk_tree(root, |v| {
            if v.node.kind() == "const_spec" {
                specs.push(v.node);
                return false;
            }
            true
        });
        Consts::from_specs(&specs, src)
    }

    pub fn from_specs(specs: &[Node<'t>], src: &[u8]) -> Consts<'t> {
        let mut map: HashMap<String, Option<Node<'t>>> = HashMap::new();
        for &spec in specs {
            let mut c = spec.walk();
            let names: Vec<Node<'t>> = spec
                .children_by_field_name("name", &mut c)
                .filter(|n| n.is_named())
                .collect();
            let values: Vec<Node<'t>> = spec
                .child_by_field_name("value")
                .map(|l| {
                    let mut c2 = l.walk();
                    let v: Vec<Node<'t>> = l.named_children(&mut c2).collect();
                    v
                })
                .unwrap_or_default();
            for (i, name) in names.iter().enumerate() {
                let value = if values.len() == names.len() {
                    Some(values[i])
                } else {
                    None
                };
                map.entry(text(*name, src).to_string())
                    .and_modify(|e| *e = None)
                    .or_insert(value);
            }
        }
        Consts { map }
    }

    pub fn get(&self, name: &str) -> Option<Node<'t>> {
        self.map.get(name).copied().flatten()
    }
}

/// Parse a Go integer literal (`42`, `0x2a`, `0o52`, `052`, `0b101010`, `1_000`).
pub fn parse_int(lit: &str) -> Option<i128> {
    let s: String = lit.chars().filter(|&c| c != '_').collect();
    let lower = s.to_ascii_lowercase();
    let (digits, radix) = if let Some(h) = lower.strip_prefix("0x") {
        (h.to_string(), 16)
    } else if let Some(o) = lower.strip_prefix("0o") {
        (o.to_string(), 8)
    } else if let Some(b) = lower.strip_prefix("0b") {
        (b.to_string(), 2)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (lower[1..].to_string(), 8)
    } else {
        (lower, 10)
    };
    if digits.is_empty() {
        return None;
    }
    i128::from_str_radix(&digits, radix).ok()
}

const CONVERSIONS: &[&str] = &[
    "uintptr", "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32",
    "uint64", "byte",
];

/// A value written as literals: the number and the constants it went through.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Literal {
    pub value: i128,
    /// Local constants the value came from (`sysGetpid`), outermost first.
    pub via: Vec<String>,
}

/// Evaluate an expression made only of integer literals, local constants defined by
/// literals, conversions (`uintptr(…)`, `syscall.Signal(…)`) and arithmetic. Anything
/// else (a table constant, a variable, a call) gives `None`.
pub fn literal_value(cx: &FileCtx<'_>, consts: &Consts<'_>, node: Node<'_>) -> Option<Literal> {
    eval(cx, consts, node, 0)
}

fn eval(cx: &FileCtx<'_>, consts: &Consts<'_>, node: Node<'_>, depth: u32) -> Option<Literal> {
    if depth > 24 {
        return None;
    }
    let src = cx.src;
    let lit = |value| Some(Literal { value, via: vec![] });
    match node.kind() {
        "int_literal" => lit(parse_int(text(node, src))?),
        "parenthesized_expression" => eval(cx, consts, node.named_child(0)?, depth + 1),
        "unary_expression" => {
            let op = text(node.child_by_field_name("operator")?, src);
            let mut v = eval(cx, consts, node.child_by_field_name("operand")?, depth + 1)?;
            v.value = match op {
                "-" => v.value.checked_neg()?,
                "+" => v.value,
                "^" => !v.value,
                _ => return None,
            };
            Some(v)
        }
        "binary_expression" => {
            let op = text(node.child_by_field_name("operator")?, src);
            let a = eval(cx, consts, node.child_by_field_name("left")?, depth + 1)?;
            let b = eval(cx, consts, node.child_by_field_name("right")?, depth + 1)?;
            let value = match op {
                "|" => a.value | b.value,
                "&" => a.value & b.value,
                "^" => a.value ^ b.value,
                "&^" => a.value & !b.value,
                "+" => a.value.checked_add(b.value)?,
                "-" => a.value.checked_sub(b.value)?,
                "*" => a.value.checked_mul(b.value)?,
                "<<" if (0..100).contains(&b.value) => a.value.checked_shl(b.value as u32)?,
                ">>" if (0..128).contains(&b.value) => a.value >> b.value,
                _ => return None,
            };
            let mut via = a.via;
            via.extend(b.via);
            Some(Literal { value, via })
        }
        "call_expression" => {
            let f = node.child_by_field_name("function")?;
            let args = call_args(node);
            if args.len() != 1 {
                return None;
            }
            let is_conv = match f.kind() {
                "identifier" => CONVERSIONS.contains(&text(f, src)),
                "selector_expression" => {
                    table_selector(cx, f, src).is_some_and(|(_, n)| matches!(n, "Signal" | "Errno"))
                }
                _ => false,
            };
            if is_conv {
                eval(cx, consts, args[0], depth + 1)
            } else {
                None
            }
        }
        "identifier" => {
            let name = text(node, src);
            let value = consts.get(name)?;
            let mut v = eval(cx, consts, value, depth + 1)?;
            v.via.insert(0, name.to_string());
            Some(v)
        }
        _ => None,
    }
}

/// The literal operands of a `|`/`+` combination (`unix.SOCK_CLOEXEC | 1` → `1`), or the
/// whole expression when it is a literal. Conversions are looked through.
pub fn literal_parts<'t>(
    cx: &FileCtx<'_>,
    consts: &Consts<'_>,
    node: Node<'t>,
) -> Vec<(Node<'t>, Literal)> {
    let mut out = Vec::new();
    parts(cx, consts, node, &mut out, 0);
    out
}

fn parts<'t>(
    cx: &FileCtx<'_>,
    consts: &Consts<'_>,
    node: Node<'t>,
    out: &mut Vec<(Node<'t>, Literal)>,
    depth: u32,
) {
    if depth > 24 {
        return;
    }
    if let Some(v) = literal_value(cx, consts, node) {
        out.push((node, v));
        return;
    }
    match node.kind() {
        "binary_expression" => {
            let op = node
                .child_by_field_name("operator")
                .map(|o| text(o, cx.src))
                .unwrap_or("");
            if matches!(op, "|" | "+") {
                for f in ["left", "right"] {
                    if let Some(c) = node.child_by_field_name(f) {
                        parts(cx, consts, c, out, depth + 1);
                    }
                }
            }
        }
        "parenthesized_expression" => {
            if let Some(c) = node.named_child(0) {
                parts(cx, consts, c, out, depth + 1);
            }
        }
        "call_expression" => {
            let args = call_args(node);
            let conv = node.child_by_field_name("function").is_some_and(|f| {
                f.kind() == "identifier" && CONVERSIONS.contains(&text(f, cx.src))
            });
            if conv && args.len() == 1 {
                parts(cx, consts, args[0], out, depth + 1);
            }
        }
        _ => {}
    }
}

/// Strip `uintptr(…)`, `unsafe.Pointer(…)` and parentheses around an argument.
pub fn strip_pointer_conversions<'t>(src: &[u8], mut node: Node<'t>) -> Node<'t> {
    for _ in 0..8 {
        match node.kind() {
            "parenthesized_expression" => match node.named_child(0) {
                Some(c) => node = c,
                None => break,
            },
            "call_expression" => {
                let f = node.child_by_field_name("function");
                let args = call_args(node);
                let is_conv = f.is_some_and(|f| {
                    let t = text(f, src);
                    t == "uintptr" || t == "unsafe.Pointer"
                });
                if is_conv && args.len() == 1 {
                    node = args[0];
                } else {
                    break;
                }
            }
            _ => break,
        }
    }
    node
}

/// `&x`, `&x[0]`, `&xs[i]` → (`x`, indexed), after pointer conversions are stripped.
pub fn address_of_var<'s>(src: &'s [u8], node: Node<'_>) -> Option<(&'s str, bool)> {
    let node = strip_pointer_conversions(src, node);
    if node.kind() != "unary_expression" {
        return None;
    }
    if text(node.child_by_field_name("operator")?, src) != "&" {
        return None;
    }
    let operand = node.child_by_field_name("operand")?;
    match operand.kind() {
        "identifier" => Some((text(operand, src), false)),
        "index_expression" => {
            let o = operand.child_by_field_name("operand")?;
            (o.kind() == "identifier").then(|| (text(o, src), true))
        }
        _ => None,
    }
}

/// A type as written: a local name (`event`) or a package-qualified one (`unix.Stat_t`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeName {
    Local(String),
    Qualified(String, String),
}

/// The element type a variable holds (`T` for `T`, `*T`, `[N]T`, `[]T`), from its
/// declaration in the enclosing function: `var x T`, `x := T{…}`, `x := &T{…}`,
/// `x := make([]T, n)`, `var x = [N]T{}`, or a parameter. `None` when unknown or declared
/// more than once with different types.
pub fn var_type(src: &[u8], at: Node<'_>, name: &str) -> Option<TypeName> {
    let func = enclosing_function(at)?;
    let mut found: Option<TypeName> = None;
    let mut conflict = false;
    let mut note = |t: Option<TypeName>| match (&found, t) {
        (_, None) => {}
        (None, Some(t)) => found = Some(t),
        (Some(f), Some(t)) if *f != t => conflict = true,
        _ => {}
    };
    walk_tree(func, |v| {
        let n = v.node;
        match n.kind() {
            "var_spec" | "parameter_declaration" => {
                let mut c = n.walk();
                let names: Vec<Node<'_>> = n
                    .children_by_field_name("name", &mut c)
                    .filter(|n| n.is_named())
                    .collect();
                if names.iter().any(|x| text(*x, src) == name) {
                    if let Some(t) = n.child_by_field_name("type") {
                        note(type_name(src, t));
                    } else if let Some(vals) = n.child_by_field_name("value") {
                        if names.len() == 1 {
                            if let Some(val) = vals.named_child(0) {
                                note(value_type(src, val));
                            }
                        }
                    }
                }
                true
            }
            "short_var_declaration" => {
                let (Some(l), Some(r)) = (
                    n.child_by_field_name("left"),
                    n.child_by_field_name("right"),
                ) else {
                    return true;
                };
                let mut c = l.walk();
                let lefts: Vec<Node<'_>> = l.named_children(&mut c).collect();
                let mut c2 = r.walk();
                let rights: Vec<Node<'_>> = r.named_children(&mut c2).collect();
                if let Some(i) = lefts.iter().position(|x| text(*x, src) == name) {
                    if lefts.len() == rights.len() {
                        note(value_type(src, rights[i]));
                    } else if i == 0 && rights.len() == 1 && rights[0].kind() == "call_expression" {
                        // `t, err := f(…)`: the first result.
                        note(value_type(src, rights[0]));
                    }
                }
                true
            }
            _ => true,
        }
    });
    if conflict {
        None
    } else {
        found
    }
}

fn enclosing_function(mut n: Node<'_>) -> Option<Node<'_>> {
    loop {
        if matches!(
            n.kind(),
            "function_declaration" | "method_declaration" | "func_literal"
        ) {
            // Closures see their parent's variables too: go up to the top-level function.
            let mut top = n;
            let mut p = n.parent();
            while let Some(x) = p {
                if matches!(x.kind(), "function_declaration" | "method_declaration") {
                    top = x;
                }
                p = x.parent();
            }
            return Some(top);
        }
        n = n.parent()?;
    }
}

/// The element type named by a type node: `T`, `*T`, `[N]T`, `[]T`, `pkg.T`.
pub fn type_name(src: &[u8], t: Node<'_>) -> Option<TypeName> {
    match t.kind() {
        "type_identifier" => Some(TypeName::Local(text(t, src).to_string())),
        "qualified_type" => Some(TypeName::Qualified(
            text(t.child_by_field_name("package")?, src).to_string(),
            text(t.child_by_field_name("name")?, src).to_string(),
        )),
        "pointer_type" | "parenthesized_type" => type_name(src, t.named_child(0)?),
        "array_type" | "slice_type" | "implicit_length_array_type" => {
            type_name(src, t.child_by_field_name("element")?)
        }
        _ => None,
    }
}

fn value_type(src: &[u8], v: Node<'_>) -> Option<TypeName> {
    match v.kind() {
        "composite_literal" => type_name(src, v.child_by_field_name("type")?),
        "unary_expression" => value_type(src, v.child_by_field_name("operand")?),
        "call_expression" => {
            let f = v.child_by_field_name("function")?;
            let args = call_args(v);
            match text(f, src) {
                "make" | "new" => type_name(src, *args.first()?),
                // `t, err := unix.IoctlGetTermios(fd, req)`
                _ if f.kind() == "selector_expression" => {
                    let op = f.child_by_field_name("operand")?;
                    let name = text(f.child_by_field_name("field")?, src);
                    (name == "IoctlGetTermios")
                        .then(|| TypeName::Qualified(text(op, src).to_string(), "Termios".into()))
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// A Go struct layout for one arch, computed with the gc compiler's size rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    pub size: u64,
    pub align: u64,
    /// (name, offset, size) of each field, blank fields included.
    pub fields: Vec<(String, u64, u64)>,
}

/// The layout of a struct type declared in the file, for `arch`. `None` when a field's
/// type is not something whose size is known here.
pub fn local_struct_layout(
    cx: &FileCtx<'_>,
    root: Node<'_>,
    name: &str,
    arch: Arch,
) -> Option<Layout> {
    let spec = find_type_spec(cx.src, root, name)?;
    let ty = spec.child_by_field_name("type")?;
    if ty.kind() != "struct_type" {
        return None;
    }
    struct_layout(cx, root, ty, arch, 0)
}

/// The `type_spec` declaring `name` (any scope); `None` if absent or declared twice.
pub fn find_type_spec<'t>(src: &[u8], root: Node<'t>, name: &str) -> Option<Node<'t>> {
    let mut found = None;
    let mut count = 0;
    walk_tree(root, |v| {
        if v.node.kind() == "type_spec"
            && v.node
                .child_by_field_name("name")
                .is_some_and(|n| text(n, src) == name)
        {
            count += 1;
            found = Some(v.node);
        }
        true
    });
    if count == 1 {
        found
    } else {
        None
    }
}

fn struct_layout(
    cx: &FileCtx<'_>,
    root: Node<'_>,
    st: Node<'_>,
    arch: Arch,
    depth: u32,
) -> Option<Layout> {
    if depth > 8 {
        return None;
    }
    let list = st.named_child(0)?;
    let mut off = 0u64;
    let mut align = 1u64;
    let mut fields = Vec::new();
    let mut c = list.walk();
    for fd in list.named_children(&mut c) {
        if fd.kind() != "field_declaration" {
            continue;
        }
        let ty = fd.child_by_field_name("type")?;
        let (size, a) = type_size(cx, root, ty, arch, depth + 1)?;
        let mut c2 = fd.walk();
        let names: Vec<String> = fd
            .children_by_field_name("name", &mut c2)
            .filter(|n| n.is_named())
            .map(|n| text(n, cx.src).to_string())
            .collect();
        if names.is_empty() {
            return None; // embedded field
        }
        for n in names {
            off = off.div_ceil(a) * a;
            fields.push((n, off, size));
            off += size;
            align = align.max(a);
        }
    }
    Some(Layout {
        size: off.div_ceil(align) * align,
        align,
        fields,
    })
}

/// (size, align) of a Go type for `arch`, gc rules (int64 aligned to 4 on 32-bit arches).
fn type_size(
    cx: &FileCtx<'_>,
    root: Node<'_>,
    ty: Node<'_>,
    arch: Arch,
    depth: u32,
) -> Option<(u64, u64)> {
    let src = cx.src;
    let ptr = arch.ptr_size();
    let word8 = if ptr == 4 { 4 } else { 8 };
    match ty.kind() {
        "type_identifier" => {
            let n = text(ty, src);
            let basic = match n {
                "int8" | "uint8" | "byte" | "bool" => Some((1, 1)),
                "int16" | "uint16" => Some((2, 2)),
                "int32" | "uint32" | "rune" | "float32" => Some((4, 4)),
                "int64" | "uint64" | "float64" => Some((8, word8)),
                "int" | "uint" | "uintptr" => Some((ptr, ptr)),
                _ => None,
            };
            if basic.is_some() {
                return basic;
            }
            let spec = find_type_spec(src, root, n)?;
            let inner = spec.child_by_field_name("type")?;
            match inner.kind() {
                "struct_type" => {
                    let l = struct_layout(cx, root, inner, arch, depth + 1)?;
                    Some((l.size, l.align))
                }
                _ if depth < 8 => type_size(cx, root, inner, arch, depth + 1),
                _ => None,
            }
        }
        "pointer_type" => Some((ptr, ptr)),
        "array_type" => {
            let consts = Consts::collect(root, src);
            let n = literal_value(cx, &consts, ty.child_by_field_name("length")?)?.value;
            let (s, a) = type_size(
                cx,
                root,
                ty.child_by_field_name("element")?,
                arch,
                depth + 1,
            )?;
            let n = u64::try_from(n).ok()?;
            Some((s.checked_mul(n)?, a))
        }
        "qualified_type" => {
            let q = text(ty.child_by_field_name("package")?, src);
            let name = text(ty.child_by_field_name("name")?, src);
            let pkg = table_package(cx, q)?;
            let st = abi::table(arch, pkg).strukt(name)?;
            Some((st.size, st.align))
        }
        _ => None,
    }
}

/// Name of a `runtime.GOARCH` selector's import (`runtime`), when the file imports it.
fn is_goarch(cx: &FileCtx<'_>, node: Node<'_>) -> bool {
    if node.kind() != "selector_expression" {
        return false;
    }
    let (Some(op), Some(f)) = (
        node.child_by_field_name("operand"),
        node.child_by_field_name("field"),
    ) else {
        return false;
    };
    text(f, cx.src) == "GOARCH"
        && cx.info().imports.iter().any(|i| {
            i.path == "runtime" && i.name.as_deref().unwrap_or("runtime") == text(op, cx.src)
        })
}

/// One entry of a hand-written per-arch table.
pub struct ArchEntry<'t> {
    pub arch: Arch,
    /// The string key or case label naming the arch.
    pub key: Node<'t>,
    pub value: Node<'t>,
}

/// A `switch runtime.GOARCH { case "amd64": … }` or a map literal keyed by GOARCH names,
/// with one value per arch.
pub struct ArchTableLit<'t> {
    pub node: Node<'t>,
    pub entries: Vec<ArchEntry<'t>>,
    /// Whether a `default:` case covers the arches not listed.
    pub has_default: bool,
}

/// Per-arch tables written by hand in the file. A switch counts when each case body is a
/// single `return v` or `x = v` with one value; a map literal when every key is a GOARCH
/// string.
pub fn arch_tables<'t>(cx: &FileCtx<'_>, candidates: &[Node<'t>]) -> Vec<ArchTableLit<'t>> {
    let src = cx.src;
    let mut out = Vec::new();
    for &n in candidates {
        match n.kind() {
            "expression_switch_statement"
                if n.child_by_field_name("value")
                    .is_some_and(|x| is_goarch(cx, x)) =>
            {
                out.extend(switch_table(src, n))
            }
            "composite_literal" => out.extend(map_table(src, n)),
            _ => {}
        }
    }
    out
}

fn arch_of_string(src: &[u8], n: Node<'_>) -> Option<Arch> {
    if n.kind() != "interpreted_string_literal" && n.kind() != "raw_string_literal" {
        return None;
    }
    let t = text(n, src);
    Arch::from_name(t.get(1..t.len().checked_sub(1)?)?)
}

fn switch_table<'t>(src: &[u8], sw: Node<'t>) -> Option<ArchTableLit<'t>> {
    let mut entries = Vec::new();
    let mut has_default = false;
    let mut c = sw.walk();
    for case in sw.named_children(&mut c) {
        match case.kind() {
            "default_case" => has_default = true,
            "expression_case" => {
                let labels = case.child_by_field_name("value")?;
                let mut c2 = labels.walk();
                let keys: Vec<Node<'t>> = labels.named_children(&mut c2).collect();
                let value = single_value(case)?;
                for k in keys {
                    entries.push(ArchEntry {
                        arch: arch_of_string(src, k)?,
                        key: k,
                        value,
                    });
                }
            }
            _ => {}
        }
    }
    (!entries.is_empty()).then_some(ArchTableLit {
        node: sw,
        entries,
        has_default,
    })
}

/// The one value a case body returns or assigns.
fn single_value(case: Node<'_>) -> Option<Node<'_>> {
    let mut c = case.walk();
    let stmts: Vec<Node<'_>> = case
        .named_children(&mut c)
        .filter(|n| n.kind() == "statement_list")
        .collect();
    let list = stmts.first()?;
    let mut c2 = list.walk();
    let body: Vec<Node<'_>> = list
        .named_children(&mut c2)
        .filter(|n| n.kind() != "comment")
        .collect();
    if body.len() != 1 {
        return None;
    }
    let s = body[0];
    let exprs = match s.kind() {
        "return_statement" => s.named_child(0)?,
        "assignment_statement" => s.child_by_field_name("right")?,
        _ => return None,
    };
    if exprs.named_child_count() != 1 {
        return None;
    }
    exprs.named_child(0)
}

fn map_table<'t>(src: &[u8], lit: Node<'t>) -> Option<ArchTableLit<'t>> {
    let body = lit.child_by_field_name("body")?;
    let mut entries = Vec::new();
    let mut c = body.walk();
    for el in body.named_children(&mut c) {
        if el.kind() == "comment" {
            continue;
        }
        if el.kind() != "keyed_element" {
            return None;
        }
        let key = el.child_by_field_name("key")?.named_child(0)?;
        let value = el.child_by_field_name("value")?.named_child(0)?;
        entries.push(ArchEntry {
            arch: arch_of_string(src, key)?,
            key,
            value,
        });
    }
    (!entries.is_empty()).then_some(ArchTableLit {
        node: lit,
        entries,
        has_default: false,
    })
}

/// A constant's value on `arch`: x/sys/unix, else `syscall`, else the kernel's UAPI macros.
pub fn const_value(arch: Arch, name: &str) -> Option<i128> {
    abi::table(arch, Package::Unix)
        .constant(name)
        .or_else(|| abi::table(arch, Package::Syscall).constant(name))
        .or_else(|| abi::kernel(arch).and_then(|k| k.constant(name)))
        .and_then(|c| c.value.as_int())
}

/// A syscall number on `arch` (`SYS_GETPID`), from x/sys/unix, else `syscall`.
pub fn sys_number(arch: Arch, name: &str) -> Option<i128> {
    abi::table(arch, Package::Unix)
        .syscalls
        .find(name)
        .or_else(|| abi::table(arch, Package::Syscall).syscalls.find(name))
        .and_then(|c| c.value.as_int())
}

/// Names of the syscalls numbered `n` on `arch`, sorted (aliases such as `SYS_FSTATAT`
/// and `SYS_NEWFSTATAT` both appear).
pub fn sys_names(arch: Arch, n: i128) -> Vec<&'static str> {
    let mut v: Vec<&'static str> = Package::ALL
        .into_iter()
        .flat_map(|p| abi::table(arch, p).syscalls.iter())
        .filter(|c| c.value.as_int() == Some(n))
        .map(|c| c.name)
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// The trap of a raw syscall as a `SYS_*` name: `unix.SYS_X` directly, or a literal
/// number read as the reference arch's syscall of that number.
pub fn trap_name(cx: &FileCtx<'_>, consts: &Consts<'_>, trap: Node<'_>) -> Option<(String, bool)> {
    let stripped = strip_pointer_conversions(cx.src, trap);
    if let Some((_, name)) = table_selector(cx, stripped, cx.src) {
        return name.starts_with("SYS_").then(|| (name.to_string(), false));
    }
    let lit = literal_value(cx, consts, trap)?;
    let names = sys_names(cx.index.reference, lit.value);
    names.first().map(|n| (n.to_string(), true))
}

/// The source of the kernel tables, for facts.
pub fn kernel_source() -> &'static str {
    "kernel UAPI headers of Linux 6.1 via the cross compilers (abiport's kernel tables)"
}

/// Format a set of per-arch values compactly: "5038 on mips64, mips64le; 172 on arm64".
pub fn per_arch_values(values: &[(Arch, String)]) -> String {
    let mut groups: Vec<(String, ArchSet)> = Vec::new();
    for (a, v) in values {
        match groups.iter_mut().find(|(x, _)| x == v) {
            Some((_, s)) => s.insert(*a),
            None => groups.push((v.clone(), ArchSet::single(*a))),
        }
    }
    groups
        .iter()
        .map(|(v, s)| format!("{v} on {s}"))
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::parse_int;

    #[test]
    fn go_integer_literals() {
        assert_eq!(parse_int("42"), Some(42));
        assert_eq!(parse_int("0x5413"), Some(0x5413));
        assert_eq!(parse_int("0X_54_13"), Some(0x5413));
        assert_eq!(parse_int("0o755"), Some(0o755));
        assert_eq!(parse_int("0755"), Some(0o755));
        assert_eq!(parse_int("0b101"), Some(5));
        assert_eq!(parse_int("1_000"), Some(1000));
        assert_eq!(parse_int("0"), Some(0));
        assert_eq!(parse_int("0x"), None);
        assert_eq!(parse_int("09"), None);
    }
}
