//! tree-sitter-go parsing with one parser per thread, and a node's text. A leaf: it imports
//! nothing from the crate, so the index (below the rest of `syntax`) may use it.

use std::cell::RefCell;
use tree_sitter::{Parser, Tree};

thread_local! {
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

/// Parse Go source. `None` only if tree-sitter gives up (it recovers from most errors,
/// leaving `ERROR` nodes in the tree).
pub fn parse_go(src: &[u8]) -> Option<Tree> {
    PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        let parser = slot.get_or_insert_with(|| {
            let mut p = Parser::new();
            p.set_language(&tree_sitter_go::LANGUAGE.into())
                .expect("tree-sitter-go matches the tree-sitter ABI");
            p
        });
        parser.parse(src, None)
    })
}

/// The text of a node (empty for invalid UTF-8, which the walker already filters out).
pub fn text<'s>(node: tree_sitter::Node<'_>, src: &'s [u8]) -> &'s str {
    std::str::from_utf8(&src[node.byte_range()]).unwrap_or("")
}
