//! tree-sitter-go parsing with one parser per thread, a node's text, and [`Span`], a node's
//! place in its file. A leaf: it imports nothing from the crate, so the lexer and the index
//! (below the rest of `syntax`) may use it.

use std::cell::RefCell;
use std::sync::{LazyLock, OnceLock};
use tree_sitter::{Language, Node, Parser, Tree, TreeCursor};

thread_local! {
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

/// The names of tree-sitter-go's node kinds and fields, by id, read off the language once:
/// `Node::kind` and `TreeCursor::field_name` measure and check each C string per call.
struct Names {
    kinds: Vec<&'static str>,
    fields: Vec<Option<&'static str>>,
}

/// tree-sitter-go's language, built once for the parsers, the names and the field ids.
static GO: LazyLock<Language> = LazyLock::new(|| tree_sitter_go::LANGUAGE.into());

fn names() -> &'static Names {
    static NAMES: OnceLock<Names> = OnceLock::new();
    NAMES.get_or_init(|| {
        let go = &*GO;
        Names {
            kinds: (0..go.node_kind_count() as u16)
                .map(|id| go.node_kind_for_id(id).unwrap_or(""))
                .collect(),
            fields: (0..=go.field_count() as u16)
                .map(|id| go.field_name_for_id(id))
                .collect(),
        }
    })
}

/// `node.kind()`, without reading the C string (but for `ERROR`, whose id is past the
/// language's kinds).
pub fn kind(node: Node<'_>) -> &'static str {
    match names().kinds.get(node.kind_id() as usize) {
        Some(k) => k,
        None if node.is_error() => "ERROR",
        None => "",
    }
}

/// `cursor.field_name()`, without reading the C string.
pub fn field_name(cursor: &TreeCursor<'_>) -> Option<&'static str> {
    let id = cursor.field_id()?;
    names().fields.get(id.get() as usize).copied().flatten()
}

/// tree-sitter-go's field ids, looked up by name once: `Node::child_by_field_name` finds
/// the id by comparing the name with the language's field names on every call.
macro_rules! fields {
    ($($id:ident = $name:literal,)*) => {
        /// Field ids of tree-sitter-go, for `Node::child_by_field_id` (see [`FIELD`]).
        pub struct Fields {
            $(pub $id: u16,)*
        }

        impl Fields {
            fn resolve(go: &Language) -> Fields {
                Fields {
                    $($id: go
                        .field_id_for_name($name)
                        .unwrap_or_else(|| panic!("tree-sitter-go has no field {}", $name))
                        .get(),)*
                }
            }
        }
    };
}

fields! {
    alias = "alias",
    alternative = "alternative",
    arguments = "arguments",
    body = "body",
    channel = "channel",
    condition = "condition",
    consequence = "consequence",
    element = "element",
    end = "end",
    field = "field",
    function = "function",
    index = "index",
    initializer = "initializer",
    key = "key",
    left = "left",
    length = "length",
    name = "name",
    operand = "operand",
    operator = "operator",
    package = "package",
    parameters = "parameters",
    path = "path",
    receiver = "receiver",
    result = "result",
    right = "right",
    tag = "tag",
    ty = "type",
    type_parameters = "type_parameters",
    value = "value",
}

/// The field ids, resolved on first use: `node.child_by_field_id(FIELD.operand)` is
/// `node.child_by_field_name("operand")`, without looking the name up.
pub static FIELD: LazyLock<Fields> = LazyLock::new(|| Fields::resolve(&GO));

/// Make tree-sitter's C core allocate with mimalloc, as the rest of abiport does (it uses
/// libc's malloc unless told otherwise).
///
/// # Safety
///
/// Call it before any tree-sitter call of the process (a tree must be freed by the
/// allocator that made it), from one thread.
pub unsafe fn allocate_trees_with_mimalloc() {
    use libmimalloc_sys::{mi_calloc, mi_free, mi_malloc, mi_realloc};
    // SAFETY: the caller's; the four functions are one allocator family, with malloc's
    // alignment.
    unsafe {
        tree_sitter::set_allocator(Some(tree_sitter::Allocator {
            malloc: mi_malloc,
            calloc: mi_calloc,
            realloc: mi_realloc,
            free: mi_free,
        }));
    }
}

/// mimalloc's `mi_option_purge_delay` (its index in `mi_option_e` of the vendored
/// `mimalloc.h`, which libmimalloc-sys does not name).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Keep the pages freed memory held instead of returning them to the kernel a second
/// later (mimalloc's purge): a scan lives for under a second, frees most of what it
/// allocated in one phase before the next allocates as much, and every purged page faulted
/// in again (a scan of Debian's tree 2 % faster in wall time, peak RSS 141 -> ~165 MB).
pub fn retain_freed_pages() {
    // SAFETY: setting an option mimalloc defines, to a value it documents (-1: no purge).
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
}

/// Parse Go source. `None` only if tree-sitter gives up (it recovers from most errors,
/// leaving `ERROR` nodes in the tree).
pub fn parse_go(src: &[u8]) -> Option<Tree> {
    parse_go_skipping(src, &[])
}

/// Parse Go source without the bytes of `skip` (sorted, disjoint `start..end` ranges):
/// tree-sitter reads the rest as one text, and the nodes keep the file's byte offsets and
/// positions. A range skipped inside a function body's braces leaves an empty block.
pub fn parse_go_skipping(src: &[u8], skip: &[(usize, usize)]) -> Option<Tree> {
    with_parser(|parser| {
        if skip.is_empty() {
            return parser.parse(src, None);
        }
        let ranges = included_ranges(src, skip);
        parser.set_included_ranges(&ranges).ok()?;
        let tree = parser.parse(src, None);
        // The parser is reused: back to whole files.
        parser
            .set_included_ranges(&[])
            .expect("the empty list means the whole text");
        tree
    })
}

/// The whole file's tree, from one [`parse_go_skipping`] gave: tree-sitter reuses the
/// subtrees outside the skipped ranges (an incremental parse whose included ranges grew)
/// and parses the skipped bytes.
pub fn reparse_whole(src: &[u8], partial: &Tree) -> Option<Tree> {
    with_parser(|parser| parser.parse(src, Some(partial)))
}

/// `f` with this thread's Go parser (made on first use, reused after: ast-grep's way),
/// reading whole files.
fn with_parser<T>(f: impl FnOnce(&mut Parser) -> T) -> T {
    PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        let parser = slot.get_or_insert_with(|| {
            let mut p = Parser::new();
            p.set_language(&GO)
                .expect("tree-sitter-go matches the tree-sitter ABI");
            p
        });
        f(parser)
    })
}

