//! Parent links of a file's tree, computed once per file.

use std::cell::OnceCell;
use std::collections::HashMap;
use tree_sitter::Node;

/// Parent links of one file's tree, built on first use: tree-sitter's `Node::parent`
/// searches down from the root, which is quadratic in long statement lists and literals.
pub struct Parents<'a> {
    root: Node<'a>,
    map: OnceCell<HashMap<usize, Node<'a>>>,
}

impl<'a> Parents<'a> {
    pub fn new(root: Node<'a>) -> Self {
        Parents {
            root,
            map: OnceCell::new(),
        }
    }

    pub fn of(&self, n: Node<'a>) -> Option<Node<'a>> {
        let map = self.map.get_or_init(|| {
            let mut map = HashMap::new();
            let mut stack = vec![self.root];
            while let Some(p) = stack.pop() {
                let mut c = p.walk();
                for ch in p.children(&mut c) {
                    map.insert(ch.id(), p);
                    stack.push(ch);
                }
            }
            map
        });
        map.get(&n.id()).copied()
    }
}
