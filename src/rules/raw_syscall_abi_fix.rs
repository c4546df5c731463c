//! Fixes for `raw-syscall-abi`: raw `SYS_PIPE` becomes `SYS_PIPE2` with flags 0, a raw
//! `SYS_FSTAT` into a Go `Stat_t` becomes the package's `Fstat`; every other case gets the
//! reason there is no fix. An `unsafe` import the fixes leave unused is removed.

use super::META;
use crate::abi::{self, Package};
use crate::arch::{Arch, ArchSet};
use crate::edit::FixCtx;
use crate::finding::{Applicability, Edit, Finding, Fix, Payload};
use crate::index::refs::walk_tree;
use crate::rules::{fix_per_file, FileCtx};
use crate::syntax::calls::{
    named_raw_syscalls, strip_pointer_conversions, table_selector, RawCall,
};
use crate::syntax::literals::{literal_value, Consts};
use crate::syntax::locals::{var_type, TypeName};
use crate::syntax::text;
use crate::syntax::tree::FIELD;
use tree_sitter::Node;

pub fn attach(cx: &FixCtx<'_>, findings: &mut [Finding]) {
    fix_per_file(cx, findings, META.id, |fcx, fs| {
        let scan = fcx.syscall_scan();
        let calls: Vec<RawCall<'_, '_>> = named_raw_syscalls(fcx, scan).collect();
        for f in fs.iter_mut().filter(|f| f.rule == META.id) {
            let at = |n: &Node<'_>| n.start_byte() == f.span.start && n.end_byte() == f.span.end;
            let fix = match &f.payload {
                Payload::RawPipe => {
                    let Some(c) = calls.iter().find(|c| at(&c.trap)) else {
                        continue;
                    };
                    pipe(fcx, &scan.consts, c.trap, c.rest)
                }
                Payload::RawStat {
                    sys,
                    qualifier,
                    package,
                } => {
                    let found = calls
                        .iter()
                        .find_map(|c| Some((c, *c.rest.iter().find(|a| at(a))?)));
                    let Some((c, arg)) = found else {
                        continue;
                    };
                    stat(fcx, &scan.consts, sys, c.rest, arg, qualifier, *package)
                }
                _ => continue,
            };
            match fix {
                Ok(fix) => f.fix = Some(fix),
                Err(why) => f.set_no_fix(why),
            }
        }
        drop_unused_unsafe(fcx, fcx.tree.root_node(), fs);
    });
}

/// The call expression whose argument `arg` is.
pub(super) fn call_of(arg: Node<'_>) -> Option<Node<'_>> {
    let list = arg.parent().filter(|p| p.kind() == "argument_list")?;
    list.parent().filter(|c| c.kind() == "call_expression")
}

/// `q.Func` of a call: (qualifier, function name).
fn callee<'s>(src: &'s [u8], call: Node<'_>) -> Option<(&'s str, &'s str)> {
    let f = call.child_by_field_id(FIELD.function)?;
    if f.kind() != "selector_expression" {
        return None;
    }
    Some((
        text(f.child_by_field_id(FIELD.operand)?, src),
        text(f.child_by_field_id(FIELD.field)?, src),
    ))
}

/// Where the results `r1, r2, err` of a raw call go.
enum Results<'t> {
    /// An expression statement: all dropped.
    Dropped,
    /// `a, b, c := call` or `a, b, c = call` as a statement of a block or case.
    Assigned {
        stmt: Node<'t>,
        names: Vec<&'t str>,
        define: bool,
    },
    /// `a, b, c := call` in an `if`/`switch`/`for` header.
    Header { names: Vec<&'t str> },
    /// Anything else: an argument, a return value.
    Other,
}

