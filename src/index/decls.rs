//! Package-level declarations of one parsed file.

use crate::finding::Span;
use crate::parse::text;
use tree_sitter::{Node, Tree};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DeclKind {
    Func,
    Type,
    Var,
    Const,
}

impl DeclKind {
    pub fn word(self) -> &'static str {
        match self {
            DeclKind::Func => "func",
            DeclKind::Type => "type",
            DeclKind::Var => "var",
            DeclKind::Const => "const",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TopDecl {
    pub name: String,
    pub kind: DeclKind,
    pub span: Span,
    /// For a constant written with integer literals only (arithmetic, conversions to basic
    /// types and other such constants of the file included): its value.
    pub value: Option<i128>,
}

/// Every package-level name the file declares (methods and `init` excluded: they can't be
/// referenced by name; blank `_` excluded).
pub fn top_level(tree: &Tree, src: &[u8]) -> Vec<TopDecl> {
    let mut out = Vec::new();
    let root = tree.root_node();
    let mut cursor = root.walk();
    for decl in root.named_children(&mut cursor) {
        match decl.kind() {
            "function_declaration" => {
                if let Some(name) = decl.child_by_field_name("name") {
                    push(&mut out, name, DeclKind::Func, src);
                }
            }
            "type_declaration" => {
                let mut c = decl.walk();
                for spec in decl.named_children(&mut c) {
                    if matches!(spec.kind(), "type_spec" | "type_alias") {
                        if let Some(name) = spec.child_by_field_name("name") {
                            push(&mut out, name, DeclKind::Type, src);
                        }
                    }
                }
            }
            "var_declaration" | "const_declaration" => {
                let kind = if decl.kind() == "var_declaration" {
                    DeclKind::Var
                } else {
                    DeclKind::Const
                };
                for spec in specs(decl) {
                    let mut c = spec.walk();
                    for name in spec
                        .children_by_field_name("name", &mut c)
                        .filter(|n| n.is_named())
                    {
                        push(&mut out, name, kind, src);
                    }
                }
            }
            _ => {}
        }
    }
    fill_const_values(&mut out, root, src);
    out
}

/// Compute `value` for the file's literal-only top-level constants.
fn fill_const_values(out: &mut [TopDecl], root: Node<'_>, src: &[u8]) {
    let mut exprs: std::collections::HashMap<&str, Option<Node<'_>>> = Default::default();
    let mut c = root.walk();
    for decl in root.named_children(&mut c) {
        if decl.kind() != "const_declaration" {
            continue;
        }
        for spec in specs(decl) {
            let mut c1 = spec.walk();
            let names: Vec<Node<'_>> = spec
                .children_by_field_name("name", &mut c1)
                .filter(|n| n.is_named())
                .collect();
            let values: Vec<Node<'_>> = spec
                .child_by_field_name("value")
                .map(|l| {
                    let mut c2 = l.walk();
                    let v: Vec<Node<'_>> = l.named_children(&mut c2).collect();
                    v
                })
                .unwrap_or_default();
            for (i, n) in names.iter().enumerate() {
                let v = (values.len() == names.len()).then(|| values[i]);
                exprs
                    .entry(text(*n, src))
                    .and_modify(|e| *e = None)
                    .or_insert(v);
            }
        }
    }
    for d in out.iter_mut().filter(|d| d.kind == DeclKind::Const) {
        if let Some(Some(e)) = exprs.get(d.name.as_str()) {
            d.value = literal_int(*e, src, &exprs, 0);
        }
    }
}

/// An integer constant expression made of literals only, as the compiler folds it.
fn literal_int(
    node: Node<'_>,
    src: &[u8],
    consts: &std::collections::HashMap<&str, Option<Node<'_>>>,
    depth: u32,
) -> Option<i128> {
    if depth > 16 {
        return None;
    }
    let rec = |n: Node<'_>| literal_int(n, src, consts, depth + 1);
    match node.kind() {
        "int_literal" => parse_int(text(node, src)),
        "parenthesized_expression" => rec(node.named_child(0)?),
        "unary_expression" => {
            let v = rec(node.child_by_field_name("operand")?)?;
            match text(node.child_by_field_name("operator")?, src) {
                "-" => v.checked_neg(),
                "+" => Some(v),
                "^" => Some(!v),
                _ => None,
            }
        }
        "binary_expression" => {
            let a = rec(node.child_by_field_name("left")?)?;
            let b = rec(node.child_by_field_name("right")?)?;
            match text(node.child_by_field_name("operator")?, src) {
                "|" => Some(a | b),
                "&" => Some(a & b),
                "^" => Some(a ^ b),
                "&^" => Some(a & !b),
                "+" => a.checked_add(b),
                "-" => a.checked_sub(b),
                "*" => a.checked_mul(b),
                "<<" if (0..100).contains(&b) => a.checked_shl(b as u32),
                ">>" if (0..128).contains(&b) => Some(a >> b),
                _ => None,
            }
        }
        "call_expression" => {
            let f = node.child_by_field_name("function")?;
            let args = node.child_by_field_name("arguments")?;
            let basic = [
                "uintptr", "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16",
                "uint32", "uint64", "byte",
            ];
            if f.kind() == "identifier"
                && basic.contains(&text(f, src))
                && args.named_child_count() == 1
            {
                rec(args.named_child(0)?)
            } else {
                None
            }
        }
        "identifier" => rec((*consts.get(text(node, src))?)?),
        _ => None,
    }
}

/// A Go integer literal (`42`, `0x2a`, `0o52`, `052`, `0b101010`, `1_000`).
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

/// `var_spec`/`const_spec` nodes of a declaration, grouped (`var ( … )`) or not.
pub fn specs(decl: Node<'_>) -> Vec<Node<'_>> {
    let mut out = Vec::new();
    let mut c = decl.walk();
    for child in decl.named_children(&mut c) {
        match child.kind() {
            "var_spec" | "const_spec" => out.push(child),
            "var_spec_list" => {
                let mut c2 = child.walk();
                out.extend(
                    child
                        .named_children(&mut c2)
                        .filter(|n| n.kind() == "var_spec"),
                );
            }
            _ => {}
        }
    }
    out
}

fn push(out: &mut Vec<TopDecl>, name: Node<'_>, kind: DeclKind, src: &[u8]) {
    let n = text(name, src);
    if n.is_empty() || n == "_" || (kind == DeclKind::Func && n == "init") {
        return;
    }
    out.push(TopDecl {
        name: n.to_string(),
        kind,
        span: Span::from_node(&name),
        value: None,
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse_go;

    #[test]
    fn finds_every_top_level_kind() {
        let src = br#"package p
func init() {}
func Setuid(uid int) error { var local int; _ = local; return nil }
func (s *T) Method() {}
type (
	T struct{}
	A = T
)
type G[X any] struct{ v X }
var a, b = 1, 2
var (
	c int
	_ int
)
const (
	K = iota
	L
)
"#;
        let tree = parse_go(src).unwrap();
        let got: Vec<(String, DeclKind)> = top_level(&tree, src)
            .into_iter()
            .map(|d| (d.name, d.kind))
            .collect();
        let want: Vec<(String, DeclKind)> = [
            ("Setuid", DeclKind::Func),
            ("T", DeclKind::Type),
            ("A", DeclKind::Type),
            ("G", DeclKind::Type),
            ("a", DeclKind::Var),
            ("b", DeclKind::Var),
            ("c", DeclKind::Var),
            ("K", DeclKind::Const),
            ("L", DeclKind::Const),
        ]
        .into_iter()
        .map(|(n, k)| (n.to_string(), k))
        .collect();
        assert_eq!(got, want);
    }

    #[test]
    fn literal_only_constants_get_values() {
        let src = br#"package p
const A = 0x10 | 2
const (
	B = uintptr(A) << 1
	C = len("x")
	D = iota
	E
)
const F, G = -1, ^0
var V = 3
"#;
        let tree = parse_go(src).unwrap();
        let got: Vec<(String, Option<i128>)> = top_level(&tree, src)
            .into_iter()
            .map(|d| (d.name, d.value))
            .collect();
        assert_eq!(
            got,
            vec![
                ("A".to_string(), Some(0x12)),
                ("B".to_string(), Some(0x24)),
                ("C".to_string(), None),
                ("D".to_string(), None),
                ("E".to_string(), None),
                ("F".to_string(), Some(-1)),
                ("G".to_string(), Some(-1)),
                ("V".to_string(), None),
            ]
        );
    }
}
