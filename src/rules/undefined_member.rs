//! The member half of `undefined-on-arch`: `x.F` where `x`'s type is the same named struct
//! on the reference arch and on a target, and `F` is a field or method of it on the
//! reference only (`syscall.Termios.Ispeed` does not exist on mips64le, `PtraceRegs.Rip`
//! only on amd64). The compiler says `x.F undefined (type T has no field or method F)`.

use super::FileCtx;
use crate::abi;
use crate::arch::ArchSet;
use crate::finding::Finding;
use crate::syntax::text;
use crate::syntax::tree::FIELD;
use crate::types::infer::Infer;
use crate::types::ty::{Home, Ty};
use tree_sitter::Node;

/// Whether a named struct type `t` has member `m` on `inf`'s arch: `Some(false)` only when
/// its declaration is known there and has neither such a field nor method (nor an embedded
/// field that could promote one).
fn has_member(inf: &Infer<'_, '_>, t: &Ty, m: &str) -> Option<bool> {
    let Ty::Named(home, name) = t else {
        return None;
    };
    let method = format!("{name}.{m}");
    let has_method = match home {
        Home::Table(pkg) => inf.table_fact(*pkg, |t| t.func(&method).is_some()),
        Home::Local(p) => inf.item(*p, &method).is_some(),
        Home::Foreign(_) => return None,
    };
    if has_method {
        return Some(true);
    }
    let fields = inf.fields_of(t)?;
    if fields.iter().any(|f| f.name == m) {
        return Some(true);
    }
    let embeds = fields.iter().any(|f| match &f.ty {
        Some(ty) => matches!(ty.pointee(), Ty::Named(_, n) if *n == f.name),
        None => true,
    });
    (!embeds).then_some(false)
}

/// The named struct a selector's operand has (through pointers and defined types).
fn struct_of<'a>(inf: &Infer<'_, 'a>, op: Node<'a>) -> Option<Ty> {
    let t = inf.type_of(op)?;
    let t = inf.underlying(t.pointee())?;
    matches!(t, Ty::Named(..)).then_some(t)
}

pub fn check(cx: &FileCtx<'_>, builds_for: ArchSet, out: &mut Vec<Finding>) {
    let index = cx.index;
    let reference = index.reference;
    if !cx.info().arches.contains(reference) {
        return;
    }
    let targets = builds_for.minus(ArchSet::single(reference));
    if targets.is_empty() {
        return;
    }
    let names = index.member_tokens();
    let mut sels: Vec<(Node<'_>, Node<'_>)> = Vec::new();
    cx.walk(|v| {
        if v.kind == "selector_expression" {
            if let (Some(op), Some(f)) = (
                v.node.child_by_field_id(FIELD.operand),
                v.node.child_by_field_id(FIELD.field),
            ) {
                if names.contains(text(f, cx.src)) {
                    sels.push((op, f));
                }
            }
        }
        true
    });
    if sels.is_empty() {
        return;
    }
    let (base, infs) = cx.infer_each(targets);
    for (op, field) in sels {
        let m = text(field, cx.src);
        let (found, varies) = base.tracked(|| {
            let t = struct_of(base, op)?;
            let has = has_member(base, &t, m);
            Some((t, has))
        });
        let Some((t, Some(true))) = found else {
            continue;
        };
        // The same type and member on every arch: nothing to compare.
        if !varies {
            continue;
        }
        let mut broken = ArchSet::EMPTY;
        for (_, inf) in &infs {
            if struct_of(inf, op).as_ref() == Some(&t) && has_member(inf, &t, m) == Some(false) {
                broken.insert(inf.arch);
            }
        }
        if broken.is_empty() {
            continue;
        }
        let Ty::Named(home, tname) = &t else { continue };
        let (shown, source) = match home {
            Home::Table(pkg) => (format!("{}.{tname}", pkg.name()), abi::table_source(*pkg)),
            Home::Local(p) => (
                format!("{}.{tname}", index.packages[*p].name),
                "its declarations in the scanned tree",
            ),
            Home::Foreign(_) => continue,
        };
        let x = text(op, cx.src);
        let x = if x.len() > 40 { "…" } else { x };
        let mut f = cx.finding(
            "undefined-on-arch",
            field,
            broken,
            format!(
                "`{x}.{m}` is undefined on {broken}: `{shown}` has no field or method `{m}` there"
            ),
            format!("`{shown}` has `{m}` on {reference} but not on {broken} ({source})"),
        );
        f.set_no_fix(
            "the member does not exist there, so the use needs a build constraint or a per-arch \
             accessor",
        );
        out.push(f);
    }
}