fn results<'t>(src: &'t [u8], call: Node<'t>) -> Results<'t> {
    let Some(parent) = call.parent() else {
        return Results::Other;
    };
    if parent.kind() == "expression_statement" {
        return Results::Dropped;
    }
    let Some(stmt) = parent
        .parent()
        .filter(|_| parent.kind() == "expression_list" && parent.named_child_count() == 1)
    else {
        return Results::Other;
    };
    let define = match stmt.kind() {
        "short_var_declaration" => true,
        "assignment_statement" => false,
        _ => return Results::Other,
    };
    if stmt.child_by_field_id(FIELD.right) != Some(parent) {
        return Results::Other;
    }
    let Some(left) = stmt.child_by_field_id(FIELD.left) else {
        return Results::Other;
    };
    let mut c = left.walk();
    let names: Vec<&str> = left.named_children(&mut c).map(|n| text(n, src)).collect();
    match stmt.parent().map(|p| p.kind()) {
        Some("statement_list") => Results::Assigned {
            stmt,
            names,
            define,
        },
        _ => Results::Header { names },
    }
}

/// Arches among `arches` where `pkg` lacks `SYS_*`/function `name`.
fn lacking(arches: ArchSet, pkg: Package, name: &str) -> ArchSet {
    arches
        .iter()
        .filter(|a| {
            let t = abi::table(*a, pkg);
            if name.starts_with("SYS_") {
                t.syscalls.find(name).is_none()
            } else {
                t.func(name).is_none()
            }
        })
        .collect()
}

