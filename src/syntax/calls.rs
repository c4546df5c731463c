//! Calls into `syscall` and `golang.org/x/sys/unix` (raw `Syscall*`/`RawSyscall*` and
//! wrappers), the selectors naming their members, and [`FileScan`]: the syscall-related
//! nodes of a file gathered in one walk of its tree, shared by the runtime ABI rules.
//!
//! Everything here answers "don't know" (`None`) rather than guess: the rules built on it
//! value precision over recall.

use super::literals::{literal_value, Consts};
use super::{text, FileSyntax};
use crate::abi::values::sys_names;
use crate::abi::Package;
use crate::index::{FileId, Index, Target};
use crate::syntax::tree::FIELD;
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

/// Where a `const` or a selector `q.F` with `q` one of `quals` and `F` a function `judged`
/// (a newline before the `.` too) is: what holds every such call a rule judges and every
/// constant its arguments resolve through (`FileScan::consts`: every scope, a name
/// declared twice unknown, so every declaration with a `const` is held).
pub fn call_site_offsets(
    src: &[u8],
    quals: &[String],
    judged: impl Fn(&str) -> bool,
) -> Vec<usize> {
    let mut at = crate::lexer::code_word_offsets(src, "const");
    if !quals.is_empty() {
        crate::lexer::for_each_selector_any_line(src, |q, f, off| {
            if judged(f) && quals.iter().any(|x| x == q) {
                at.push(off);
            }
        });
    }
    at
}

/// [`call_site_offsets`] of the raw syscalls (`F` in [`RAW_SYSCALL_FUNCS`]): what holds
/// every raw call of [`FileScan::calls`] and the constants its trap and arguments read.
pub fn raw_syscall_offsets(src: &[u8], quals: &[String]) -> Vec<usize> {
    call_site_offsets(src, quals, |f| RAW_SYSCALL_FUNCS.contains(&f))
}

/// Whether `file` builds for one of the scan's targets (`FileSyntax::targets`): the raw
/// syscall rules judge nothing else.
pub fn builds_for_a_target(index: &Index, file: FileId) -> bool {
    !index.files[file].arches.intersect(index.targets).is_empty()
}

/// A raw call `q.Syscall*(…)` of a table import as its tokens show it, before any parse:
/// what the token tests of the rules judging the raw calls of [`FileScan::calls`] read.
pub struct LexedRawCall<'s> {
    pub trap: LexedTrap,
    /// The arguments after the trap.
    pub rest: Vec<LexedArg<'s>>,
}

/// The syscalls a raw call's trap can name ([`trap_name`]), as its tokens tell.
pub enum LexedTrap {
    /// A value `literal_value` may compute: any syscall.
    Value,
    /// One of the `q.SYS_*` selectors of a table import it holds, or none.
    Names(Vec<String>),
}

/// One argument of a raw call, as written.
pub struct LexedArg<'s> {
    pub src: &'s [u8],
    /// It holds a number or a name the file declares `const`: `literal_value`, which reads
    /// nothing else (numbers, conversions and arithmetic, through the file's constants),
    /// may compute it.
    pub may_be_literal: bool,
}

impl LexedArg<'_> {
    /// Whether it may be `&x` or `&x[i]` ([`address_of_var`]).
    pub fn may_take_address(&self) -> bool {
        mentions(self.src, "&")
    }

    /// Whether it may be one of the table constants `names` (`q.N`) or a literal.
    pub fn may_name(&self, names: &[&str]) -> bool {
        let mut hit = self.may_be_literal;
        crate::lexer::for_each_selected(self.src, |n, _| hit = hit || names.contains(&n));
        hit
    }
}

/// The raw calls of [`FileScan::calls`] as the tokens show them, `quals` the names of
/// the file's table imports ([`table_bindings`]).
pub fn lexed_raw_calls<'s>(src: &'s [u8], quals: &[String]) -> Vec<LexedRawCall<'s>> {
    let mut found: Vec<Vec<(usize, usize)>> = Vec::new();
    crate::lexer::for_each_selector_call(src, |q, f, _, args| {
        // A call without a trap is judged by none.
        if RAW_SYSCALL_FUNCS.contains(&f) && quals.iter().any(|x| x == q) && !args.is_empty() {
            found.push(args.to_vec());
        }
    });
    if found.is_empty() {
        return Vec::new();
    }
    let consts: Vec<String> = crate::lexer::const_decls(src)
        .into_iter()
        .map(|d| d.name)
        .collect();
    let arg = |(start, end): (usize, usize)| {
        let src = &src[start..end];
        let mut may_be_literal = crate::lexer::any_number(src);
        crate::lexer::for_each_ident(src, |n, _| {
            may_be_literal = may_be_literal || consts.iter().any(|c| c == n);
        });
        LexedArg {
            src,
            may_be_literal,
        }
    };
    found
        .into_iter()
        .map(|args| {
            let trap = arg(args[0]);
            let trap = if trap.may_be_literal {
                LexedTrap::Value
            } else {
                let mut names = Vec::new();
                crate::lexer::for_each_selector_any_line(trap.src, |q, n, _| {
                    if n.starts_with("SYS_") && quals.iter().any(|x| x == q) {
                        names.push(n.to_string());
                    }
                });
                LexedTrap::Names(names)
            };
            LexedRawCall {
                trap,
                rest: args[1..].iter().map(|&a| arg(a)).collect(),
            }
        })
        .collect()
}