/// Whether a tree [`parse_go_skipping`] gave is the whole file's tree without what was
/// skipped: no syntax error, and each skipped range is exactly the inside of a block (a
/// function's body) or of a composite literal's value, or whole top-level declarations
/// (`lexer::declarations_without`) that no node of the tree meets. (Else the token scan
/// and tree-sitter disagree on where braces close, in a file Go rejects: it is parsed
/// whole.)
pub fn skipped_only_unread(tree: &Tree, src: &[u8], skip: &[(usize, usize)]) -> bool {
    let root = tree.root_node();
    !root.has_error()
        && skip.iter().all(|&(start, end)| {
            if is_declaration_range(src, start) {
                // The first top-level node reaching past its start starts at or after its
                // end.
                return root
                    .first_child_for_byte(start)
                    .is_none_or(|n| n.start_byte() >= end);
            }
            root.descendant_for_byte_range(start - 1, end + 1)
                .is_some_and(|n| {
                    matches!(n.kind(), "block" | "literal_value")
                        && n.start_byte() + 1 == start
                        && n.end_byte() == end + 1
                })
        })
}

/// `src` without the bytes of `skip` when the rest parses as the whole file would
/// ([`skipped_only_unread`]; then `true`), else whole. `read` is told the bytes each parse
/// read (a partial parse rejected, then the whole file's). `None` only if tree-sitter
/// gives up on the whole file.
pub fn parse_go_partial(
    src: &[u8],
    skip: &[(usize, usize)],
    mut read: impl FnMut(usize),
) -> Option<(Tree, bool)> {
    if !skip.is_empty() {
        if let Some(tree) = parse_go_skipping(src, skip) {
            read(src.len() - skip.iter().map(|(s, e)| e - s).sum::<usize>());
            if skipped_only_unread(&tree, src, skip) {
                return Some((tree, true));
            }
        }
    }
    read(src.len());
    Some((parse_go(src)?, false))
}

