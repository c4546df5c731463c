//! Package-level declarations of one parsed file.

use crate::finding::Span;
use crate::syntax::tree::text;
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
                    // The `name` field also holds the commas of `const A, B = 1, 2`.
                    for name in spec.children_by_field_name("name", &mut c) {
                        if name.kind() == "identifier" {
                            push(&mut out, name, kind, src);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    out
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
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::tree::parse_go;

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
}