/// `SYS_PIPE` → `SYS_PIPE2`: the argument after the array becomes pipe2's flags, so it must
/// be 0. pipe2 writes the array on every arch and returns 0 in r1 (like `pipe` everywhere
/// but MIPS), so the fix is safe unless r1 or r2 are read: MIPS code reading the fds there
/// would get 0.
fn pipe(
    cx: &FileCtx<'_>,
    consts: &Consts<'_>,
    trap: Node<'_>,
    rest: &[Node<'_>],
) -> Result<Fix, String> {
    let src = cx.src;
    let sel = strip_pointer_conversions(src, trap);
    let Some((pkg, "SYS_PIPE")) = table_selector(cx, sel, src) else {
        return Err("the trap is not written `SYS_PIPE`".into());
    };
    let q = text(
        sel.child_by_field_id(FIELD.operand).ok_or("no operand")?,
        src,
    );
    let field = sel.child_by_field_id(FIELD.field).ok_or("no field")?;
    let flags = rest.get(1).and_then(|a| literal_value(cx, consts, *a));
    if flags.is_none_or(|l| l.value != 0) {
        return Err("the argument after the array is not 0, and would become pipe2's flags".into());
    }
    let missing = lacking(cx.info().arches, pkg, "SYS_PIPE2");
    if !missing.is_empty() {
        return Err(format!("`{q}.SYS_PIPE2` is not declared on {missing}"));
    }
    let call = call_of(trap).ok_or("the trap is not a call argument")?;
    let title = format!("call pipe2 with flags 0 (`{q}.SYS_PIPE2`), which fills the array");
    let edits = vec![Edit::replace(
        field.start_byte(),
        field.end_byte(),
        "SYS_PIPE2",
    )];
    let blank = |names: &[&str]| names.iter().take(2).all(|n| *n == "_");
    let safe = match results(src, call) {
        Results::Dropped => true,
        Results::Assigned { names, .. } | Results::Header { names } => blank(&names),
        Results::Other => false,
    };
    Ok(if safe {
        Fix::safe(title, edits)
    } else {
        Fix::unsafe_edit(title, edits).with_note(PIPE_UNSAFE)
    })
}

/// Why a pipe fix is unsafe, for the fact.
pub(super) const PIPE_UNSAFE: &str = "the fix is unsafe here: r1/r2 are read, and pipe2 returns 0 in r1 where MIPS `pipe` returned the read fd (r2: the write fd)";

/// A raw stat call into `tq.Stat_t` (`tpkg`) rewritten to `tq.Fstat`. Only `SYS_FSTAT`:
/// the others take a path as a `*byte` (from `BytePtrFromString`) where the wrappers take
/// the Go string it was made from, which the call does not show.
fn stat(
    cx: &FileCtx<'_>,
    consts: &Consts<'_>,
    sys: &str,
    rest: &[Node<'_>],
    st: Node<'_>,
    tq: &str,
    tpkg: Package,
) -> Result<Fix, String> {
    let src = cx.src;
    let wrapper = super::stat_wrapper(sys);
    if sys != "SYS_FSTAT" {
        return Err(format!(
            "the path is passed as a pointer; `{tq}.{wrapper}` takes the Go string it was made from"
        ));
    }
    let call = call_of(st).ok_or("the argument is not in a call")?;
    let (cq, func) = callee(src, call).ok_or("the call is not `pkg.Func`")?;
    if func.ends_with("NoError") {
        return Err(format!("`{cq}.{func}` returns no errno"));
    }
    let missing = lacking(cx.info().arches, tpkg, wrapper);
    if !missing.is_empty() {
        return Err(format!("`{tq}.{wrapper}` is not declared on {missing}"));
    }
    if rest.len() < 2
        || rest[2..]
            .iter()
            .any(|a| literal_value(cx, consts, *a).is_none())
    {
        return Err("an argument after the `Stat_t` is not a constant".into());
    }
    let mut comments = false;
    walk_tree(call, |v| {
        comments |= v.kind == "comment";
        true
    });
    if comments {
        return Err("the call holds comments the rewrite would drop".into());
    }
    let ptr = strip_pointer_conversions(src, st);
    let replacement = format!(
        "{tq}.{wrapper}({}, {})",
        int_arg(src, rest[0]),
        text(ptr, src)
    );
    let title = format!("call `{tq}.{wrapper}`, which converts the kernel's layout");
    match results(src, call) {
        Results::Dropped => Ok(Fix::safe(
            title,
            vec![Edit::replace(
                call.start_byte(),
                call.end_byte(),
                replacement,
            )],
        )),
        Results::Assigned {
            stmt,
            names,
            define,
        } => {
            if names.len() != 3 || names[0] != "_" || names[1] != "_" {
                return Err("r1/r2 are read; the wrapper returns only an error".into());
            }
            let e = names[2];
            if e == "_" {
                return Ok(Fix::safe(
                    title,
                    vec![Edit::replace(
                        stmt.start_byte(),
                        stmt.end_byte(),
                        replacement,
                    )],
                ));
            }
            if !define {
                return Err(format!(
                    "`{e}` is assigned, not declared here: its type is not known, and the wrapper returns an `error`, not an `Errno`"
                ));
            }
            if abi::table(cx.index.reference, Package::Syscall)
                .named("Errno")
                .is_none()
            {
                return Err("no `Errno` type in the tables".into());
            }
            let indent = line_indent(src, stmt.start_byte())
                .ok_or("the statement shares its line with other code")?;
            let tmp = ["err", "serr", "statErr"]
                .into_iter()
                .find(|t| *t != e && !text(call, src).contains(t))
                .ok_or("no free name for the wrapper's error")?;
            // The wrappers return only `Errno` values (or nil) on Linux, so the errno keeps
            // its type and value.
            let text = format!(
                "var {e} {cq}.Errno\n{indent}if {tmp} := {replacement}; {tmp} != nil {{\n{indent}\t{e} = {tmp}.({cq}.Errno)\n{indent}}}"
            );
            Ok(Fix::safe(
                title,
                vec![Edit::replace(stmt.start_byte(), stmt.end_byte(), text)],
            ))
        }
        Results::Header { .. } => Err(
            "the results are declared in a statement header, where the errno cannot be converted from the wrapper's `error`".into(),
        ),
        Results::Other => Err(
            "the results are used in an expression; the wrapper returns only an `error`".into(),
        ),
    }
}

/// An fd argument as the wrapper's `int`: `uintptr(fd)` → `fd` when `fd` is declared `int`
/// (or a literal), else `int(fd)`.
fn int_arg(src: &[u8], arg: Node<'_>) -> String {
    let mut inner = arg;
    if arg.kind() == "call_expression" {
        let args = crate::syntax::calls::call_args(arg);
        if args.len() == 1
            && arg
                .child_by_field_id(FIELD.function)
                .is_some_and(|f| text(f, src) == "uintptr")
        {
            inner = args[0];
        }
    }
    let t = text(inner, src);
    let is_int = match inner.kind() {
        "int_literal" => true,
        "identifier" => var_type(src, inner, t) == Some(TypeName::Local("int".into())),
        _ => false,
    };
    if is_int {
        t.to_string()
    } else {
        format!("int({t})")
    }
}

/// The whitespace before `at` on its line, when nothing else is there.
fn line_indent(src: &[u8], at: usize) -> Option<&str> {
    let start = src[..at]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let ws = &src[start..at];
    ws.iter()
        .all(|b| *b == b' ' || *b == b'\t')
        .then(|| std::str::from_utf8(ws).ok())
        .flatten()
}

/// When the safe fixes of this rule's findings in this file together remove every use of
/// the `unsafe` import, each of them also removes the import: the fixes are applied
/// together, and the unsafe ones never remove a use of `unsafe`.
fn drop_unused_unsafe(cx: &FileCtx<'_>, root: Node<'_>, findings: &mut [Finding]) {
    let src = cx.src;
    let named: Vec<&crate::header::Import> = cx
        .info()
        .imports
        .iter()
        .filter(|i| i.path == "unsafe")
        .collect();
    let [imp] = named.as_slice() else { return };
    let name = imp.name.as_deref().unwrap_or("unsafe");
    if name == "_" || name == "." {
        return;
    }
    let mut uses: Vec<(usize, usize)> = Vec::new();
    walk_tree(root, |v| {
        let n = v.node;
        let op = match n.kind() {
            "selector_expression" => n.child_by_field_id(FIELD.operand),
            "qualified_type" => n.child_by_field_id(FIELD.package),
            _ => None,
        };
        if op.is_some_and(|o| text(o, src) == name) {
            uses.push((n.start_byte(), n.end_byte()));
        }
        true
    });
    let removes = |f: &Finding, u: &(usize, usize)| {
        f.rule == META.id
            && f.fix.as_ref().is_some_and(|x| {
                x.applicability == Applicability::Safe
                    && x.file.is_none()
                    && x.edits.iter().any(|e| e.start <= u.0 && u.1 <= e.end)
            })
    };
    if uses.is_empty() || !uses.iter().all(|u| findings.iter().any(|f| removes(f, u))) {
        return;
    }
    let edit = import_removal(src, root, "\"unsafe\"");
    for f in findings.iter_mut() {
        if !uses.iter().any(|u| removes(f, u)) {
            continue;
        }
        match &edit {
            Some(edit) => {
                if let Some(fix) = &mut f.fix {
                    fix.edits.push(edit.clone());
                    let more = ", and drop the now unused `unsafe` import";
                    fix.title.push_str(more);
                    fix.subject.push_str(more);
                }
            }
            // Without the import's removal the fixed file would not build.
            None => {
                f.fix = None;
                f.set_no_fix(
                    "the fixes would leave `unsafe` unused, and its import shares a line with other code",
                );
            }
        }
    }
}

/// An edit deleting the import of `path` (quoted): its line in an import block with other
/// imports, else the whole declaration; blank lines left doubled, or before `)`, go too.
fn import_removal(src: &[u8], root: Node<'_>, path: &str) -> Option<Edit> {
    let mut c = root.walk();
    for decl in root.named_children(&mut c) {
        if decl.kind() != "import_declaration" {
            continue;
        }
        let specs: Vec<Node<'_>> = {
            let mut c2 = decl.walk();
            let kids: Vec<Node<'_>> = decl.named_children(&mut c2).collect();
            kids.iter()
                .flat_map(|k| {
                    if k.kind() == "import_spec_list" {
                        let mut c3 = k.walk();
                        let v: Vec<Node<'_>> = k
                            .named_children(&mut c3)
                            .filter(|s| s.kind() == "import_spec")
                            .collect();
                        v
                    } else if k.kind() == "import_spec" {
                        vec![*k]
                    } else {
                        vec![]
                    }
                })
                .collect()
        };
        let Some(spec) = specs.iter().find(|s| {
            s.child_by_field_id(FIELD.path)
                .is_some_and(|p| text(p, src) == path)
        }) else {
            continue;
        };
        let target = if specs.len() == 1 { decl } else { *spec };
        let (mut start, mut end) = whole_lines(src, target.start_byte(), target.end_byte())?;
        let prev = start.checked_sub(1).map(|p| {
            src[..p]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1)
        });
        let next_end = src[end..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(src.len(), |i| end + i + 1);
        // gofmt drops a blank line after `(`, before `)` and a doubled one.
        if let Some(p) = prev {
            let before = std::str::from_utf8(&src[p..start]).ok()?.trim();
            let next = std::str::from_utf8(&src[end..next_end]).ok()?.trim();
            if next.is_empty() && next_end > end && (before.is_empty() || before.ends_with('(')) {
                end = next_end;
            } else if before.is_empty() && next.starts_with(')') {
                start = p;
            }
        }
        return Some(Edit::replace(start, end, ""));
    }
    None
}

/// `start..end` widened to whole lines (through the newline), when only whitespace precedes
/// it on its line and only whitespace or a comment follows.
fn whole_lines(src: &[u8], start: usize, end: usize) -> Option<(usize, usize)> {
    let s = src[..start]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    if !src[s..start].iter().all(|b| *b == b' ' || *b == b'\t') {
        return None;
    }
    let e = src[end..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(src.len(), |i| end + i + 1);
    let tail = std::str::from_utf8(&src[end..e]).ok()?.trim();
    (tail.is_empty() || tail.starts_with("//")).then_some((s, e))
}

/// Why a literal sigset size has no fix, and what to call instead.
pub(super) fn sigset_reason(arches: ArchSet, instead: &str) -> String {
    let sigset: Vec<(Arch, String)> = arches
        .iter()
        .filter_map(|a| {
            abi::table(a, Package::Unix)
                .strukt("Sigset_t")
                .map(|s| (a, format!("{} bytes", s.size)))
        })
        .collect();
    let glibc = match &sigset[..] {
        [(_, first), ..] if sigset.iter().all(|(_, s)| s == first) => first.clone(),
        _ => crate::rules::facts::per_arch_values(&sigset),
    };
    format!(
        "no constant in syscall or x/sys names `_NSIG / 8` (x/sys's `_C__NSIG` is unexported; `unix.Sigset_t` is glibc's set, {glibc}): use {instead}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn removed(src: &str) -> String {
        let tree = crate::syntax::parse_go(src.as_bytes()).unwrap();
        let e = import_removal(src.as_bytes(), tree.root_node(), "\"unsafe\"").unwrap();
        crate::edit::apply(src.as_bytes(), &[e])
            .map(|b| String::from_utf8(b).unwrap())
            .unwrap()
    }

    #[test]
    fn unsafe_import_removal_is_gofmt_clean() {
        let tail = "\nvar _ = syscall.Getpid\n";
        for (before, after) in [
            (
                "import (\n\t\"syscall\"\n\t\"unsafe\"\n)\n",
                "import (\n\t\"syscall\"\n)\n",
            ),
            (
                "import (\n\t\"syscall\"\n\n\t\"unsafe\"\n)\n",
                "import (\n\t\"syscall\"\n)\n",
            ),
            (
                "import (\n\t\"unsafe\"\n\n\t\"syscall\"\n)\n",
                "import (\n\t\"syscall\"\n)\n",
            ),
            (
                "import \"syscall\"\n\nimport \"unsafe\"\n",
                "import \"syscall\"\n",
            ),
            (
                "import (\n\t\"unsafe\" // for Pointer\n)\n\nimport \"syscall\"\n",
                "import \"syscall\"\n",
            ),
        ] {
            let src = format!("package a\n\n{before}{tail}");
            assert_eq!(
                removed(&src),
                format!("package a\n\n{after}{tail}"),
                "{before}"
            );
        }
    }

    #[test]
    fn import_sharing_a_line_is_kept() {
        let src = "package a\n\nimport (\"syscall\"; \"unsafe\")\n";
        let tree = crate::syntax::parse_go(src.as_bytes()).unwrap();
        assert!(import_removal(src.as_bytes(), tree.root_node(), "\"unsafe\"").is_none());
    }
}
