//! References to package-level names: `pkg.Name` through an import, and unqualified names
//! that no local declaration shadows.
//!
//! Scoping is flow-insensitive per top-level declaration: a name bound anywhere inside a
//! function (parameter, `:=`, local `var`, range variable…) counts as local in the whole
//! function. That can miss a reference but never invents one.

use crate::syntax::tree::text;
use crate::syntax::tree::Span;
use std::collections::HashSet;
use tree_sitter::{Node, Tree};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NameRef {
    /// Import name used as qualifier (`unix` in `unix.SYS_READ`), `None` for unqualified.
    pub qualifier: Option<String>,
    pub name: String,
    /// The whole `pkg.Name` selector, or the identifier.
    pub span: Span,
}

/// One node with where it sits: its field name in its parent and its ancestors.
pub struct Visit<'t, 'a> {
    pub node: Node<'t>,
    pub field: Option<&'t str>,
    /// (node, field-in-its-parent) of each ancestor, nearest last.
    pub ancestors: &'a [(Node<'t>, Option<&'t str>)],
}

impl<'t> Visit<'t, '_> {
    /// The node's parent, from the walk: `Node::parent` searches down from the root, O(depth)
    /// per call, so calling it on every node of a deep expression is quadratic. Above the
    /// walk's root it asks the tree (once per walk).
    pub fn parent(&self) -> Option<Node<'t>> {
        match self.ancestors.last() {
            Some(a) => Some(a.0),
            None => self.node.parent(),
        }
    }

    /// The parent's parent (from the walk, as [`Visit::parent`]).
    pub fn grandparent(&self) -> Option<Node<'t>> {
        match self.ancestors {
            [.., gp, _] => Some(gp.0),
            [p] => p.0.parent(),
            [] => self.node.parent()?.parent(),
        }
    }
}

/// Depth-first pre-order walk without recursion (generated Go can nest very deep).
/// `f` returns whether to descend into the node.
pub fn walk_tree<'t>(root: Node<'t>, mut f: impl FnMut(&Visit<'t, '_>) -> bool) {
    let mut cursor = root.walk();
    let mut ancestors: Vec<(Node<'t>, Option<&'t str>)> = Vec::new();
    loop {
        let node = cursor.node();
        let field = cursor.field_name();
        let descend = f(&Visit {
            node,
            field,
            ancestors: &ancestors,
        });
        if descend && cursor.goto_first_child() {
            ancestors.push((node, field));
            continue;
        }
        loop {
            if ancestors.is_empty() {
                return;
            }
            if cursor.goto_next_sibling() {
                break;
            }
            cursor.goto_parent();
            ancestors.pop();
        }
    }
}

/// All references in a file. `imports` are the names the file's imports bind.
pub fn collect(tree: &Tree, src: &[u8], imports: &HashSet<String>) -> Vec<NameRef> {
    let mut out = Vec::new();
    let root = tree.root_node();
    let mut c = root.walk();
    for decl in root.named_children(&mut c) {
        if matches!(
            decl.kind(),
            "package_clause" | "import_declaration" | "comment"
        ) {
            continue;
        }
        let locals = bound_names(decl, src);
        collect_in(decl, src, imports, &locals, &mut out);
    }
    out
}

/// Whether an `expression_list` under this parent binds names (`a, b :=`).
fn binds_list(parent: Node<'_>, field: Option<&str>) -> bool {
    match (parent.kind(), field) {
        ("short_var_declaration", Some("left")) | ("type_switch_statement", Some("alias")) => true,
        ("range_clause" | "receive_statement", Some("left")) => has_token(parent, ":="),
        _ => false,
    }
}

fn has_token(node: Node<'_>, tok: &str) -> bool {
    let mut c = node.walk();
    let found = node
        .children(&mut c)
        .any(|ch| !ch.is_named() && ch.kind() == tok);
    found
}

fn is_decl_name(parent_kind: &str, field: Option<&str>) -> bool {
    field == Some("name")
        && matches!(
            parent_kind,
            "parameter_declaration"
                | "variadic_parameter_declaration"
                | "type_parameter_declaration"
                | "var_spec"
                | "const_spec"
                | "function_declaration"
                | "type_spec"
                | "type_alias"
        )
}

/// Names bound inside a top-level declaration (not the declaration's own name).
fn bound_names(decl: Node<'_>, src: &[u8]) -> HashSet<String> {
    let mut names = HashSet::new();
    let top = decl.id();
    walk_tree(decl, |v| {
        let Some(parent) = v.parent() else {
            return true;
        };
        match v.node.kind() {
            "identifier" | "type_identifier" => {
                let owner_is_top = parent.id() == top
                    || (matches!(
                        parent.kind(),
                        "var_spec" | "const_spec" | "type_spec" | "type_alias"
                    ) && is_top_level_spec(v.ancestors, top));
                // `func (s *Set[T]) Add(v T)`: the receiver's type arguments declare `T`.
                let receiver_type_param = parent.kind() == "type_elem"
                    && v.ancestors.iter().any(|a| a.1 == Some("receiver"));
                if (is_decl_name(parent.kind(), v.field) && !owner_is_top) || receiver_type_param {
                    names.insert(text(v.node, src).to_string());
                } else if parent.kind() == "expression_list" {
                    if let Some(gp) = v.grandparent() {
                        let list_field = v.ancestors.last().and_then(|a| a.1);
                        if binds_list(gp, list_field) {
                            names.insert(text(v.node, src).to_string());
                        }
                    }
                }
            }
            _ => {}
        }
        true
    });
    names
}

