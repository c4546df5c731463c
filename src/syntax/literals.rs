//! Integer literals and the values of expressions written with them: Go integer
//! literal syntax, constants declared in the file by literals, conversions and
//! arithmetic. Anything else (a table constant, a variable, a call) is "don't know".

use super::calls::{call_args, table_selector};
use super::{text, FileSyntax};
use crate::syntax::tree::FIELD;
use std::collections::HashMap;
use tree_sitter::Node;

/// Constants declared in the file (any scope) whose value is an expression: name → value.
/// A name declared twice maps to `None` (scopes are not tracked).
pub struct Consts<'t> {
    map: HashMap<String, Option<Node<'t>>>,
}

impl<'t> Consts<'t> {
    /// The file's constants, from its shared node table.
    pub fn collect(cx: &FileSyntax<'t>) -> Consts<'t> {
        let mut specs = Vec::new();
        cx.walk(|v| {
            if v.kind == "const_spec" {
                specs.push(v.node);
                return false;
            }
            true
        });
        Consts::from_specs(&specs, cx.src)
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
                .child_by_field_id(FIELD.value)
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

pub use crate::lexer::parse_int;

/// [`parse_int`] for a value that must fit a `u64` (a size, an offset, an array length).
pub fn parse_u64(lit: &str) -> Option<u64> {
    u64::try_from(parse_int(lit)?).ok()
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
pub fn literal_value(cx: &FileSyntax<'_>, consts: &Consts<'_>, node: Node<'_>) -> Option<Literal> {
    eval(cx, consts, node, 0)
}

fn eval(cx: &FileSyntax<'_>, consts: &Consts<'_>, node: Node<'_>, depth: u32) -> Option<Literal> {
    if depth > 24 {
        return None;
    }
    let src = cx.src;
    let lit = |value| Some(Literal { value, via: vec![] });
    match node.kind() {
        "int_literal" => lit(parse_int(text(node, src))?),
        "parenthesized_expression" => eval(cx, consts, node.named_child(0)?, depth + 1),
        "unary_expression" => {
            let op = text(node.child_by_field_id(FIELD.operator)?, src);
            let mut v = eval(
                cx,
                consts,
                node.child_by_field_id(FIELD.operand)?,
                depth + 1,
            )?;
            v.value = match op {
                "-" => v.value.checked_neg()?,
                "+" => v.value,
                "^" => !v.value,
                _ => return None,
            };
            Some(v)
        }
        "binary_expression" => {
            let op = text(node.child_by_field_id(FIELD.operator)?, src);
            let a = eval(cx, consts, node.child_by_field_id(FIELD.left)?, depth + 1)?;
            let b = eval(cx, consts, node.child_by_field_id(FIELD.right)?, depth + 1)?;
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
            let f = node.child_by_field_id(FIELD.function)?;
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
    cx: &FileSyntax<'_>,
    consts: &Consts<'_>,
    node: Node<'t>,
) -> Vec<(Node<'t>, Literal)> {
    let mut out = Vec::new();
    parts(cx, consts, node, &mut out, 0);
    out
}

fn parts<'t>(
    cx: &FileSyntax<'_>,
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
                .child_by_field_id(FIELD.operator)
                .map(|o| text(o, cx.src))
                .unwrap_or("");
            if matches!(op, "|" | "+") {
                for f in [FIELD.left, FIELD.right] {
                    if let Some(c) = node.child_by_field_id(f) {
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
            let conv = node.child_by_field_id(FIELD.function).is_some_and(|f| {
                f.kind() == "identifier" && CONVERSIONS.contains(&text(f, cx.src))
            });
            if conv && args.len() == 1 {
                parts(cx, consts, args[0], out, depth + 1);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::{parse_int, parse_u64};

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
        assert_eq!(parse_u64("0XFF"), Some(255));
        assert_eq!(parse_u64("0B11"), Some(3));
        assert_eq!(parse_u64("0O17"), Some(15));
        assert_eq!(parse_u64("18446744073709551616"), None);
    }
}
