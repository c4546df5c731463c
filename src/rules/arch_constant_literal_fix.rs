//! The fixes of `arch-constant-literal`: a literal replaced by the named constant(s) of
//! `syscall` or x/sys/unix it stands for, and `const X = <literal>` by the table constant,
//! when the names exist for every arch the file builds for.

use super::META;
use crate::abi::{self, Package};
use crate::edit::{node_at, FixCtx};
use crate::finding::{Edit, Finding, Fix, Payload};
use crate::rules::{fix_per_file, FileCtx};
use crate::syntax::calls::{import_name, table_package};
use crate::syntax::text;
use crate::syntax::tree::FIELD;
use tree_sitter::Node;

pub fn attach(cx: &FixCtx<'_>, findings: &mut [Finding]) {
    fix_per_file(cx, findings, META.id, |fcx, fs| {
        for f in fs.iter_mut().filter(|f| f.rule == META.id) {
            let Some(node) = node_at(fcx.tree, f.span) else {
                continue;
            };
            f.fix = match &f.payload {
                Payload::Constants {
                    value,
                    names,
                    package,
                } => literal_fix(fcx, node, *value, names, *package),
                Payload::ConstDecl { name } => const_decl_fix(fcx, node, name),
                _ => None,
            };
        }
    });
}

/// Where a constant of the named type `ty` may replace the literal: as the operand of a
/// conversion to an integer type or to `ty` itself, or as an argument of a wrapper whose
/// parameter has type `ty`.
fn typed_fits(cx: &FileCtx<'_>, lit: Node<'_>, ty: &str, pkg: Package) -> bool {
    let Some(args) = lit.parent().filter(|p| p.kind() == "argument_list") else {
        return false;
    };
    let Some(call) = args.parent().filter(|c| c.kind() == "call_expression") else {
        return false;
    };
    let Some(func) = call.child_by_field_id(FIELD.function) else {
        return false;
    };
    let mut c = args.walk();
    let list: Vec<Node<'_>> = args
        .named_children(&mut c)
        .filter(|n| n.kind() != "comment")
        .collect();
    let Some(pos) = list.iter().position(|n| n.id() == lit.id()) else {
        return false;
    };
    let f = text(func, cx.src);
    const INTS: &[&str] = &[
        "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64",
        "uintptr",
    ];
    if list.len() == 1 && INTS.contains(&f) {
        return true;
    }
    let Some((q, name)) = f.split_once('.') else {
        return false;
    };
    let Some(p) = table_package(cx, q) else {
        return false;
    };
    let bare = ty.rsplit('.').next().unwrap_or(ty);
    if list.len() == 1 && name == bare && p == pkg {
        return true;
    }
    abi::table(cx.index.reference, p)
        .func(name)
        .and_then(|func| func.params.get(pos))
        .is_some_and(|param| param.ty.rsplit('.').next() == Some(bare) && p == pkg)
}

/// The literal replaced by the named constant(s) it stands for, qualified with the file's
/// own import of `syscall` or x/sys/unix (the calling package first), when every name is
/// declared by that package for every arch the file builds for.
fn literal_fix(
    cx: &FileCtx<'_>,
    lit: Node<'_>,
    value: i128,
    names: &[&str],
    pkg: Package,
) -> Option<Fix> {
    let reference = cx.index.reference;
    let arches = cx.info().arches;
    let other = match pkg {
        Package::Unix => Package::Syscall,
        Package::Syscall => Package::Unix,
    };
    for p in [pkg, other] {
        let Some(q) = import_name(cx, p) else {
            continue;
        };
        let everywhere = names.iter().all(|n| {
            arches
                .iter()
                .all(|a| abi::table(a, p).constant(n).is_some())
        });
        if !everywhere {
            continue;
        }
        let table = abi::table(reference, p);
        let mut or = 0i128;
        let mut typed = None;
        for n in names {
            let c = table.constant(n)?;
            or |= c.value.as_int()?;
            if !c.ty.is_empty() {
                typed = Some(c.ty);
            }
        }
        if or != value {
            continue;
        }
        let mut span = (lit.start_byte(), lit.end_byte());
        if let Some(ty) = typed {
            if names.len() > 1 || !typed_fits(cx, lit, ty, p) {
                continue;
            }
            // `syscall.Signal(10)` becomes `syscall.SIGUSR1`, not a redundant conversion.
            if let Some(conv) = same_type_conversion(cx, lit, ty, p) {
                span = (conv.start_byte(), conv.end_byte());
            }
        }
        let mut replacement = names
            .iter()
            .map(|n| format!("{q}.{n}"))
            .collect::<Vec<_>>()
            .join("|");
        let bare = lit
            .parent()
            .is_some_and(|p| matches!(p.kind(), "argument_list" | "expression_list"));
        if names.len() > 1 && !bare {
            replacement = format!("({replacement})");
        }
        return Some(Fix::safe(
            format!("replace with `{replacement}`"),
            vec![Edit::replace(span.0, span.1, replacement)],
        ));
    }
    None
}

/// The conversion `q.T(lit)` when `T` is the named type `ty` of package `pkg`.
fn same_type_conversion<'t>(
    cx: &FileCtx<'_>,
    lit: Node<'t>,
    ty: &str,
    pkg: Package,
) -> Option<Node<'t>> {
    let args = lit.parent().filter(|p| p.kind() == "argument_list")?;
    if args.named_child_count() != 1 {
        return None;
    }
    let call = args.parent().filter(|c| c.kind() == "call_expression")?;
    let (q, name) = text(call.child_by_field_id(FIELD.function)?, cx.src).split_once('.')?;
    let bare = ty.rsplit('.').next().unwrap_or(ty);
    (name == bare && table_package(cx, q) == Some(pkg)).then_some(call)
}

/// `const X = <literal>` rewritten to `const X = <pkg>.NAME` when the table constant is
/// untyped (the declared constant keeps its untyped-int semantics) and declared for every
/// arch the file builds for.
fn const_decl_fix(cx: &FileCtx<'_>, value: Node<'_>, name: &str) -> Option<Fix> {
    if value.kind() != "int_literal" {
        return None;
    }
    let arches = cx.info().arches;
    for p in [Package::Unix, Package::Syscall] {
        let Some(q) = import_name(cx, p) else {
            continue;
        };
        let ok = arches.iter().all(|a| {
            abi::table(a, p)
                .constant(name)
                .is_some_and(|c| c.ty.is_empty())
        });
        if ok {
            let replacement = format!("{q}.{name}");
            return Some(Fix::safe(
                format!("replace with `{replacement}`"),
                vec![Edit::replace(
                    value.start_byte(),
                    value.end_byte(),
                    replacement,
                )],
            ));
        }
    }
    None
}
