//! References to package-level names: `pkg.Name` through an import, and unqualified names
//! that no local declaration shadows.
//!
//! Scoping is flow-insensitive per top-level declaration: a name bound anywhere inside a
//! function (parameter, `:=`, local `var`, range variable…) counts as local in the whole
//! function. That can miss a reference but never invents one.

use crate::syntax::tree::FIELD;
use crate::syntax::tree::{field_name, kind, Span};
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
    /// `node.kind()`, read once per node for every walk over a node table.
    pub kind: &'static str,
    pub field: Option<&'static str>,
    /// (node, field-in-its-parent) of each ancestor, nearest last.
    pub ancestors: &'a [(Node<'t>, Option<&'static str>)],
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
    let mut ancestors: Vec<(Node<'t>, Option<&'static str>)> = Vec::new();
    loop {
        let node = cursor.node();
        let field = field_name(&cursor);
        let descend = f(&Visit {
            node,
            kind: kind(node),
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
    collect_walking(tree, src, imports, &|decl, f| walk_tree(decl, f))
}

/// A walk as [`walk_tree`]'s from a node: one over a table of the tree's nodes read once
/// (`crate::syntax`'s) costs no tree-cursor steps.
pub type Walker<'t> = dyn Fn(Node<'t>, &mut dyn FnMut(&Visit<'t, '_>) -> bool) + 't;

/// [`collect`], walking each declaration with `walk`.
pub fn collect_walking<'t>(
    tree: &'t Tree,
    src: &[u8],
    imports: &HashSet<String>,
    walk: &Walker<'t>,
) -> Vec<NameRef> {
    let mut out = Vec::new();
    // Validated once: node texts are then slices, not a UTF-8 check each.
    let text = crate::lexer::utf8(src);
    let root = tree.root_node();
    let mut c = root.walk();
    let mut locals: HashSet<&str> = HashSet::new();
    let mut found: Vec<NameRef> = Vec::new();
    for decl in root.named_children(&mut c) {
        if matches!(
            decl.kind(),
            "package_clause" | "import_declaration" | "comment"
        ) {
            continue;
        }
        locals.clear();
        scan_decl(decl, src, text, imports, walk, &mut locals, &mut found);
        // Scoping is per declaration: a reference is dropped when its name (or its
        // qualifier) is bound anywhere in it, before or after.
        out.extend(found.drain(..).filter(|r| {
            let name = r.qualifier.as_deref().unwrap_or(&r.name);
            !locals.contains(name)
        }));
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

/// One walk of a top-level declaration: the names bound inside it (not the declaration's
/// own name) into `locals`, and every reference into `found`, before the locals are known
/// (the caller drops those a local shadows).
fn scan_decl<'s, 't>(
    decl: Node<'t>,
    src: &'s [u8],
    text: Option<&'s str>,
    imports: &HashSet<String>,
    walk: &Walker<'t>,
    locals: &mut HashSet<&'s str>,
    found: &mut Vec<NameRef>,
) {
    let text_of = |n: Node<'_>| -> &'s str {
        match text {
            Some(t) => t.get(n.byte_range()).unwrap_or(""),
            None => std::str::from_utf8(&src[n.byte_range()]).unwrap_or(""),
        }
    };
    let top = decl.id();
    walk(decl, &mut |v| {
        let node = v.node;
        match v.kind {
            // `pkg.Name` through an import (unless `pkg` is a local: then nothing below is
            // a reference, and no name is bound there).
            "selector_expression" => {
                let operand = node.child_by_field_id(FIELD.operand);
                let field = node.child_by_field_id(FIELD.field);
                if let (Some(op), Some(f)) = (operand, field) {
                    let q = text_of(op);
                    if op.kind() == "identifier" && imports.contains(q) {
                        found.push(NameRef {
                            qualifier: Some(q.to_string()),
                            name: text_of(f).to_string(),
                            span: Span::from_node(&node),
                        });
                        return false;
                    }
                }
                true
            }
            "qualified_type" => {
                let pkg = node.child_by_field_id(FIELD.package);
                let name = node.child_by_field_id(FIELD.name);
                if let (Some(p), Some(n)) = (pkg, name) {
                    let q = text_of(p);
                    if imports.contains(q) {
                        found.push(NameRef {
                            qualifier: Some(q.to_string()),
                            name: text_of(n).to_string(),
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
                let name = text_of(node);
                let parent_kind = parent.kind();
                let decl_name = is_decl_name(parent_kind, v.field);
                let list_binds = parent_kind == "expression_list"
                    && v.grandparent()
                        .is_some_and(|gp| binds_list(gp, v.ancestors.last().and_then(|a| a.1)));
                // Bound here: a name declared inside the declaration (not its own), a
                // receiver's type parameter (`func (s *Set[T]) Add(v T)`), `a, b :=`.
                let owner_is_top = parent.id() == top
                    || (matches!(
                        parent_kind,
                        "var_spec" | "const_spec" | "type_spec" | "type_alias"
                    ) && is_top_level_spec(v.ancestors, top));
                let receiver_type_param = parent_kind == "type_elem"
                    && v.ancestors.iter().any(|a| a.1 == Some("receiver"));
                if (decl_name && !owner_is_top) || receiver_type_param || list_binds {
                    locals.insert(name);
                }
                let is_key = parent_kind == "literal_element"
                    && v.ancestors.last().is_some_and(|a| a.1 == Some("key"));
                if !is_key && !decl_name && !list_binds && name != "_" {
                    found.push(NameRef {
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
