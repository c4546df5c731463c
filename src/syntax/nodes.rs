//! A file's nodes in pre-order, read off the tree once by one cursor walk: the rules that
//! walk the whole file then iterate a vector instead of each steering a tree cursor (cursor
//! steps were a fifth of a whole-tree scan's profile).

use super::tree::{field_name, kind};
use crate::index::refs::Visit;
use tree_sitter::Node;

/// Every node of a tree (named and anonymous, as a tree cursor visits them), pre-order.
pub struct NodeTable<'t> {
    entries: Vec<Entry<'t>>,
}

struct Entry<'t> {
    node: Node<'t>,
    /// The node's kind, read once for every walk.
    kind: &'static str,
    field: Option<&'static str>,
    /// Index one past the node's last descendant.
    end: u32,
    /// Index of the parent ([`NO_PARENT`] for the root).
    parent: u32,
}

/// The root's parent index.
pub const NO_PARENT: u32 = u32::MAX;

impl<'t> NodeTable<'t> {
    /// The nodes under `root` (inclusive).
    pub fn new(root: Node<'t>) -> NodeTable<'t> {
        // Sized once: the tree knows how many nodes a cursor visits (growing the vector
        // copied every entry again and again).
        let mut entries: Vec<Entry<'t>> = Vec::with_capacity(root.descendant_count());
        // Indices of the entries whose subtree is still open.
        let mut open: Vec<usize> = Vec::new();
        let mut cursor = root.walk();
        loop {
            let node = cursor.node();
            entries.push(Entry {
                node,
                kind: kind(node),
                field: field_name(&cursor),
                end: 0,
                parent: open.last().map_or(NO_PARENT, |&p| p as u32),
            });
            if cursor.goto_first_child() {
                open.push(entries.len() - 1);
                continue;
            }
            let last = entries.len() - 1;
            entries[last].end = entries.len() as u32;
            loop {
                if open.is_empty() {
                    return NodeTable { entries };
                }
                if cursor.goto_next_sibling() {
                    break;
                }
                cursor.goto_parent();
                let parent = open.pop().expect("an open ancestor");
                entries[parent].end = entries.len() as u32;
            }
        }
    }

    /// Number of nodes.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries.len()
    }

