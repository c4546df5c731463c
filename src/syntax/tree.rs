//! tree-sitter-go parsing with one parser per thread, a node's text, and [`Span`], a node's
//! place in its file. A leaf: it imports nothing from the crate, so the lexer and the index
//! (below the rest of `syntax`) may use it.

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

/// A byte range in a file plus its 1-based line/column positions (columns in bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl Span {
    pub fn from_node(node: &tree_sitter::Node<'_>) -> Span {
        let s = node.start_position();
        let e = node.end_position();
        Span {
            start: node.start_byte(),
            end: node.end_byte(),
            line: s.row + 1,
            column: s.column + 1,
            end_line: e.row + 1,
            end_column: e.column + 1,
        }
    }

    /// The span of bytes `start..end` given the byte offsets at which lines start
    /// (`line_starts[0] == 0`): 1-based lines, byte columns.
    pub fn from_offsets(line_starts: &[usize], start: usize, end: usize) -> Span {
        let at = |off: usize| {
            let line = line_starts.partition_point(|&s| s <= off);
            (line, off - line_starts[line - 1] + 1)
        };
        let (line, column) = at(start);
        let (end_line, end_column) = at(end);
        Span {
            start,
            end,
            line,
            column,
            end_line,
            end_column,
        }
    }
}
