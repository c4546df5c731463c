//! Parent links of a file's tree, computed once per file, and the links from a node to the
//! nearest ancestor where Go name resolution looks.

use super::nodes::{NodeTable, NO_PARENT};
use std::cell::OnceCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use tree_sitter::Node;

/// Hashes a node id (an address inside the tree) with one multiply: the maps keyed by node
/// are looked up on every step of every climb, where SipHash dominated the profile.
#[derive(Default)]
pub struct NodeIdHasher(u64);

impl Hasher for NodeIdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_usize(&mut self, n: usize) {
        // Ids are aligned addresses: fold the high bits down so the table's low bits vary.
        let h = (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = h ^ (h >> 32);
    }
}

/// A map keyed by `Node::id`.
pub type NodeMap<V> = HashMap<usize, V, BuildHasherDefault<NodeIdHasher>>;

/// The node kinds where Go name resolution (`crate::types::infer::Infer::resolve`) looks
/// for declarations: blocks and case clauses, declaration groups, statements with
/// initialisers, functions, the file. Every other ancestor is passed over.
pub const SCOPE_KINDS: &[&str] = &[
    "statement_list",
    "block",
    "expression_case",
    "default_case",
    "communication_case",
    "type_case",
    "var_declaration",
    "const_declaration",
    "var_spec_list",
    "if_statement",
    "expression_switch_statement",
    "type_switch_statement",
    "for_statement",
    "for_clause",
    "function_declaration",
    "method_declaration",
    "func_literal",
    "source_file",
];

/// Parent links of one file's tree, from its node table: tree-sitter's `Node::parent`
/// searches down from the root, which is quadratic in long statement lists and literals.
pub struct Parents<'a> {
    root: Node<'a>,
    /// The tree's nodes in pre-order, read once: the links and the whole-file walks use it.
    nodes: OnceCell<NodeTable<'a>>,
    /// Per node of the table: its scope link as (scope index, child index), built on first
    /// use.
    scopes: OnceCell<Vec<(u32, u32)>>,
}

/// The nearest ancestor of a node whose kind is in [`SCOPE_KINDS`], and the child of that
/// ancestor the node sits in (the node itself when the ancestor is its parent).
#[derive(Clone, Copy, Debug)]
pub struct ScopeLink<'a> {
    pub scope: Node<'a>,
    pub child: Node<'a>,
}

impl<'a> Parents<'a> {
    pub fn new(root: Node<'a>) -> Self {
        Parents {
            root,
            nodes: OnceCell::new(),
            scopes: OnceCell::new(),
        }
    }

    /// The tree's nodes in pre-order, read off the tree on first use.
    pub fn nodes(&self) -> &NodeTable<'a> {
        self.nodes.get_or_init(|| NodeTable::new(self.root))
    }

    pub fn of(&self, n: Node<'a>) -> Option<Node<'a>> {
        let nodes = self.nodes();
        match nodes.index_of(n) {
            Some(i) => {
                let p = nodes.parent(i);
                (p != NO_PARENT).then(|| nodes.node(p))
            }
            // Not from this tree's table: ask the tree.
            None => n.parent(),
        }
    }

    /// `n.named_children(..)`, collected, read off the table when `n` is in it.
    pub fn named_children(&self, n: Node<'a>) -> Vec<Node<'a>> {
        self.nodes().named_children(n).unwrap_or_else(|| {
            let mut c = n.walk();
            let all: Vec<Node<'a>> = n.named_children(&mut c).collect();
            all
        })
    }

    /// The link from `n` to its nearest scope ancestor: climbing these links visits every
    /// ancestor resolution cares about in O(scopes), not O(depth) (a name at the bottom of
    /// a chain of 50,000 `+` sits three scopes deep).
    pub fn scope_of(&self, n: Node<'a>) -> Option<ScopeLink<'a>> {
        let nodes = self.nodes();
        let scopes = self.scopes.get_or_init(|| {
            let mut links: Vec<(u32, u32)> = Vec::new();
            let mut is_scope: Vec<bool> = Vec::new();
            nodes.each_parent(|i, p| {
                is_scope.push(SCOPE_KINDS.contains(&nodes.kind(i)));
                links.push(if p == NO_PARENT {
                    (NO_PARENT, NO_PARENT)
                } else if is_scope[p as usize] {
                    (p, i)
                } else {
                    links[p as usize]
                });
            });
            links
        });
        let (scope, child) = scopes[nodes.index_of(n)? as usize];
        (scope != NO_PARENT).then(|| ScopeLink {
            scope: nodes.node(scope),
            child: nodes.node(child),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::tree::parse_go;

    #[test]
    fn scope_links_skip_expressions_and_name_the_child_on_the_path() {
        let src = "package p\nfunc f() {\n\tx := 1 + (2 + y)\n}\n";
        let tree = parse_go(src.as_bytes()).unwrap();
        let parents = Parents::new(tree.root_node());
        let y = tree
            .root_node()
            .descendant_for_byte_range(src.find('y').unwrap(), src.find('y').unwrap() + 1)
            .unwrap();
        assert_eq!(y.kind(), "identifier");
        let mut kinds = Vec::new();
        let mut link = parents.scope_of(y);
        while let Some(l) = link {
            assert_eq!(parents.of(l.child).map(|p| p.id()), Some(l.scope.id()));
            kinds.push((l.scope.kind(), l.child.kind()));
            link = parents.scope_of(l.scope);
        }
        assert_eq!(
            kinds,
            vec![
                ("statement_list", "short_var_declaration"),
                ("block", "statement_list"),
                ("function_declaration", "block"),
                ("source_file", "function_declaration"),
            ]
        );
    }
}
