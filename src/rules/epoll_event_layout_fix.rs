//! The fix of `epoll-event-layout`: a positional `EpollEvent` literal rewritten as a keyed
//! one, the values mapped to the reference arch's fields by position and zero-valued pad
//! fields dropped, when every field it keeps exists on every arch the file builds for.

use super::META;
use crate::abi::is_exported;
use crate::edit::{node_at, FixCtx};
use crate::finding::{Edit, Finding, Fix, NoFix, Payload};
use crate::rules::{fix_per_file_checked, FileCtx};
use crate::syntax::literals::parse_u64;
use crate::syntax::text;
use crate::syntax::tree::FIELD;
use tree_sitter::Node;

pub fn attach(cx: &FixCtx<'_>, findings: &mut [Finding]) {
    fix_per_file_checked(cx, findings, META.id, |fcx, fs| {
        for f in fs.iter_mut().filter(|f| f.rule == META.id) {
            let Payload::PositionalLiteral { owner, fields } = &f.payload else {
                continue;
            };
            let Some(body) =
                node_at(fcx.tree, f.span).and_then(|l| l.child_by_field_id(FIELD.body))
            else {
                continue;
            };
            match keyed_fix(fcx, body, owner, fields) {
                Ok(fix) => f.fix = Some(fix),
                Err(why) => f.no_fix = Some(NoFix::Terse(why)),
            }
        }
    });
}

/// The positional literal rewritten as a keyed one; Err: why there is none. `fields`: the
/// reference arch's fields in order, each with why it is not a field everywhere.
fn keyed_fix(
    cx: &FileCtx<'_>,
    body: Node<'_>,
    owner: &str,
    fields: &[(String, Option<String>)],
) -> Result<Fix, String> {
    let src = cx.src;
    let mut c = body.walk();
    if body.named_children(&mut c).any(|n| n.kind() == "comment") {
        return Err("the literal has comments".into());
    }
    let mut c = body.walk();
    let elems: Vec<Node<'_>> = body
        .named_children(&mut c)
        .filter(|n| n.kind() != "comment")
        .collect();
    let mut kept = Vec::new();
    for (e, (name, missing)) in elems.iter().zip(fields) {
        let value = text(*e, src).trim();
        if value.contains('\n') {
            return Err("a value spans lines".into());
        }
        let is_pad = name != "Events" && name != "Fd";
        if is_pad && parse_u64(value) == Some(0) {
            continue;
        }
        if !is_exported(name) {
            return Err(format!(
                "the unexported field `{name}` has the value `{value}`"
            ));
        }
        if let Some(why) = missing {
            return Err(if is_pad {
                format!("the pad field `{name}` has the non-zero value `{value}` and {why}")
            } else {
                why.clone()
            });
        }
        kept.push(format!("{name}: {value}"));
    }
    let replacement = format!("{{{}}}", kept.join(", "));
    Ok(Fix::safe(
        format!("name the fields of the `{owner}` literal"),
        vec![Edit::replace(
            body.start_byte(),
            body.end_byte(),
            replacement,
        )],
    ))
}
