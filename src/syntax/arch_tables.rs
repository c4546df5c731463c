//! Per-arch tables written by hand: `switch runtime.GOARCH { case "amd64": … }` and map
//! literals keyed by GOARCH names.

use super::{text, FileSyntax};
use crate::arch::Arch;
use crate::syntax::tree::FIELD;
use tree_sitter::Node;

/// Name of a `runtime.GOARCH` selector's import (`runtime`), when the file imports it.
fn is_goarch(cx: &FileSyntax<'_>, node: Node<'_>) -> bool {
    if node.kind() != "selector_expression" {
        return false;
    }
    let (Some(op), Some(f)) = (
        node.child_by_field_id(FIELD.operand),
        node.child_by_field_id(FIELD.field),
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
pub fn arch_tables<'t>(cx: &FileSyntax<'_>, candidates: &[Node<'t>]) -> Vec<ArchTableLit<'t>> {
    let src = cx.src;
    let mut out = Vec::new();
    for &n in candidates {
        match n.kind() {
            "expression_switch_statement"
                if n.child_by_field_id(FIELD.value)
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
                let labels = case.child_by_field_id(FIELD.value)?;
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
        "assignment_statement" => s.child_by_field_id(FIELD.right)?,
        _ => return None,
    };
    if exprs.named_child_count() != 1 {
        return None;
    }
    exprs.named_child(0)
}

fn map_table<'t>(src: &[u8], lit: Node<'t>) -> Option<ArchTableLit<'t>> {
    let body = lit.child_by_field_id(FIELD.body)?;
    let mut entries = Vec::new();
    let mut c = body.walk();
    for el in body.named_children(&mut c) {
        if el.kind() == "comment" {
            continue;
        }
        if el.kind() != "keyed_element" {
            return None;
        }
        let key = el.child_by_field_id(FIELD.key)?.named_child(0)?;
        let value = el.child_by_field_id(FIELD.value)?.named_child(0)?;
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