/// Whether the spec that is the last of `ancestors` belongs directly to the top-level
/// declaration `top`.
fn is_top_level_spec(ancestors: &[(Node<'_>, Option<&str>)], top: usize) -> bool {
    let Some((_, above)) = ancestors.split_last() else {
        return false;
    };
    for (n, _) in above.iter().rev() {
        if n.id() == top {
            return true;
        }
        if !matches!(
            n.kind(),
            "var_spec_list" | "type_declaration" | "var_declaration" | "const_declaration"
        ) {
            return false;
        }
    }
    false
}

fn collect_in(
    decl: Node<'_>,
    src: &[u8],
    imports: &HashSet<String>,
    locals: &HashSet<String>,
    out: &mut Vec<NameRef>,
) {
    walk_tree(decl, |v| {
        let node = v.node;
        match node.kind() {
            "selector_expression" => {
                let operand = node.child_by_field_name("operand");
                let field = node.child_by_field_name("field");
                if let (Some(op), Some(f)) = (operand, field) {
                    let q = text(op, src);
                    if op.kind() == "identifier" && imports.contains(q) && !locals.contains(q) {
                        out.push(NameRef {
                            qualifier: Some(q.to_string()),
                            name: text(f, src).to_string(),
                            span: Span::from_node(&node),
                        });
                        return false;
                    }
                }
                true
            }
            "qualified_type" => {
                let pkg = node.child_by_field_name("package");
                let name = node.child_by_field_name("name");
                if let (Some(p), Some(n)) = (pkg, name) {
                    let q = text(p, src);
                    if imports.contains(q) && !locals.contains(q) {
                        out.push(NameRef {
                            qualifier: Some(q.to_string()),
                            name: text(n, src).to_string(),
                            span: Span::from_node(&node),
                        });
                    }
                }
                false
            }
            "identifier" | "type_identifier" => {
                let Some(parent) = v.parent() else {
                    return false;
                };
                let name = text(node, src);
                let is_key = parent.kind() == "literal_element"
                    && v.ancestors.last().is_some_and(|a| a.1 == Some("key"));
                let binds = is_decl_name(parent.kind(), v.field)
                    || (parent.kind() == "expression_list"
                        && v.grandparent().is_some_and(|gp| {
                            binds_list(gp, v.ancestors.last().and_then(|a| a.1))
                        }));
                if !is_key && !binds && name != "_" && !locals.contains(name) {
                    out.push(NameRef {
                        qualifier: None,
                        name: name.to_string(),
                        span: Span::from_node(&node),
                    });
                }
                false
            }
            // Struct field names, method names and labels are not package-level names.
            "field_identifier" | "label_name" | "package_identifier" | "comment" => false,
            _ => true,
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::tree::parse_go;

    fn refs(src: &str) -> Vec<String> {
        let tree = parse_go(src.as_bytes()).unwrap();
        let imports: HashSet<String> = ["unix", "syscall", "system"]
            .into_iter()
            .map(String::from)
            .collect();
        collect(&tree, src.as_bytes(), &imports)
            .into_iter()
            .map(|r| match r.qualifier {
                Some(q) => format!("{q}.{}@{}", r.name, r.span.line),
                None => format!("{}@{}", r.name, r.span.line),
            })
            .collect()
    }

    #[test]
    fn qualified_and_unqualified() {
        let got = refs(
            r#"package p
var x = unix.SYS_EPOLL_WAIT
func f(fd int) (n int, err error) {
	var st unix.Stat_t
	_ = system.Setuid(fd)
	y := helper(st.Rdev)
	for i, v := range list { _ = i + v }
	return n, err
}
"#,
        );
        assert_eq!(
            got,
            vec![
                "unix.SYS_EPOLL_WAIT@2",
                "int@3",
                "int@3",
                "error@3",
                "unix.Stat_t@4",
                "system.Setuid@5",
                "helper@6",
                "list@7",
            ],
            "named results `n`, `err` and range variables are locals"
        );
    }

    #[test]
    fn receiver_type_parameters_are_locals() {
        let got = refs("package p\nfunc (s *Set[T]) Add(v T) { var _ K }\n");
        assert_eq!(got, vec!["Set@2", "K@2"]);
    }

    #[test]
    fn locals_shadow_package_names_and_imports() {
        let got = refs(
            r#"package p
func f() {
	unix := thing{}
	_ = unix.SYS_READ
	var helper = 1
	_ = helper
	_ = T{Field: other}
	type local int
	var l local
	_ = l
}
"#,
        );
        assert_eq!(got, vec!["thing@3", "T@7", "other@7", "int@8"]);
    }
}