    /// The node at index `i`.
    pub fn node(&self, i: u32) -> Node<'t> {
        self.entries[i as usize].node
    }

    /// The kind of the node at index `i`.
    pub fn kind(&self, i: u32) -> &'static str {
        self.entries[i as usize].kind
    }

    /// The index of the parent of the node at `i` ([`NO_PARENT`] for the root).
    pub fn parent(&self, i: u32) -> u32 {
        self.entries[i as usize].parent
    }

    /// The index of node `n`, when it is in the table. Pre-order lists nodes by their start
    /// byte (never decreasing): a binary search, then the few nodes starting there.
    pub fn index_of(&self, n: Node<'t>) -> Option<u32> {
        let start = n.start_byte();
        let first = self
            .entries
            .partition_point(|e| e.node.start_byte() < start);
        let id = n.id();
        self.entries[first..]
            .iter()
            .take_while(|e| e.node.start_byte() == start)
            .position(|e| e.node.id() == id)
            .map(|k| (first + k) as u32)
    }

    /// The nodes of `n`'s subtree, `n` first, in pre-order (`None` when `n` is not of this
    /// table's tree).
    pub fn subtree(&self, n: Node<'t>) -> Option<impl Iterator<Item = Node<'t>> + '_> {
        let i = self.index_of(n)? as usize;
        Some(
            self.entries[i..self.entries[i].end as usize]
                .iter()
                .map(|e| e.node),
        )
    }

    /// The named children of `n`, in order (`None` when `n` is not of this table's tree):
    /// `Node::named_children` steps a tree cursor over every child, named or not.
    pub fn named_children(&self, n: Node<'t>) -> Option<Vec<Node<'t>>> {
        let i = self.index_of(n)? as usize;
        let end = self.entries[i].end as usize;
        let mut out = Vec::new();
        let mut j = i + 1;
        while j < end {
            let e = &self.entries[j];
            if e.node.is_named() {
                out.push(e.node);
            }
            j = e.end as usize;
        }
        Some(out)
    }

    /// For each node, in table order, `f(index, parent index)`; parents come first.
    pub fn each_parent(&self, mut f: impl FnMut(u32, u32)) {
        for (i, e) in self.entries.iter().enumerate() {
            f(i as u32, e.parent);
        }
    }

    /// Depth-first pre-order walk, as [`crate::index::refs::walk_tree`] from the table's
    /// root: `f` returns whether to descend into the node.
    pub fn walk(&self, f: impl FnMut(&Visit<'t, '_>) -> bool) {
        self.walk_range(0, f)
    }

    /// [`NodeTable::walk`] from `n`, as `walk_tree(n, f)` (a node of another tree is
    /// walked with a cursor).
    pub fn walk_from(&self, n: Node<'t>, f: impl FnMut(&Visit<'t, '_>) -> bool) {
        match self.index_of(n) {
            Some(i) => self.walk_range(i as usize, f),
            None => crate::index::refs::walk_tree(n, f),
        }
    }

    /// The walk over the subtree whose root is at index `first` (its field unknown, as to
    /// a cursor that starts there).
    fn walk_range(&self, first: usize, mut f: impl FnMut(&Visit<'t, '_>) -> bool) {
        let Some(root) = self.entries.get(first) else {
            return;
        };
        let stop = root.end as usize;
        let mut ancestors: Vec<(Node<'t>, Option<&'static str>)> = Vec::new();
        let mut ends: Vec<u32> = Vec::new();
        let mut i = first;
        while let Some(e) = self.entries.get(i).filter(|_| i < stop) {
            while ends.last().is_some_and(|&end| i as u32 >= end) {
                ends.pop();
                ancestors.pop();
            }
            let field = if i == first { None } else { e.field };
            let descend = f(&Visit {
                node: e.node,
                kind: e.kind,
                field,
                ancestors: &ancestors,
            });
            if descend && e.end as usize > i + 1 {
                ancestors.push((e.node, field));
                ends.push(e.end);
                i += 1;
            } else {
                i = e.end as usize;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::refs::walk_tree;
    use crate::syntax::tree::parse_go;

    /// What a walk saw: each node's kind, field and ancestors' kinds, where `f` cut.
    fn trace(walk: impl FnOnce(&mut dyn FnMut(&Visit<'_, '_>) -> bool)) -> Vec<String> {
        let mut seen = Vec::new();
        walk(&mut |v: &Visit<'_, '_>| {
            let path: Vec<&str> = v.ancestors.iter().map(|(n, _)| n.kind()).collect();
            assert_eq!(v.kind, v.node.kind());
            seen.push(format!(
                "{} {:?} {} {:?}",
                v.node.kind(),
                v.field,
                path.join("/"),
                v.parent().map(|p| p.kind())
            ));
            // Skip function bodies, to check that a cut subtree is skipped whole.
            v.node.kind() != "block"
        });
        seen
    }

    #[test]
    fn walks_as_the_tree_cursor_does() {
        let src = "package p\n\nimport \"syscall\"\n\nconst (\n\tA = 1\n\tB = A << 2\n)\n\n\
                   func f(x int) int {\n\tif x > 0 {\n\t\treturn syscall.SYS_READ + x\n\t}\n\treturn 0\n}\n\n\
                   var t = map[string]int{\"a\": 1, \"b\": f(2)}\n";
        let tree = parse_go(src.as_bytes()).unwrap();
        let root = tree.root_node();
        let table = NodeTable::new(root);
        let from_tree = trace(|f| walk_tree(root, f));
        let from_table = trace(|f| table.walk(f));
        assert!(from_tree.len() > 40, "{from_tree:?}");
        assert_eq!(from_table, from_tree);
        // Every node is in the table, the skipped body's too.
        let mut all = 0;
        walk_tree(root, |_| {
            all += 1;
            true
        });
        assert_eq!(table.len(), all);
    }

    /// A node's subtree from the table is what a cursor walk under it visits, in order.
    #[test]
    fn subtrees_are_the_cursors() {
        let src =
            "package p\nfunc f(x int) int {\n\tif x > 0 { return g(x, h(1)) }\n\treturn 0\n}\n";
        let tree = parse_go(src.as_bytes()).unwrap();
        let table = NodeTable::new(tree.root_node());
        let mut checked = 0;
        walk_tree(tree.root_node(), |v| {
            let mut under = Vec::new();
            walk_tree(v.node, |w| {
                under.push(w.node.id());
                true
            });
            let from_table: Vec<usize> = table.subtree(v.node).unwrap().map(|n| n.id()).collect();
            assert_eq!(from_table, under, "{}", v.node.kind());
            checked += 1;
            true
        });
        assert_eq!(checked, table.len());
        let other = parse_go(b"package q\n").unwrap();
        assert!(table.subtree(other.root_node().child(0).unwrap()).is_none());
    }

    /// A node's named children from the table are the cursor's, comments among them.
    #[test]
    fn named_children_are_the_cursors() {
        let src = "package p\nfunc f(x int) int {\n\t// c\n\ta := 1\n\tif x > a { return g(x, h(1)) }\n\treturn 0\n}\n";
        let tree = parse_go(src.as_bytes()).unwrap();
        let table = NodeTable::new(tree.root_node());
        let mut checked = 0;
        walk_tree(tree.root_node(), |v| {
            let mut c = v.node.walk();
            let want: Vec<usize> = v.node.named_children(&mut c).map(|n| n.id()).collect();
            let got: Vec<usize> = table
                .named_children(v.node)
                .unwrap()
                .iter()
                .map(|n| n.id())
                .collect();
            assert_eq!(got, want, "{}", v.node.kind());
            checked += usize::from(want.len() > 1);
            true
        });
        assert!(checked > 5, "{checked}");
        let other = parse_go(b"package q\n").unwrap();
        assert!(table.named_children(other.root_node()).is_none());
    }

    /// A walk from any node of the table is the cursor walk from that node, cut where
    /// the callback cuts.
    #[test]
    fn walks_from_a_node_as_the_tree_cursor_does() {
        let src =
            "package p\nfunc f(x int) int {\n\tif x > 0 { return g(x, h(1)) }\n\treturn 0\n}\n\
                   var t = map[string]func(){\"a\": func() { k() }}\n";
        let tree = parse_go(src.as_bytes()).unwrap();
        let table = NodeTable::new(tree.root_node());
        let mut from = 0;
        walk_tree(tree.root_node(), |v| {
            let n = v.node;
            assert_eq!(
                trace(|f| table.walk_from(n, f)),
                trace(|f| walk_tree(n, f)),
                "{}",
                n.kind()
            );
            from += 1;
            true
        });
        assert_eq!(from, table.len());
        let other = parse_go(b"package q\nfunc f() {}\n").unwrap();
        let root = other.root_node();
        assert_eq!(
            trace(|f| table.walk_from(root, f)),
            trace(|f| walk_tree(root, f))
        );
    }

    #[test]
    fn parents_and_indices_are_the_trees() {
        // A missing `)` gives a zero-width node beside others starting at the same byte.
        for src in [
            "package p\nfunc f() { g(1, h(2)) }\n",
            "package p\nvar x = f(g(\n",
        ] {
            let tree = parse_go(src.as_bytes()).unwrap();
            let table = NodeTable::new(tree.root_node());
            let mut n = 0;
            table.each_parent(|i, p| {
                n += 1;
                let node = table.node(i);
                assert_eq!(table.index_of(node), Some(i), "{}", node.kind());
                assert_eq!(table.kind(i), node.kind());
                let expected = node.parent().map(|x| x.id());
                let got = (p != NO_PARENT).then(|| table.node(p).id());
                assert_eq!(got, expected, "{}", node.kind());
            });
            assert_eq!(n, table.len());
            // The capacity reserved up front is every node the cursor visits.
            assert_eq!(table.len(), tree.root_node().descendant_count());
            assert_eq!(table.entries.capacity(), table.len());
        }
    }

    #[test]
    fn a_file_of_one_node() {
        let tree = parse_go(b"").unwrap();
        let table = NodeTable::new(tree.root_node());
        assert_eq!(table.len(), 1);
        let mut n = 0;
        table.walk(|v| {
            n += 1;
            assert!(v.ancestors.is_empty());
            true
        });
        assert_eq!(n, 1);
    }
}
