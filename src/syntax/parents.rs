//! Parent links of a file's tree, computed once per file, and the links from a node to the
//! nearest ancestor where Go name resolution looks.

use super::nodes::NodeTable;
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

/// Parent links of one file's tree, built on first use: tree-sitter's `Node::parent`
/// searches down from the root, which is quadratic in long statement lists and literals.
pub struct Parents<'a> {
    root: Node<'a>,
    /// The tree's nodes in pre-order, read once: the links and the whole-file walks use it.
    nodes: OnceCell<NodeTable<'a>>,
    map: OnceCell<NodeMap<Node<'a>>>,
    scopes: OnceCell<NodeMap<ScopeLink<'a>>>,
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
            map: OnceCell::new(),
            scopes: OnceCell::new(),
        }
    }

    pub fn of(&self, n: Node<'a>) -> Option<Node<'a>> {
        let map = self.map.get_or_init(|| {
            let mut map = NodeMap::default();
            self.each_child(|p, ch| {
                map.insert(ch.id(), p);
            });
            map
        });
        map.get(&n.id()).copied()
    }

    /// The link from `n` to its nearest scope ancestor: climbing these links visits every
    /// ancestor resolution cares about in O(scopes), not O(depth) (a name at the bottom of
    /// a chain of 50,000 `+` sits three scopes deep).
    pub fn scope_of(&self, n: Node<'a>) -> Option<ScopeLink<'a>> {
        let map = self.scopes.get_or_init(|| {
            let mut map: NodeMap<ScopeLink<'a>> = NodeMap::default();
            self.each_child(|p, ch| {
                let link = if SCOPE_KINDS.contains(&p.kind()) {
                    ScopeLink {
                        scope: p,
                        child: ch,
                    }
                } else {
                    match map.get(&p.id()) {
                        Some(l) => *l,
                        None => return,
                    }
                };
                map.insert(ch.id(), link);
            });
            map
        });
        map.get(&n.id()).copied()
    }

    /// The tree's nodes in pre-order, read off the tree on first use.
    pub fn nodes(&self) -> &NodeTable<'a> {
        self.nodes.get_or_init(|| NodeTable::new(self.root))
    }

    /// Every (parent, child) edge, parents before their children.
    fn each_child(&self, f: impl FnMut(Node<'a>, Node<'a>)) {
        self.nodes().each_edge(f)
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