/// Whether a skipped range starting at `start` is a top-level declaration left out whole
/// (from its `func`, `type`, `var` or `const` keyword), not the inside of braces.
fn is_declaration_range(src: &[u8], start: usize) -> bool {
    let rest = &src[start..];
    (start == 0 || src[start - 1] != b'{')
        && ["func", "type", "var", "const"].iter().any(|k| {
            rest.starts_with(k.as_bytes()) && rest.get(k.len()).is_none_or(|&b| !is_word_byte(b))
        })
}

/// Whether `b` may be a byte of an identifier, counting every non-ASCII byte as part of a
/// letter (a quick test at a word's edge, without decoding: Go identifiers are letters,
/// digits and `_`, and non-ASCII bytes in Go code are letters more often than not).
#[inline]
pub fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// Byte offsets where the lines of `src` start: 0, then one past each `\n`. A bit mask
/// per 64-byte block, not a search per line (a search's setup per line was an eighth of
/// lexing typed declarations).
pub fn line_starts(src: &[u8]) -> Vec<usize> {
    let mut starts = Vec::with_capacity(src.len() / 32 + 1);
    starts.push(0);
    for (k, block) in src.chunks(64).enumerate() {
        let mut m = newline_mask(block);
        while m != 0 {
            starts.push(64 * k + m.trailing_zeros() as usize + 1);
            m &= m - 1;
        }
    }
    starts
}

/// Bit `k` set when `block[k]` (at most 64 bytes) is a `\n`.
fn newline_mask(block: &[u8]) -> u64 {
    #[cfg(target_arch = "x86_64")]
    if block.len() == 64 {
        use std::arch::x86_64::*;
        let mut m = 0u64;
        for k in 0..4 {
            // SAFETY: SSE2 is part of x86_64; each load reads 16 of the block's 64 bytes,
            // unaligned.
            unsafe {
                let v = _mm_loadu_si128(block.as_ptr().add(16 * k).cast());
                let nl = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\n' as i8));
                m |= (_mm_movemask_epi8(nl) as u16 as u64) << (16 * k);
            }
        }
        return m;
    }
    (block.iter().enumerate())
        .filter(|(_, &b)| b == b'\n')
        .fold(0, |m, (k, _)| m | 1 << k)
}

/// How many `\n` `src` holds and where the last one is: two vector searches however
/// many lines (a search per line was most of the time of counting short ranges).
pub fn newlines_in(src: &[u8]) -> (usize, Option<usize>) {
    match memchr::memrchr(b'\n', src) {
        None => (0, None),
        Some(last) => (
            memchr::memchr_iter(b'\n', &src[..last]).count() + 1,
            Some(last),
        ),
    }
}

