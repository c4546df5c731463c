//! The type a local variable was declared with, as written (a name, not a type: see
//! `crate::types` for inference), and the type declarations of a file.

use super::calls::call_args;
use super::text;
use super::FileSyntax;
use crate::index::refs::walk_tree;
use crate::syntax::tree::FIELD;
use tree_sitter::Node;

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
        match v.kind {
            "var_spec" | "parameter_declaration" => {
                let mut c = n.walk();
                let names: Vec<Node<'_>> = n
                    .children_by_field_name("name", &mut c)
                    .filter(|n| n.is_named())
                    .collect();
                if names.iter().any(|x| text(*x, src) == name) {
                    if let Some(t) = n.child_by_field_id(FIELD.ty) {
                        note(type_name(src, t));
                    } else if let Some(vals) = n.child_by_field_id(FIELD.value) {
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
                    n.child_by_field_id(FIELD.left),
                    n.child_by_field_id(FIELD.right),
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
    // Through pointers, slices and arrays without recursion (`var p ****…T`).
    let mut t = t;
    loop {
        t = match t.kind() {
            "pointer_type" | "parenthesized_type" => t.named_child(0)?,
            "array_type" | "slice_type" | "implicit_length_array_type" => {
                t.child_by_field_id(FIELD.element)?
            }
            _ => break,
        };
    }
    match t.kind() {
        "type_identifier" => Some(TypeName::Local(text(t, src).to_string())),
        "qualified_type" => Some(TypeName::Qualified(
            text(t.child_by_field_id(FIELD.package)?, src).to_string(),
            text(t.child_by_field_id(FIELD.name)?, src).to_string(),
        )),
        _ => None,
    }
}

fn value_type(src: &[u8], v: Node<'_>) -> Option<TypeName> {
    let mut v = v;
    // `&&&…T{}` without recursion.
    while v.kind() == "unary_expression" {
        v = v.child_by_field_id(FIELD.operand)?;
    }
    match v.kind() {
        "composite_literal" => type_name(src, v.child_by_field_id(FIELD.ty)?),
        "call_expression" => {
            let f = v.child_by_field_id(FIELD.function)?;
            let args = call_args(v);
            match text(f, src) {
                "make" | "new" => type_name(src, *args.first()?),
                // `t, err := unix.IoctlGetTermios(fd, req)`
                _ if f.kind() == "selector_expression" => {
                    let op = f.child_by_field_id(FIELD.operand)?;
                    let name = text(f.child_by_field_id(FIELD.field)?, src);
                    (name == "IoctlGetTermios")
                        .then(|| TypeName::Qualified(text(op, src).to_string(), "Termios".into()))
                }
                _ => None,
            }
        }
        _ => None,
    }
}

/// The `type_spec` declaring `name` (any scope); `None` if absent or declared twice.
pub fn find_type_spec<'t>(cx: &FileSyntax<'t>, name: &str) -> Option<Node<'t>> {
    let src = cx.src;
    let mut found = None;
    let mut count = 0;
    cx.walk(|v| {
        if v.kind == "type_spec"
            && v.node
                .child_by_field_id(FIELD.name)
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