/// Cheap byte test before walking a tree: does the source mention `needle`?
pub fn mentions(src: &[u8], needle: &str) -> bool {
    memchr::memmem::find(src, needle.as_bytes()).is_some()
}

/// The table package an import name leads to: the embedded tables, or a vendored copy of
/// `syscall`/x/sys/unix (same ABI).
pub fn table_package(cx: &FileSyntax<'_>, name: &str) -> Option<Package> {
    target_table(cx.index, cx.imports.get(name)?)
}

fn target_table(index: &Index, target: &Target) -> Option<Package> {
    match target {
        Target::Table(p) => Some(*p),
        Target::Local(id) => {
            let path = index.packages[*id].import_path.as_deref()?;
            Package::ALL.into_iter().find(|p| p.import_path() == path)
        }
    }
}

/// The names `file`'s imports bind to a table package, as [`table_package`] reads them
/// once parsed: what the qualifier of a [`PkgCall`] can be (no `.` import: a call is
/// `q.Func(…)`). A name bound twice is kept if either binding leads to a table.
pub fn table_bindings(index: &Index, file: FileId) -> Vec<String> {
    index
        .import_bindings(file)
        .into_iter()
        .filter(|(_, t)| t.is_some_and(|t| target_table(index, &t).is_some()))
        .map(|(n, _)| n)
        .collect()
}

/// The file's import name of `pkg` (not `_` or `.`), first in name order.
pub fn import_name(cx: &FileSyntax<'_>, pkg: Package) -> Option<String> {
    let mut names: Vec<&String> = cx
        .imports
        .keys()
        .filter(|k| k.as_str() != "_" && k.as_str() != ".")
        .filter(|k| table_package(cx, k) == Some(pkg))
        .collect();
    names.sort();
    names.first().map(|s| s.to_string())
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
    cx: &'a FileSyntax<'t>,
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
    cx: &FileSyntax<'_>,
    node: Node<'_>,
    src: &'s [u8],
) -> Option<(Package, &'s str)> {
    if node.kind() != "selector_expression" {
        return None;
    }
    let op = node.child_by_field_id(FIELD.operand)?;
    let field = node.child_by_field_id(FIELD.field)?;
    if op.kind() != "identifier" {
        return None;
    }
    let pkg = table_package(cx, text(op, src))?;
    Some((pkg, text(field, src)))
}

/// A call into a table package, when `n` is one.
fn pkg_call<'t>(cx: &FileSyntax<'_>, n: Node<'t>) -> Option<PkgCall<'t>> {
    let src = cx.src;
    let f = n.child_by_field_id(FIELD.function)?;
    let (pkg, name) = table_selector(cx, f, src)?;
    let q = f
        .child_by_field_id(FIELD.operand)
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
    pub fn collect(cx: &FileSyntax<'t>) -> FileScan<'t> {
        let src = cx.src;
        let mut calls = Vec::new();
        let mut const_specs = Vec::new();
        let mut cc_indexes = Vec::new();
        let mut table_candidates = Vec::new();
        cx.walk(|v| {
            let n = v.node;
            match v.kind {
                "call_expression" => calls.extend(pkg_call(cx, n)),
                "const_spec" => const_specs.push(n),
                "index_expression" => {
                    let is_cc = n.child_by_field_id(FIELD.operand).is_some_and(|o| {
                        o.kind() == "selector_expression"
                            && o.child_by_field_id(FIELD.field)
                                .is_some_and(|f| text(f, src) == "Cc")
                    });
                    if is_cc {
                        cc_indexes.push(n);
                    }
                }
                "expression_switch_statement" => table_candidates.push(n),
                "composite_literal"
                    if n.child_by_field_id(FIELD.ty)
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
    let Some(list) = call.child_by_field_id(FIELD.arguments) else {
        return vec![];
    };
    let mut c = list.walk();
    let args: Vec<Node<'_>> = list
        .named_children(&mut c)
        .filter(|n| n.kind() != "comment")
        .collect();
    args
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
                let f = node.child_by_field_id(FIELD.function);
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
    if text(node.child_by_field_id(FIELD.operator)?, src) != "&" {
        return None;
    }
    let operand = node.child_by_field_id(FIELD.operand)?;
    match operand.kind() {
        "identifier" => Some((text(operand, src), false)),
        "index_expression" => {
            let o = operand.child_by_field_id(FIELD.operand)?;
            (o.kind() == "identifier").then(|| (text(o, src), true))
        }
        _ => None,
    }
}

/// The trap of a raw syscall as a `SYS_*` name: `unix.SYS_X` directly, or a literal
/// number read as the reference arch's syscall of that number.
pub fn trap_name(
    cx: &FileSyntax<'_>,
    consts: &Consts<'_>,
    trap: Node<'_>,
) -> Option<(String, bool)> {
    let stripped = strip_pointer_conversions(cx.src, trap);
    if let Some((_, name)) = table_selector(cx, stripped, cx.src) {
        return name.starts_with("SYS_").then(|| (name.to_string(), false));
    }
    let lit = literal_value(cx, consts, trap)?;
    let names = sys_names(cx.index.reference, lit.value);
    names.first().map(|n| (n.to_string(), true))
}