/// The complement of `skip` in `src`, with tree-sitter's positions (rows count `\n`,
/// columns bytes).
fn included_ranges(src: &[u8], skip: &[(usize, usize)]) -> Vec<tree_sitter::Range> {
    let (mut row, mut line_start, mut counted) = (0usize, 0usize, 0usize);
    let mut point = |at: usize| {
        let (lines, last) = newlines_in(&src[counted..at]);
        row += lines;
        if let Some(nl) = last {
            line_start = counted + nl + 1;
        }
        counted = at;
        tree_sitter::Point::new(row, at - line_start)
    };
    let mut out = Vec::with_capacity(skip.len() + 1);
    let mut from = 0;
    for &(start, end) in skip.iter().chain([&(src.len(), src.len())]) {
        let start_point = point(from);
        let end_point = point(start);
        out.push(tree_sitter::Range {
            start_byte: from,
            end_byte: start,
            start_point,
            end_point,
        });
        from = end;
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Line starts and newline counts equal a search per newline's, wherever the
    /// newlines fall in a 64-byte block and however the text ends.
    #[test]
    fn line_starts_and_newline_counts_match_a_search_per_line() {
        let mut texts: Vec<Vec<u8>> = vec![Vec::new(), b"\n".to_vec(), b"no newline".to_vec()];
        for len in [1, 63, 64, 65, 127, 128, 129, 200] {
            for at in [0, 1, 15, 16, 31, 32, 47, 48, 62, 63, 64, 65, 127, 128] {
                let mut t = vec![b'x'; len];
                if at < len {
                    t[at] = b'\n';
                }
                t[len - 1] = if len % 2 == 0 { b'\n' } else { b'\r' };
                texts.push(t);
            }
            texts.push(vec![b'\n'; len]);
        }
        texts.push(include_bytes!("tree.rs").to_vec());
        for t in &texts {
            let want: Vec<usize> = std::iter::once(0)
                .chain(memchr::memchr_iter(b'\n', t).map(|i| i + 1))
                .collect();
            assert_eq!(line_starts(t), want, "{t:?}");
            for (from, to) in [(0, t.len()), (t.len() / 3, t.len()), (0, t.len() / 2)] {
                let part = &t[from..to];
                let count = part.iter().filter(|&&b| b == b'\n').count();
                let last = part.iter().rposition(|&b| b == b'\n');
                assert_eq!(newlines_in(part), (count, last), "{part:?}");
            }
        }
    }

    /// The option index is purge_delay's: it reads the vendored mimalloc's default (1000
    /// ms, `src/options.c`) before, and no purge (-1) after.
    #[test]
    fn retaining_freed_pages_sets_the_purge_delay() {
        // SAFETY: reading an option.
        let get = || unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
            assert_eq!(get(), 1000);
        }
        retain_freed_pages();
        assert_eq!(get(), -1);
    }

    /// The names read by id are tree-sitter's, for every node and field of a file with
    /// a syntax error, a missing node and fields of many kinds.
    #[test]
    fn kinds_and_fields_by_id_are_tree_sitters() {
        let src = "package p\nimport \"C\"\ntype T struct{ A, B int `tag` }\n\
                   func (t *T) f(x []int) (r int) {\n\tfor i := range x { r += x[i] }\n\
                   \tswitch v := any(t).(type) { case *T: _ = v }\n\treturn g(1, h(2)\n}\n\
                   var m = map[string]func(){\"a\": func() {}}\n)( @\n";
        let tree = parse_go(src.as_bytes()).unwrap();
        assert!(tree.root_node().has_error());
        let mut cursor = tree.walk();
        let (mut nodes, mut fields, mut errors) = (0, 0, 0);
        loop {
            let node = cursor.node();
            assert_eq!(kind(node), node.kind(), "{node:?}");
            assert_eq!(field_name(&cursor), cursor.field_name(), "{node:?}");
            nodes += 1;
            fields += usize::from(cursor.field_name().is_some());
            errors += usize::from(node.is_error());
            if cursor.goto_first_child() || cursor.goto_next_sibling() {
                continue;
            }
            while cursor.goto_parent() && !cursor.goto_next_sibling() {}
            if cursor.node() == tree.root_node() {
                break;
            }
        }
        assert!(
            nodes > 100 && fields > 30 && errors > 0,
            "{nodes} {fields} {errors}"
        );
    }

    /// Every node's kind and byte range, pre-order.
    fn shape(tree: &Tree) -> Vec<(u16, usize, usize)> {
        let mut out = Vec::new();
        let mut cursor = tree.walk();
        loop {
            let n = cursor.node();
            out.push((n.kind_id(), n.start_byte(), n.end_byte()));
            if cursor.goto_first_child() || cursor.goto_next_sibling() {
                continue;
            }
            while cursor.goto_parent() && !cursor.goto_next_sibling() {}
            if cursor.node() == tree.root_node() {
                return out;
            }
        }
    }

    /// The whole tree grown from a partial one (every body skipped) is the tree of a
    /// whole parse, over Go's own sources.
    #[test]
    fn a_partial_tree_reparsed_whole_is_the_whole_tree() {
        let mut files = Vec::new();
        for dir in ["/usr/lib/go-1.19/src/syscall", "/usr/lib/go-1.19/src/os"] {
            crate::lexer::tests::go_files(std::path::Path::new(dir), files.len() + 150, &mut files);
        }
        if files.is_empty() {
            eprintln!("skipped: no Go sources under /usr/lib/go-1.19/src (install golang-go)");
            return;
        }
        // Trees without the bodies, and trees without every declaration whole.
        let mut grown = [0, 0];
        for p in &files {
            let src = std::fs::read(p).unwrap();
            let Some(blocks) = crate::lexer::top_blocks(&src) else {
                continue;
            };
            let skips = [
                crate::lexer::blocks_without(&blocks, Vec::new()),
                crate::lexer::declarations_without(&src, Vec::new()).unwrap_or_default(),
            ];
            for (skip, grown) in skips.iter().zip(&mut grown) {
                let Some(partial) = parse_go_skipping(&src, skip) else {
                    continue;
                };
                if skip.is_empty() || !skipped_only_unread(&partial, &src, skip) {
                    continue;
                }
                let whole = parse_go(&src).unwrap();
                let again = reparse_whole(&src, &partial).unwrap();
                assert_eq!(shape(&again), shape(&whole), "{}", p.display());
                *grown += 1;
            }
        }
        assert!(grown.iter().all(|&g| g > 100), "only {grown:?} files grown");
    }

    #[test]
    fn a_declaration_left_out_whole_must_be_one() {
        let text = "package p\n\ntype T struct {\n\tA int\n}\n\nvar v = T{A: 1}\n\n\
                    func a() int {\n\tif true {\n\t\treturn 1\n\t}\n\treturn 2\n}\n\nfunc b() {}\n";
        let src = text.as_bytes();
        // Every declaration but `func b`, whole: the tree holds `func b` alone, as the
        // whole tree does.
        let b = text.find("func b").unwrap();
        let skip = crate::lexer::declarations_without(src, vec![b]).unwrap();
        assert_eq!(skip.len(), 3, "{skip:?}");
        assert!(skip.iter().all(|&(s, _)| is_declaration_range(src, s)));
        let tree = parse_go_skipping(src, &skip).unwrap();
        assert!(skipped_only_unread(&tree, src, &skip));
        let root = tree.root_node();
        let mut c = root.walk();
        let kinds: Vec<&str> = root.named_children(&mut c).map(|n| n.kind()).collect();
        assert_eq!(kinds, ["package_clause", "function_declaration"]);
        // Cut `func a` at its `if`'s brace instead: what is left no longer parses as Go.
        let a = text.find("func a").unwrap();
        let cut = [(a, text.find("\t}").unwrap() + 2)];
        let tree = parse_go_skipping(src, &cut).unwrap();
        assert!(!skipped_only_unread(&tree, src, &cut));
        // The inside of a body is no declaration, though it may start with `func`.
        assert!(!is_declaration_range(b"func f() {func() {}()}", 10));
        assert!(!is_declaration_range(b"funcs := 1", 0));
    }

    /// The ids looked up once are the language's.
    #[test]
    fn field_ids_are_the_languages() {
        let go: Language = tree_sitter_go::LANGUAGE.into();
        for (id, name) in [
            (FIELD.operand, "operand"),
            (FIELD.ty, "type"),
            (FIELD.value, "value"),
            (FIELD.alias, "alias"),
        ] {
            assert_eq!(Some(id), go.field_id_for_name(name).map(|f| f.get()));
        }
        let src = "package p\nvar x = a.b\n";
        let tree = parse_go(src.as_bytes()).unwrap();
        let at = src.find("a.b").unwrap();
        let sel = tree
            .root_node()
            .descendant_for_byte_range(at, at + 3)
            .unwrap();
        assert_eq!(sel.kind(), "selector_expression");
        assert_eq!(
            sel.child_by_field_id(FIELD.field),
            sel.child_by_field_name("field")
        );
    }
}
