use super::*;
use crate::index::decls::top_level;
use crate::syntax::tree::parse_go;
use crate::syntax::tree::FIELD;
use std::path::{Path, PathBuf};
use std::sync::Arc;

fn names(src: &[u8]) -> Vec<(String, DeclKind)> {
    top_level_decls(src)
        .into_iter()
        .map(|d| (d.name, d.kind))
        .collect()
}

/// The lexer agrees with tree-sitter on `src`, which must parse without errors.
fn same_as_tree_sitter(src: &[u8]) -> Vec<(String, DeclKind)> {
    let tree = parse_go(src).unwrap();
    assert!(
        !tree.root_node().has_error(),
        "test source must be valid Go: {}",
        String::from_utf8_lossy(src)
    );
    assert_eq!(
        top_level_decls(src),
        top_level(&tree, src),
        "{}",
        String::from_utf8_lossy(src)
    );
    names(src)
}

fn want(list: &[(&str, DeclKind)]) -> Vec<(String, DeclKind)> {
    list.iter().map(|(n, k)| (n.to_string(), *k)).collect()
}

use DeclKind::{Const, Func, Type, Var};

#[test]
fn every_kind_grouped_or_not() {
    let src = b"package p\nfunc init() {}\nfunc Setuid(uid int) error { var local int; type L int; const C = 1; _ = local; return nil }\nfunc (s *T) Method() {}\ntype (\n\tT struct{}\n\tA = T\n)\ntype G[X any] struct{ v X }\nvar a, b = 1, 2\nvar (\n\tc int\n\t_ int\n)\nconst (\n\tK = iota\n\tL\n\tM\n)\n";
    let got = same_as_tree_sitter(src);
    let w = want(&[
        ("Setuid", Func),
        ("T", Type),
        ("A", Type),
        ("G", Type),
        ("a", Var),
        ("b", Var),
        ("c", Var),
        ("K", Const),
        ("L", Const),
        ("M", Const),
    ]);
    assert_eq!(got, w);
}

#[test]
fn specs_spanning_lines_split_at_inserted_semicolons() {
    let src = b"package p\nconst (\n\tA = 1 +\n\t\t2\n\tB = f(x,\n\t\ty)\n\tC, D = 3,\n\t\t4\n)\nvar (\n\tE = map[string]int{\n\t\t\"x\": 1,\n\t}\n\tF = struct {\n\t\ta int\n\t\tb int\n\t}{}\n)\n";
    let got = same_as_tree_sitter(src);
    assert_eq!(
        got,
        want(&[
            ("A", Const),
            ("B", Const),
            ("C", Const),
            ("D", Const),
            ("E", Var),
            ("F", Var)
        ])
    );
}

#[test]
fn generics_methods_aliases() {
    let src = b"package p\nfunc F[T any](t T) T { return t }\nfunc (r *T) M() {}\nfunc (r G[T]) N() {}\ntype G[T any] struct{ v T }\ntype ( A = B; C[T any] struct{} )\ntype D = G[int]\n";
    let got = same_as_tree_sitter(src);
    assert_eq!(
        got,
        want(&[
            ("F", Func),
            ("G", Type),
            ("A", Type),
            ("C", Type),
            ("D", Type)
        ])
    );
}

#[test]
fn func_literals_and_local_decls_do_not_count() {
    let src = b"package p\nvar f = func() {\n\tvar inner int\n\ttype X int\n\t_ = inner\n}\nfunc g() {\n\tfunc() { const Z = 1 }()\n}\ntype H func(int) int\n";
    let got = same_as_tree_sitter(src);
    assert_eq!(got, want(&[("f", Var), ("g", Func), ("H", Type)]));
}

#[test]
fn bodyless_funcs_and_several_names() {
    let src = b"package p\nfunc Syscall(trap, a1 uintptr) (r1 uintptr, err Errno)\nfunc rawSyscall()\nvar x, y = 1, 2\nvar _, z = 1, 2\nconst ( P = iota; Q; R; )\n";
    let got = same_as_tree_sitter(src);
    // Valid Go that tree-sitter-go rejects (it wants `;` before the `)`).
    assert_eq!(
        names(b"package p\nconst ( A = iota; B; C )\n"),
        want(&[("A", Const), ("B", Const), ("C", Const)])
    );
    assert_eq!(
        got,
        want(&[
            ("Syscall", Func),
            ("rawSyscall", Func),
            ("x", Var),
            ("y", Var),
            ("z", Var),
            ("P", Const),
            ("Q", Const),
            ("R", Const)
        ])
    );
}

#[test]
fn comments_strings_runes_numbers() {
    let src = "package p\n/* func Hidden() {} \n var Nope = 1 */\n// func Gone()\nvar s = \"func NotMe() { \\\" }\"\nvar r = `raw\nfunc AlsoNot() {\n`\nvar q, dq = '\\'', '\"'\nvar n = []float64{0x1p-2, 1_000, .5, 1e+3, 2i, 0x1e+2, 017}\nfunc After() {}\n/* tail */ const T = 1\n".as_bytes();
    let got = same_as_tree_sitter(src);
    assert_eq!(
        got,
        want(&[
            ("s", Var),
            ("r", Var),
            ("q", Var),
            ("dq", Var),
            ("n", Var),
            ("After", Func),
            ("T", Const)
        ])
    );
}

#[test]
fn unicode_bom_and_crlf_spans() {
    let src =
        "\u{feff}package p; var Z = 0\r\n\r\nvar héllo, 世界 = 1, 2\r\n/* é */ func Ünï() {}\r\n"
            .as_bytes();
    let got = same_as_tree_sitter(src);
    assert_eq!(
        got,
        want(&[("Z", Var), ("héllo", Var), ("世界", Var), ("Ünï", Func)])
    );
    let d = &top_level_decls(src)[2];
    assert_eq!((d.span.line, d.span.column, d.span.end_column), (3, 13, 19));
}

#[test]
fn syntax_errors_never_panic_or_hang() {
    let cases: &[&[u8]] = &[
        b"",
        b"package",
        b"package p\nfunc",
        b"package p\nvar (",
        b"package p\nconst ( A = (",
        b"package p\ntype ( A",
        b"package p\n)))}}}]]] func F() {}",
        b"package p\nvar s = \"unterminated\nfunc G() {}\n",
        b"package p\nvar r = 'x\nvar b = `open",
        b"/* open comment",
        b"\xff\xfe\xc3 func \xe2\x82",
        b"package p\nvar a, = 1\nvar b,",
        b"x.",
        b"'\\",
        b"\"\\",
    ];
    for src in cases {
        let _ = top_level_decls(src);
        for_each_ident(src, |_, _| {});
        for_each_selector(src, |_, _, _| {});
    }
    // Recovery: a stray `)` at depth 0 does not hide what follows.
    assert_eq!(names(b"package p\n)\nfunc F() {}\n"), want(&[("F", Func)]));
}

#[test]
fn idents_skip_keywords_comments_and_literals() {
    let src = "package p // c1\nimport \"os\"\nfunc f(é int) { /* x */ return os.Getpid() + '\\'' + len(`y`) + 0x1p-2 + len(\"q\\\" notMe\") }".as_bytes();
    let mut got = Vec::new();
    for_each_ident(src, |s, off| got.push((s.to_string(), off)));
    let texts: Vec<&str> = got.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(texts, ["p", "f", "é", "int", "os", "Getpid", "len", "len"]);
    for (s, off) in &got {
        assert_eq!(&src[*off..off + s.len()], s.as_bytes());
    }
}

#[test]
fn selectors() {
    let src = b"package p\nvar a = unix.SYS_READ + syscall /* c */ .\n\tEINVAL + x.y.z + T{}.f + v.(T).w + f().g.h\nvar b = c\n.d\nvar e = 1.5 + f...";
    let mut got = Vec::new();
    for_each_selector(src, |q, n, off| {
        got.push((q.to_string(), n.to_string(), off))
    });
    let pairs: Vec<(&str, &str)> = got
        .iter()
        .map(|(q, n, _)| (q.as_str(), n.as_str()))
        .collect();
    assert_eq!(
        pairs,
        [("unix", "SYS_READ"), ("syscall", "EINVAL"), ("x", "y")]
    );
    assert_eq!(got[0].2, 18);
}

#[test]
fn const_decls_at_any_depth() {
    // Package level, grouped or not; in a body; in a func literal inside another const
    // group's value (go/types' const0.go); `_` left out.
    let src = b"package p\nconst A, B = 1, 2\nconst (\n\tC = iota\n\t_ = unsafe.Sizeof(func() {\n\t\tconst (\n\t\t\tIn = iota\n\t\t\tIn2\n\t\t)\n\t\tconst In3 = 1\n\t})\n\tD; E = f(x,\n\t\ty)\n)\nfunc f() { const local = 10; var notConst = 1; _ = notConst }\nvar v = 1\n";
    let got: Vec<String> = const_decls(src).into_iter().map(|d| d.name).collect();
    assert_eq!(got, ["A", "B", "C", "In", "In2", "In3", "D", "E", "local"]);
    let tree = parse_go(src).unwrap();
    assert!(!tree.root_node().has_error());
    let mut ts = Vec::new();
    ts_const_names(tree.root_node(), src, &mut ts);
    ts.sort_unstable();
    let ours: Vec<usize> = const_decls(src).iter().map(|d| d.span.start).collect();
    assert_eq!(ours, ts);
}

#[test]
fn called_selectors() {
    // Called: `(` after the name, comments allowed, `.`/name split by a newline, type
    // arguments. Not called: a type, a value, a `(` on the next line, `a.b.c(…)`.
    let src = b"package p\nfunc f() {\n\tunix.Open(p, 1)\n\tsyscall.Kill /* c */ (0, 9)\n\tunix.\n\t\tMmap(-1)\n\tvar s syscall.Signal\n\tg(unix.Socket, 1)\n\tunix.F[int](x)\n\tx := unix.Kill\n\t(y)\n\ta.b.Open(z)\n\tunix.Pipe2(p)}";
    let mut got = Vec::new();
    for_each_called_selector(src, |q, n| got.push(format!("{q}.{n}")));
    assert_eq!(
        got,
        [
            "unix.Open",
            "syscall.Kill",
            "unix.Mmap",
            "unix.F",
            "unix.Pipe2"
        ]
    );
}

#[test]
fn selector_calls_give_their_arguments() {
    // Nested calls first; commas inside brackets and strings, comments, a trailing comma,
    // type arguments, a `(` or `.` on the next line; not `a.b.c(…)` or a call of `f()`.
    let src = b"package p\nfunc f() {\n\tunix.Syscall(unix.SYS_READ, uintptr(g(a, b)), T{1, 2}, \"x,y\" /* c, d */)\n\tsyscall.RawSyscall(\n\t\tsyscall.SYS_IOCTL,\n\t\tuintptr(unsafe.Pointer(&ws)),\n\t)\n\tunix.F[int](x)\n\tunix\n\t.Kill\n\t(y)\n\ta.b.c(z)\n\tunix.Pipe2()}";
    let text = |(s, e): (usize, usize)| std::str::from_utf8(&src[s..e]).unwrap().to_string();
    let mut got = Vec::new();
    for_each_selector_call(src, |q, n, at, args| {
        assert!(src[at..].starts_with(q.as_bytes()));
        // The same arguments from where the name ends (spaces and a newline may come
        // between the `.` and the name).
        let name_end = at
            + q.len()
            + src[at + q.len()..]
                .windows(n.len())
                .position(|w| w == n.as_bytes())
                .unwrap()
            + n.len();
        assert_eq!(
            call_args_at(src, name_end).as_deref(),
            Some(args),
            "{q}.{n}"
        );
        let args: Vec<String> = args.iter().map(|&a| text(a)).collect();
        got.push(format!("{q}.{n}({})", args.join("|")));
    });
    // No `(` after the name, or an unclosed `[`.
    assert_eq!(call_args_at(b"x := unix.Kill\n", 14), None);
    assert_eq!(call_args_at(b"unix.F[int", 6), None);
    assert_eq!(
        got,
        [
            "unix.Syscall(unix.SYS_READ|uintptr(g(a, b))|T{1, 2}|\"x,y\")",
            "unsafe.Pointer(&ws)",
            "syscall.RawSyscall(syscall.SYS_IOCTL|uintptr(unsafe.Pointer(&ws)))",
            "unix.F(x)",
            "unix.Kill(y)",
            "unix.Pipe2()",
        ]
    );
}

#[test]
fn numbers_are_told_from_names_strings_and_comments() {
    assert!(any_number(b"uintptr(39)"));
    assert!(any_number(b"x + .5"));
    assert!(any_number(b"0x1_000"));
    assert!(!any_number(b"sys39 + \"39\" + '9' // 39"));
    assert!(!any_number(b"unix.SYS_READ /* 0 */"));
}

#[test]
fn selected_names_follow_any_dot() {
    let src = b"package p\nvar a = unix.SYS_READ + x.y.z + T{}.f + v.(T).w + f().g // .no\nvar s = \".no\"\nvar e = 1.5";
    let mut got = Vec::new();
    for_each_selected(src, |n, _| got.push(n.to_string()));
    assert_eq!(got, ["SYS_READ", "y", "z", "f", "w", "g"]);
}

#[test]
fn result_types_are_told_from_literals() {
    let src = b"package p\nfunc f() unix.Timespec { return unix.Timespec{} }\nfunc g() (T, error) { return T{}, (x).y }\nfunc h[K any]() G[K] {}";
    let mut got = Vec::new();
    for_each_ident_use(src, |u| {
        if u.result || matches!(u.next, '{' | '[') {
            got.push((u.name.to_string(), u.next, u.result));
        }
    });
    let want = [
        // After `)`: a result type before the body, not a literal.
        ("unix", ' ', true),
        ("Timespec", '{', true),
        ("Timespec", '{', false),
        ("T", '{', false),
        ("h", '[', false),
        ("G", '[', true),
    ];
    let want: Vec<(String, char, bool)> = want
        .iter()
        .map(|(n, c, r)| (n.to_string(), *c, *r))
        .collect();
    assert_eq!(got, want);
}

#[test]
fn idents_know_the_dot_before_and_the_bracket_after() {
    let src = b"package p\nvar a = x.Size() + x.Len /* c */ (1) + T{}.Sec + m[k].Nsec\nvar b = s.F\n(1)\nvar c = G[int]{} // x.No(\nvar d = \"y.No(\"";
    let mut got = Vec::new();
    for_each_ident_next(src, |n, sel, next, _| got.push((n.to_string(), sel, next)));
    let want = [
        ("p", false, ' '),
        ("a", false, ' '),
        ("x", false, ' '),
        ("Size", true, '('),
        ("x", false, ' '),
        ("Len", true, '('),
        ("T", false, '{'),
        ("Sec", true, ' '),
        ("m", false, '['),
        ("k", false, ' '),
        ("Nsec", true, ' '),
        ("b", false, ' '),
        ("s", false, ' '),
        // A newline ends the statement: `(1)` is no call of `s.F`.
        ("F", true, ' '),
        ("c", false, ' '),
        ("G", false, '['),
        ("int", false, ' '),
        ("d", false, ' '),
    ];
    let want: Vec<(String, bool, char)> = want
        .iter()
        .map(|(n, s, c)| (n.to_string(), *s, *c))
        .collect();
    assert_eq!(got, want);
}

#[test]
fn keywords_are_exactly_gos_25() {
    let kws = "break case chan const continue default defer else fallthrough for func go goto if import interface map package range return select struct switch type var";
    assert_eq!(
        kws.split(' ')
            .filter(|w| keyword(w.as_bytes()).is_some())
            .count(),
        25
    );
    for w in ["any", "iota", "nil", "true", "Func", "f", "breaks", "_"] {
        assert!(keyword(w.as_bytes()).is_none(), "{w}");
    }
}

// ---- Equivalence with tree-sitter over real Go trees ----

/// Up to `limit` `.go` files under `dir`, sorted, links not followed (loops in
/// /usr/share/gocode), `testdata` left out as the go command and abiport leave it out
/// (the type checker's holds ambiguities, `type _[P *int,] int`, tree-sitter reads
/// otherwise): the real Go the equivalence and holding tests run over.
pub(crate) fn go_files(dir: &Path, limit: usize, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = rd.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if out.len() >= limit {
            return;
        }
        let Ok(md) = std::fs::symlink_metadata(&p) else {
            continue;
        };
        if md.is_dir() && !p.ends_with("testdata") {
            go_files(&p, limit, out);
        } else if md.is_file() && p.extension().is_some_and(|e| e == "go") {
            out.push(p);
        }
    }
}

#[derive(Default, Debug)]
struct Counts {
    files: usize,
    skipped: usize,
    decl_mismatches: usize,
    ident_mismatches: usize,
    selector_mismatches: usize,
    /// Lexer selectors tree-sitter does not have (a superset is fine; this says how loose).
    selector_extra: usize,
    /// Files where `top_level` reports a `,` as a const name (filtered out before comparing).
    decls: usize,
    bodyless_mismatches: usize,
    bodyless: usize,
    string_mismatches: usize,
    func_mismatches: usize,
    /// Files where `const_decls` misses a name some `const_spec` (any depth) declares.
    const_mismatches: usize,
    /// Files where `for_each_called_selector` misses a call `x.F(…)` (identifier `x`).
    call_mismatches: usize,
    /// Files where `for_each_selector_call` misses such a call or tells its arguments
    /// otherwise.
    call_arg_mismatches: usize,
    calls: usize,
    consts: usize,
    /// Files where `top_blocks`' function bodies and tree-sitter's differ.
    body_mismatches: usize,
    bodies: usize,
    /// Files whose parse without every body's inside is not the whole tree without them.
    partial_mismatches: usize,
}

/// Every `function_declaration`: name, whether it has a body, line of the name (the scan's
/// Go functions beside `.s` files).
fn ts_funcs(tree: &tree_sitter::Tree, src: &[u8]) -> Vec<(String, bool, usize)> {
    let root = tree.root_node();
    let mut c = root.walk();
    let found = root
        .named_children(&mut c)
        .filter(|d| d.kind() == "function_declaration")
        .filter_map(|d| {
            let n = d.child_by_field_id(FIELD.name)?;
            Some((
                crate::syntax::text(n, src).to_string(),
                d.child_by_field_id(FIELD.body).is_some(),
                n.start_position().row + 1,
            ))
        })
        .collect();
    found
}

/// The top-level functions' and methods' bodies as [`Block`]s.
fn ts_bodies(tree: &tree_sitter::Tree) -> Vec<Block> {
    let root = tree.root_node();
    let mut c = root.walk();
    let found = root
        .named_children(&mut c)
        .filter(|d| matches!(d.kind(), "function_declaration" | "method_declaration"))
        .filter_map(|d| {
            let b = d.child_by_field_id(FIELD.body)?;
            Some(Block {
                decl: d.start_byte(),
                end: b.end_byte(),
                open: b.start_byte(),
                close: b.end_byte() - 1,
            })
        })
        .collect();
    found
}

/// Every node as (kind, field, byte range, positions), pre-order, leaving out those inside
/// a skipped range.
type NodeRow = (
    String,
    Option<String>,
    usize,
    usize,
    tree_sitter::Point,
    tree_sitter::Point,
);

fn node_rows(tree: &tree_sitter::Tree, skip: &[(usize, usize)]) -> Vec<NodeRow> {
    let mut out = Vec::new();
    crate::index::refs::walk_tree(tree.root_node(), |v| {
        let n = v.node;
        let inside = skip
            .iter()
            .any(|&(s, e)| n.start_byte() >= s && n.end_byte() <= e);
        if !inside {
            out.push((
                n.kind().to_string(),
                v.field.map(String::from),
                n.start_byte(),
                n.end_byte(),
                n.start_position(),
                n.end_position(),
            ));
        }
        !inside
    });
    out
}

/// The function bodies among a file's [`top_blocks`].
fn lexer_bodies(src: &[u8]) -> Option<Vec<Block>> {
    let blocks = top_blocks(src)?;
    Some(
        blocks
            .into_iter()
            .filter(|b| src[b.decl..].starts_with(b"func"))
            .collect(),
    )
}

#[test]
fn declarations_left_out_with_their_written_semicolons() {
    let src = b"package p\n\nvar a int;\ntype T int; const c = 1;\nfunc f() {};\nfunc g() {}\n\
                var (\n\tb = T{}\n);\n";
    let skip = declarations_without(src, Vec::new()).unwrap();
    assert_eq!(skip.len(), 6, "{skip:?}");
    assert!(partial_parse_is_whole_tree_without_bodies(src));
}

/// Parsing `src` without the inside of every top-level block, or without every top-level
/// declaration whole (`declarations_without`), gives the whole file's tree minus the nodes
/// inside what was left out: same kinds, fields, offsets and positions.
fn partial_parse_is_whole_tree_without_bodies(src: &[u8]) -> bool {
    let Some(blocks) = top_blocks(src) else {
        return false;
    };
    let whole = parse_go(src).unwrap();
    let bodies = blocks_without(&blocks, Vec::new());
    let Some(declarations) = declarations_without(src, Vec::new()) else {
        return false;
    };
    [bodies, declarations].iter().all(|skip| {
        let Some(partial) = crate::syntax::parse_go_skipping(src, skip) else {
            return false;
        };
        crate::syntax::skipped_only_unread(&partial, src, skip)
            && node_rows(&whole, skip) == node_rows(&partial, &[])
    })
}

/// The first of tree-sitter's offsets `ts` that the scanner's (sorted) `ours` misses.
fn first_missed(ts: &[usize], ours: &[usize]) -> Option<usize> {
    ts.iter().copied().find(|o| ours.binary_search(o).is_err())
}

/// Count one file where the scanner and tree-sitter disagree; say which for the first 10.
fn mismatch(count: &mut usize, verbose: bool, what: impl FnOnce() -> String) {
    *count += 1;
    if verbose && *count <= 10 {
        eprintln!("{}", what());
    }
}

fn lexer_funcs(src: &[u8]) -> Vec<(String, bool, usize)> {
    func_decls(src)
        .into_iter()
        .map(|f| (f.name.to_string(), f.body, f.line))
        .collect()
}

/// Names of the body-less `function_declaration`s, as missing-asm reads them.
fn ts_bodyless(tree: &tree_sitter::Tree, src: &[u8]) -> Vec<String> {
    let root = tree.root_node();
    let mut c = root.walk();
    let found = root
        .named_children(&mut c)
        .filter(|d| d.kind() == "function_declaration" && d.child_by_field_id(FIELD.body).is_none())
        .filter_map(|d| d.child_by_field_id(FIELD.name))
        .map(|n| crate::syntax::text(n, src).to_string())
        .collect();
    found
}

/// Every string literal's text between its quotes, in file order (no recursion: real
/// files nest deeper than a test thread's stack).
fn ts_strings(root: tree_sitter::Node<'_>, src: &[u8], out: &mut Vec<String>) {
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        if matches!(
            node.kind(),
            "interpreted_string_literal" | "raw_string_literal"
        ) {
            let t = crate::syntax::text(node, src);
            out.push(
                t.get(1..t.len().saturating_sub(1))
                    .unwrap_or("")
                    .to_string(),
            );
            continue;
        }
        let mut c = node.walk();
        let children: Vec<_> = node.children(&mut c).collect();
        stack.extend(children.into_iter().rev());
    }
}

/// Start offsets of the names every `const_spec` declares, at any depth (`_` excluded).
fn ts_const_names(root: tree_sitter::Node<'_>, src: &[u8], out: &mut Vec<usize>) {
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        if node.kind() == "const_spec" {
            let mut c = node.walk();
            for n in node.children_by_field_name("name", &mut c) {
                if n.is_named() && crate::syntax::text(n, src) != "_" {
                    out.push(n.start_byte());
                }
            }
        }
        let mut c = node.walk();
        stack.extend(node.named_children(&mut c));
    }
}

/// Every call `x.F(…)` with `x` an identifier: the start of `x` and its arguments' spans,
/// sorted by the start (the starts alone are the calls `for_each_called_selector` must find).
fn ts_selector_calls(root: tree_sitter::Node<'_>) -> Vec<(usize, Vec<(usize, usize)>)> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        if node.kind() == "call_expression" {
            let op = node
                .child_by_field_id(FIELD.function)
                .filter(|f| f.kind() == "selector_expression")
                .and_then(|f| f.child_by_field_id(FIELD.operand));
            if let Some(op) = op.filter(|o| o.kind() == "identifier") {
                let args = crate::syntax::calls::call_args(node)
                    .iter()
                    .map(|a| (a.start_byte(), a.end_byte()))
                    .collect();
                out.push((op.start_byte(), args));
            }
        }
        let mut c = node.walk();
        stack.extend(node.named_children(&mut c));
    }
    out.sort();
    out
}

fn ts_identifiers(node: tree_sitter::Node<'_>, out: &mut Vec<usize>) {
    if node.child_count() == 0 {
        if matches!(
            node.kind(),
            "identifier" | "type_identifier" | "field_identifier" | "package_identifier"
        ) {
            out.push(node.start_byte());
        }
        return;
    }
    let mut c = node.walk();
    for child in node.children(&mut c) {
        ts_identifiers(child, out);
    }
}

/// `X.Y` with X a bare identifier: selector expressions and qualified types.
fn ts_selectors(node: tree_sitter::Node<'_>, out: &mut Vec<usize>) {
    let operand = match node.kind() {
        "selector_expression" => node.child_by_field_id(FIELD.operand),
        "qualified_type" => node.child_by_field_id(FIELD.package),
        _ => None,
    };
    if let Some(o) = operand {
        if matches!(o.kind(), "identifier" | "package_identifier") {
            out.push(o.start_byte());
        }
    }
    let mut c = node.walk();
    for child in node.named_children(&mut c) {
        ts_selectors(child, out);
    }
}

fn compare(files: &[PathBuf], verbose: bool) -> Counts {
    let mut n = Counts::default();
    for p in files {
        let Ok(src) = std::fs::read(p) else { continue };
        n.files += 1;
        // Skipped files too must not panic or hang.
        let _ = top_level_decls(&src);
        let Some(tree) = parse_go(&src) else {
            n.skipped += 1;
            continue;
        };
        if tree.root_node().has_error() {
            n.skipped += 1;
            continue;
        }
        let want = top_level(&tree, &src);
        let got = top_level_decls(&src);
        n.decls += want.len();
        if got != want {
            n.decl_mismatches += 1;
            if verbose && n.decl_mismatches <= 10 {
                let first = got.iter().zip(&want).find(|(g, w)| g != w);
                eprintln!(
                    "decl mismatch {}: {} vs {} decls, first diff {first:?}",
                    p.display(),
                    got.len(),
                    want.len()
                );
            }
        }
        let mut ts = Vec::new();
        ts_identifiers(tree.root_node(), &mut ts);
        let mut ours = Vec::new();
        for_each_ident(&src, |_, off| ours.push(off));
        if let Some(missing) = first_missed(&ts, &ours) {
            mismatch(&mut n.ident_mismatches, verbose, || {
                format!("identifier at {missing} missed in {}", p.display())
            });
        }
        let mut ts = Vec::new();
        ts_selectors(tree.root_node(), &mut ts);
        let mut ours = Vec::new();
        for_each_selector(&src, |_, _, off| ours.push(off));
        if let Some(missing) = first_missed(&ts, &ours) {
            mismatch(&mut n.selector_mismatches, verbose, || {
                format!("selector at {missing} missed in {}", p.display())
            });
        }
        ts.sort_unstable();
        n.selector_extra += ours.iter().filter(|o| ts.binary_search(o).is_err()).count();
        let want = ts_bodyless(&tree, &src);
        n.bodyless += want.len();
        if bodyless_funcs(&src) != want {
            mismatch(&mut n.bodyless_mismatches, verbose, || {
                format!("body-less funcs differ in {}", p.display())
            });
        }
        if lexer_funcs(&src) != ts_funcs(&tree, &src) {
            mismatch(&mut n.func_mismatches, verbose, || {
                format!("function declarations differ in {}", p.display())
            });
        }
        let mut ts = Vec::new();
        ts_const_names(tree.root_node(), &src, &mut ts);
        n.consts += ts.len();
        let ours: Vec<usize> = const_decls(&src).iter().map(|d| d.span.start).collect();
        if let Some(missing) = first_missed(&ts, &ours) {
            mismatch(&mut n.const_mismatches, verbose, || {
                format!("const name at {missing} missed in {}", p.display())
            });
        }
        let ts_calls = ts_selector_calls(tree.root_node());
        let ts: Vec<usize> = ts_calls.iter().map(|&(at, _)| at).collect();
        n.calls += ts.len();
        let mut ours = Vec::new();
        for_each_called_selector_at(&src, |_, _, off| ours.push(off));
        if let Some(missing) = first_missed(&ts, &ours) {
            mismatch(&mut n.call_mismatches, verbose, || {
                format!("call at {missing} missed in {}", p.display())
            });
        }
        let mut ours = Vec::new();
        for_each_selector_call(&src, |_, _, at, args| ours.push((at, args.to_vec())));
        ours.sort();
        if let Some((at, _)) = ts_calls.iter().find(|c| ours.binary_search(c).is_err()) {
            mismatch(&mut n.call_arg_mismatches, verbose, || {
                format!("call at {at} or its arguments missed in {}", p.display())
            });
        }
        // A prefilter reads a call's arguments from where the skim's selected name ends
        // (`call_args_at`): every call the token pass gives, with the same arguments.
        let mut from_skim = Vec::new();
        skim::any_ident(&src, |id| {
            if id.qualifier.is_some() {
                from_skim.extend(call_args_at(&src, id.at + id.name.len()));
            }
            false
        });
        from_skim.sort();
        if let Some((at, _)) = ours
            .iter()
            .find(|(_, a)| from_skim.binary_search(a).is_err())
        {
            mismatch(&mut n.call_arg_mismatches, verbose, || {
                format!(
                    "call at {at}: its arguments not found from the skim in {}",
                    p.display()
                )
            });
        }
        let want = ts_bodies(&tree);
        n.bodies += want.len();
        if lexer_bodies(&src).as_ref() != Some(&want) {
            mismatch(&mut n.body_mismatches, verbose, || {
                format!("function bodies differ in {}", p.display())
            });
        }
        if !partial_parse_is_whole_tree_without_bodies(&src) {
            mismatch(&mut n.partial_mismatches, verbose, || {
                format!("partial parse differs in {}", p.display())
            });
        }
        let mut want = Vec::new();
        ts_strings(tree.root_node(), &src, &mut want);
        let mut ours = Vec::new();
        any_string(&src, |s| {
            ours.push(s.to_string());
            false
        });
        if ours != want {
            mismatch(&mut n.string_mismatches, verbose, || {
                format!("string literals differ in {}", p.display())
            });
        }
    }
    n
}

#[test]
fn matches_tree_sitter_on_go_sample() {
    let mut files = Vec::new();
    for dir in ["/usr/lib/go-1.19/src/syscall", "/usr/lib/go-1.19/src/os"] {
        go_files(Path::new(dir), files.len() + 300, &mut files);
    }
    if files.is_empty() {
        eprintln!("skipped: no Go sources under /usr/lib/go-1.19/src (install golang-go)");
        return;
    }
    let n = compare(&files, true);
    eprintln!("{n:?}");
    // Every 101st prefix of a few real files: unterminated strings, comments and groups.
    for p in files.iter().step_by(90) {
        let src = std::fs::read(p).unwrap();
        for end in (0..src.len()).step_by(101) {
            let cut = &src[..end];
            let _ = top_level_decls(cut);
            let _ = bodyless_funcs(cut);
            let _ = func_decls(cut);
            let _ = top_blocks(cut);
            let _ = const_decls(cut);
            any_string(cut, |_| false);
            for_each_ident(cut, |_, _| {});
            for_each_selector(cut, |_, _, _| {});
            for_each_called_selector(cut, |_, _| {});
            for_each_selector_call(cut, |_, _, _, args| {
                for &(s, e) in args {
                    let _ = ArgTokens::of(&cut[s..e]);
                }
            });
            for_each_string(cut, |_, _, _| {});
            for_each_ident_use(cut, |_| {});
        }
    }
    assert!(
        n.files > 100
            && n.decls > 1000
            && n.bodyless > 50
            && n.consts > 1000
            && n.calls > 1000
            && n.bodies > 1000,
        "{n:?}"
    );
    assert_eq!(
        (
            n.decl_mismatches,
            n.ident_mismatches,
            n.selector_mismatches,
            n.bodyless_mismatches,
            n.string_mismatches,
            n.func_mismatches,
            n.const_mismatches,
            n.call_mismatches,
            n.call_arg_mismatches,
            n.body_mismatches,
            n.partial_mismatches
        ),
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
        "{n:?}"
    );
}

#[test]
#[ignore = "slow: every .go file of the installed Go trees (cargo test --release --lib lexer -- --ignored)"]
fn matches_tree_sitter_on_all_installed_go() {
    let mut files = Vec::new();
    for dir in ["/usr/lib/go-1.19/src", "/usr/share/gocode/src"] {
        go_files(Path::new(dir), usize::MAX, &mut files);
    }
    let n = compare(&files, true);
    eprintln!("{n:?}");
    assert_eq!(
        (
            n.decl_mismatches,
            n.ident_mismatches,
            n.selector_mismatches,
            n.bodyless_mismatches,
            n.string_mismatches,
            n.func_mismatches,
            n.const_mismatches,
            n.call_mismatches,
            n.call_arg_mismatches,
            n.body_mismatches,
            n.partial_mismatches
        ),
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
        "{n:?}"
    );
}

#[test]
#[ignore = "timing: cargo test --release --lib lexer_speed -- --ignored --nocapture"]
fn lexer_speed() {
    let mut files = Vec::new();
    go_files(Path::new("/usr/share/gocode/src"), usize::MAX, &mut files);
    let srcs: Vec<Vec<u8>> = files.iter().filter_map(|p| std::fs::read(p).ok()).collect();
    let bytes: usize = srcs.iter().map(Vec::len).sum();
    let mb = bytes as f64 / 1e6;
    // Best of three, in this thread's CPU time where Linux reports it: the machine is shared.
    let cpu = || -> Option<f64> {
        let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
        Some(s.split(' ').next()?.parse::<f64>().ok()? / 1e9)
    };
    let time = |f: &dyn Fn(&[u8]) -> usize| {
        let mut best = f64::MAX;
        let mut sink = 0;
        for _ in 0..3 {
            let (t, c) = (std::time::Instant::now(), cpu());
            sink = srcs.iter().map(|s| f(s)).sum::<usize>();
            let secs = match (c, cpu()) {
                (Some(a), Some(b)) => b - a,
                _ => t.elapsed().as_secs_f64(),
            };
            best = best.min(secs);
        }
        (mb / best, sink)
    };
    let (idents, n) = time(&|s| {
        let mut n = 0;
        for_each_ident(s, |_, _| n += 1);
        n
    });
    eprintln!(
        "for_each_ident: {idents:.0} MB/s (best of 3, CPU time) over {mb:.0} MB ({} files, {n} identifiers)",
        srcs.len()
    );
    let (decls, n) = time(&|s| top_level_decls(s).len());
    eprintln!("top_level_decls: {decls:.0} MB/s ({n} decls)");
    let (sels, n) = time(&|s| {
        let mut n = 0;
        for_each_selector(s, |_, _, _| n += 1);
        n
    });
    eprintln!("for_each_selector: {sels:.0} MB/s ({n} selectors)");
}

#[test]
fn numbers_are_one_token() {
    for n in [
        "0x1p-2", "1_000", ".5", "1e+3", "6.02E-23", "2i", "0x_1P+4i", "017", "0b1010", "1.",
    ] {
        let src = format!("{n} )");
        let mut lx = Lexer::new(src.as_bytes());
        let t = lx.next();
        assert_eq!((t.kind, t.end), (Kind::Literal, n.len()), "{n}");
        assert_eq!(lx.next().kind, Kind::RParen, "{n}");
    }
    // In hex, `e` is a digit: `0x1e+2` is a sum.
    assert_eq!(number(b"0x1e+2", 0), 4);
}

#[test]
fn bom_is_whitespace() {
    let t = Lexer::new("\u{feff}package p".as_bytes()).next();
    assert_eq!((t.kind, t.start), (Kind::Keyword(Kw::Package), 3));
}

#[test]
fn brackets_in_body_literals_and_comments() {
    let src = b"package p\nfunc f() {\n\ts := \"}\\\"}\"\n\tr := '}'\n\tq := '\\''\n\t/* { */ // {\n\tx := `}\n}`\n\ty := a / b\n\t_, _, _, _, _ = s, r, q, x, y\n}\nfunc After() {}\nvar v = [](func()){func() { _ = \")\" }}\nconst C = 1\n";
    let got = same_as_tree_sitter(src);
    assert_eq!(
        got,
        want(&[("f", Func), ("After", Func), ("v", Var), ("C", Const)])
    );
}

#[test]
fn literal_initialised_values() {
    let src = b"package p
const sysGettid = 186
const (
\tA uintptr = 0x5413 // c
\tB
\tC = 1 + 2
\tD = iota
\tE, F = 1, 2
\t_ = 7
\tG unix.Signal = 0o17
)
var H = 5
var I [2]int = [2]int{1, 2}
var J T[int] = 3
const K = 1.5
const L = 'x'
var M =
\t7
const N = (8)
const O = 1_000;var P = 9
";
    same_as_tree_sitter(src);
    let got: Vec<(String, Option<i128>)> = top_level_decls(src)
        .into_iter()
        .map(|d| (d.name, d.value))
        .collect();
    let want: Vec<(String, Option<i128>)> = [
        ("sysGettid", Some(186)),
        ("A", Some(0x5413)),
        ("B", None),
        ("C", None),
        ("D", None),
        ("E", None),
        ("F", None),
        ("G", Some(0o17)),
        ("H", Some(5)),
        ("I", None),
        ("J", None),
        ("K", None),
        ("L", None),
        ("M", Some(7)),
        ("N", None),
        ("O", Some(1000)),
        ("P", Some(9)),
    ]
    .into_iter()
    .map(|(n, v)| (n.to_string(), v))
    .collect();
    assert_eq!(got, want);
}

#[test]
fn func_decls_give_names_bodies_and_lines() {
    let src = b"package p\n\nfunc A(x struct{ a int }) int\nfunc (r T) M() {}\nfunc B[T any](x T) {\n\tfunc() {}()\n}\n\nfunc _() {}\nfunc init()\n";
    assert_eq!(lexer_funcs(src), same_funcs_as_tree_sitter(src));
    assert_eq!(
        lexer_funcs(src),
        vec![
            ("A".to_string(), false, 3),
            ("B".to_string(), true, 5),
            ("_".to_string(), true, 9),
            ("init".to_string(), false, 10),
        ]
    );
}

fn same_funcs_as_tree_sitter(src: &[u8]) -> Vec<(String, bool, usize)> {
    let tree = parse_go(src).unwrap();
    assert!(!tree.root_node().has_error());
    ts_funcs(&tree, src)
}

/// Methods, generics, result types with braces, braces in strings, runes and comments,
/// labels and func literals inside bodies; in package-level `var`s, literals' and func
/// literals' outermost braces, not those of types; nor a body-less declaration. The parse
/// without the blocks' insides is the whole tree without them.
#[test]
fn top_blocks_are_tree_sitters() {
    let src = b"package p\n\nimport \"unsafe\"\n\nvar f = func() int { return 1 }\nvar (\n\tg = func() {}\n\tm = map[string]struct{ a int }{\"x\": {a: 1}}\n\tc chan interface{ M() }\n\tn = len([]int{1, 2})\n)\n\nfunc A(x struct{ a int }) struct{ b int } {\n\ts := \"}\"\n\tr := '}'\n\t_ = `{`\n\t// }\n\t/* { */\n\treturn struct{ b int }{x.a + len(s) + int(r)}\n}\n\nfunc (t *T[K]) M(m map[K]interface{ N() }) (chan struct{}, error) {\nL:\n\tfor {\n\t\tfunc() { goto L }()\n\t}\n}\n\nfunc init() { _ = unsafe.Sizeof(0) }\nfunc Asm(x int) int\nfunc E() {}\ntype T[K comparable] struct{ k K }\nvar last = T[int]{k: 1}";
    let tree = parse_go(src).unwrap();
    assert!(!tree.root_node().has_error());
    assert_eq!(lexer_bodies(src).unwrap(), ts_bodies(&tree));
    let text = |a: usize, b: usize| std::str::from_utf8(&src[a..b]).unwrap();
    let blocks = top_blocks(src).unwrap();
    let heads: Vec<&str> = blocks
        .iter()
        .map(|b| text(b.decl, b.open).lines().last().unwrap().trim())
        .collect();
    assert_eq!(
        heads,
        vec![
            "var f = func() int",
            "g = func()",
            "m = map[string]struct{ a int }",
            "n = len([]int",
            "func A(x struct{ a int }) struct{ b int }",
            "func (t *T[K]) M(m map[K]interface{ N() }) (chan struct{}, error)",
            "func init()",
            "func E()",
            "var last = T[int]",
        ]
    );
    let vars: Vec<&str> = blocks
        .iter()
        .filter(|b| src[b.decl..].starts_with(b"var"))
        .map(|b| text(b.open, b.close + 1))
        .collect();
    assert_eq!(
        vars,
        vec!["{ return 1 }", "{}", "{\"x\": {a: 1}}", "{1, 2}", "{k: 1}"]
    );
    // A group is one declaration: each of its blocks spans it all.
    assert_eq!(blocks[1].decl, blocks[3].decl);
    assert!(text(blocks[1].decl, blocks[1].end)
        .trim_end()
        .ends_with(')'));
    assert!(partial_parse_is_whole_tree_without_bodies(src));
}

/// Brackets that do not close as Go's would: no block is known.
#[test]
fn top_blocks_of_unbalanced_files_are_unknown() {
    assert_eq!(top_blocks(b"package p\nfunc f() {\n\tif x {\n}\n"), None);
    assert_eq!(top_blocks(b"package p\nfunc f() { ) }\n"), None);
    assert_eq!(top_blocks(b"package p\nvar x = T{ ) }\n"), None);
    assert_eq!(top_blocks(b"package p\nvar x = f(}\n"), None);
}

#[test]
fn bodyless_funcs_skip_type_braces_and_methods() {
    let src = b"package p\nfunc A() struct{ x int }\nfunc B(f func() int) interface{ M() } { return nil }\nfunc (t T) C()\nfunc D[T any](x T) (r map[string]struct{})\nfunc E() func() { return nil }\nfunc F() int\n";
    assert_eq!(bodyless_funcs(src), vec!["A", "D", "F"]);
}

#[test]
fn strings_as_written() {
    let mut got = Vec::new();
    any_string(b"package p\n// \"no\"\nvar a, b, c = \"x86_64\", `raw\\n`, '\"'\nvar d = \"esc\\\"aped\"\n", |s| {
        got.push(s.to_string());
        false
    });
    assert_eq!(got, vec!["x86_64", "raw\\n", "esc\\\"aped"]);
}

/// Strings as case labels, keys (a `:` follows, past comments), operands of `==`/`!=`
/// through parentheses, or none of those (an argument, an assignment, an ordering).
#[test]
fn strings_labels_keys_and_operands() {
    let src: &[u8] = b"package p\nvar m = map[string]int{\"a\": 1, `b` /* c */ : 2, \"c\"}\nfunc f(s string) bool {\n\tswitch s {\n\tcase \"d\", \"e\":\n\tcase g(\"g\", \"h\"):\n\t}\n\tx := \"i\"\n\t_ = s <= \"j\" || (\"k\") != s || x == ((\"l\"))\n\treturn s == \"f\"\n}\n";
    let mut got = Vec::new();
    for_each_string(src, |s, at, role| {
        assert_eq!(src[at], if s == "b" { b'`' } else { b'"' });
        got.push((s.to_string(), role));
    });
    use StringRole::{Key, Label, Operand, Other};
    let want: Vec<(String, StringRole)> = [
        ("a", Key),
        ("b", Key),
        ("c", Other),
        ("d", Label),
        ("e", Label),
        ("g", Other),
        ("h", Other),
        ("i", Other),
        ("j", Other),
        ("k", Operand),
        ("l", Operand),
        ("f", Operand),
    ]
    .iter()
    .map(|(s, r)| (s.to_string(), *r))
    .collect();
    assert_eq!(got, want);
}

#[test]
fn names_of_func_declarations() {
    assert_eq!(func_name(b"func f() {}"), Some("f"));
    assert_eq!(func_name(b"func (t *T[K]) m(x int) {}"), Some("m"));
    assert_eq!(func_name(b"func g[T any]() {}"), Some("g"));
    assert_eq!(func_name(b"var x = 1"), None);
    assert_eq!(func_name(b"func (t T"), None);
}

/// The identifiers inside a membership call's parentheses, nested ones and after type
/// arguments too; none elsewhere.
#[test]
fn identifiers_given_to_a_call() {
    let src: &[u8] = b"package p\nfunc f() { a(x); contains(list, runtime.GOARCH); slices.Contains(g(y), z); InList[string](w); b(q) }\n";
    let mut got = Vec::new();
    for_each_ident_in_call(
        src,
        |n| n.eq_ignore_ascii_case("contains") || n == "InList",
        |n, at| {
            assert_eq!(&src[at..at + n.len()], n.as_bytes());
            got.push(n);
        },
    );
    assert_eq!(got, ["list", "runtime", "GOARCH", "g", "y", "z", "w"]);
}

/// The selectors tree-sitter sees with an identifier operand, as (operand, field, offset).
fn ts_operand_selectors(
    node: tree_sitter::Node<'_>,
    src: &[u8],
    out: &mut Vec<(String, String, usize)>,
) {
    if node.kind() == "selector_expression" {
        let op = node.child_by_field_id(FIELD.operand).unwrap();
        let f = node.child_by_field_id(FIELD.field).unwrap();
        if op.kind() == "identifier" {
            let text = |n: tree_sitter::Node<'_>| n.utf8_text(src).unwrap().to_string();
            out.push((text(op), text(f), op.start_byte()));
        }
    }
    let mut c = node.walk();
    for ch in node.children(&mut c) {
        ts_operand_selectors(ch, src, out);
    }
}

#[test]
fn selectors_on_any_line_cover_tree_sitters() {
    // `c⏎.d` is no selector to Go (a semicolon ends `c`), but tree-sitter may read one:
    // the partial-parse holdings take it (`Rule::bodies` must over-approximate).
    let src = b"package p\nvar a = unix.SYS_READ + syscall /* c */ .\n\tEINVAL + x.y.z\nvar b = c\n.d\nfunc f() {\n\tunix\n\t.Kill(1, 9)\n}\n";
    let mut got = Vec::new();
    for_each_selector_any_line(src, |q, n, off| {
        got.push((q.to_string(), n.to_string(), off))
    });
    let pairs: Vec<(&str, &str)> = got
        .iter()
        .map(|(q, n, _)| (q.as_str(), n.as_str()))
        .collect();
    assert_eq!(
        pairs,
        [
            ("unix", "SYS_READ"),
            ("syscall", "EINVAL"),
            ("x", "y"),
            ("c", "d"),
            ("unix", "Kill")
        ]
    );
    let mut ts = Vec::new();
    ts_operand_selectors(parse_go(src).unwrap().root_node(), src, &mut ts);
    for s in &ts {
        assert!(got.contains(s), "{s:?} not found");
    }
    // Not on any line, as before.
    let mut strict = Vec::new();
    for_each_selector(src, |q, n, _| strict.push(format!("{q}.{n}")));
    assert_eq!(strict, ["unix.SYS_READ", "syscall.EINVAL", "x.y"]);
}

#[test]
fn code_word_offsets_skip_comments_and_literals() {
    let src = b"package p\nconst a = 1 // const\nvar constant, Const, _const, xconst = 1, 2, 3, 4\nfunc f() { const (b = 2) }\nvar k = t.Cc[6] + Ccx + `const` + \"Cc\" /* Cc */\n";
    let at = code_word_offsets(src, "const");
    let words: Vec<&[u8]> = at.iter().map(|&o| &src[o - 1..o + 6]).collect();
    assert_eq!(words, [&b"\nconst "[..], &b" const "[..]]);
    let cc = code_word_offsets(src, "Cc");
    assert_eq!(cc.len(), 1);
    assert_eq!(&src[cc[0] - 2..cc[0] + 3], b"t.Cc[");
    assert!(code_word_offsets(src, "type").is_empty());
}

/// A token in a signature keeps the body too (a local declared there hides the
/// signature's references: they are scoped per declaration); a function holding none
/// is left out, and an empty body is not worth skipping.
#[test]
fn bodies_holding_no_token_are_left_out() {
    let src: &[u8] = b"package p\nfunc a(x [unix.SYS_X]byte) { unix := 1; _ = unix }\nfunc b() { work() }\nfunc c() {}\nfunc (t T) d() { _ = unix.SYS_X }\n";
    let bodies = top_blocks(src).unwrap();
    let at: Vec<usize> = src
        .windows(10)
        .enumerate()
        .filter(|(_, w)| *w == b"unix.SYS_X")
        .map(|(i, _)| i)
        .collect();
    assert_eq!(at.len(), 2);
    let skip = blocks_without(&bodies, at);
    let inside: Vec<&[u8]> = skip.iter().map(|&(s, e)| &src[s..e]).collect();
    assert_eq!(inside, vec![&b" work() "[..]]);
}

/// What the token passes report of `src`, each pass once.
fn passes(src: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    for_each_ident(src, |n, at| out.push(format!("ident {n}@{at}")));
    for_each_selected(src, |n, at| out.push(format!("selected {n}@{at}")));
    for_each_ident_next(src, |n, sel, next, at| {
        out.push(format!("next {n} {sel} {next:?}@{at}"))
    });
    for_each_selector(src, |q, n, at| out.push(format!("selector {q}.{n}@{at}")));
    for_each_string(src, |s, at, role| {
        out.push(format!("string {s}@{at} {role:?}"))
    });
    out.push(format!("any {}", any_string(src, |s| s == "b")));
    out
}

/// Inside a scope, the passes over the offered file replay its tokens and report what
/// they report lexing; a pass over other bytes (here a part of the file) lexes them.
#[test]
fn cached_tokens_give_the_passes_the_lexers_answers() {
    let src = Arc::new(
        b"package p\nimport \"unix\"\nvar m = map[string]int{\"a\": 1, \"b\": 2}\n\
          func f(x T) {\n\tunix.Syscall(x.F, g(\n\t1))\n\t_ = T{A: 1}\n}\n"
            .to_vec(),
    );
    let want = passes(&src);
    let part = &src[24..];
    let want_part = passes(part);
    assert!(want.len() > 30 && want != want_part);
    let scope = cache_tokens();
    offer_source(&src);
    for _ in 0..2 {
        assert_eq!(passes(&src), want);
        assert_eq!(passes(part), want_part);
    }
    // A pass run from inside another, over the same file.
    let mut nested = Vec::new();
    for_each_selected(&src, |n, _| {
        nested.push((n.to_string(), passes(&src) == want))
    });
    assert!(
        nested.len() == 2 && nested.iter().all(|(_, same)| *same),
        "{nested:?}"
    );
    drop(scope);
    assert_eq!(passes(&src), want);
}

/// A pass over a stretch between top-level declarations reports what the whole file's
/// pass reports there, at the same offsets, with the file's tokens cached or not.
#[test]
fn passes_over_a_stretch_are_the_files_passes_there() {
    let src = Arc::new(
        b"package p\nimport \"unix\"\nvar v = unix.Stat_t{}\n\
          func f(x T) {\n\tunix.Syscall(x.F, g(\n\t1))\n}\n\
          type T struct{ F uintptr }\n\
          func (t *T) g() q.R { return q.R{t.F} }\n"
            .to_vec(),
    );
    let idents = |range: std::ops::Range<usize>| {
        let mut out = Vec::new();
        for_each_ident_next_in(&src, range, |n, selected, next, at| {
            out.push((n.to_string(), selected, next, at))
        });
        out
    };
    let sels = |range: std::ops::Range<usize>| {
        let mut out = Vec::new();
        for_each_selector_in(&src, range, |q, n, at| {
            out.push((q.to_string(), n.to_string(), at))
        });
        out
    };
    let text = std::str::from_utf8(&src).unwrap();
    let f = text.find("func f").unwrap();
    let t = text.find("type T").unwrap();
    let g = text.find("func (t").unwrap();
    let stretches = [0..f, f..t, t..g, g..src.len()];
    let mut whole_idents = Vec::new();
    for_each_ident_next(&src, |n, selected, next, at| {
        whole_idents.push((n.to_string(), selected, next, at))
    });
    let mut whole_sels = Vec::new();
    for_each_selector(&src, |q, n, at| {
        whole_sels.push((q.to_string(), n.to_string(), at))
    });
    let check = |cached: bool| {
        for r in &stretches {
            let within = |at: usize| r.contains(&at);
            let want: Vec<_> = whole_idents
                .iter()
                .filter(|x| within(x.3))
                .cloned()
                .collect();
            assert!(!want.is_empty());
            // The last identifier of a stretch has no next token in it.
            let got = idents(r.clone());
            assert_eq!(got.len(), want.len(), "{cached} {r:?}");
            for (a, b) in got.iter().zip(&want) {
                assert_eq!((&a.0, a.1, a.3), (&b.0, b.1, b.3), "{cached} {r:?}");
            }
            let want: Vec<_> = whole_sels.iter().filter(|x| within(x.2)).cloned().collect();
            assert_eq!(sels(r.clone()), want, "{cached} {r:?}");
        }
        // Past the end, and an empty stretch.
        assert!(idents(src.len()..src.len() + 5).is_empty());
        assert!(idents(f..f).is_empty());
    };
    check(false);
    let scope = cache_tokens();
    offer_source(&src);
    check(true);
    drop(scope);
}

#[test]
fn ident_uses_tell_conversions_empty_literals_and_element_types() {
    let src = b"package p\nvar a = uint64(st.Rdev) + int64(x.y.Sec) + uint64(f(x).Dev) + uint64(st.Dev + 1)\nvar b = T{} + []q.T{} + map[string]U{1} + q.V{ }\nvar c = (uint64)(st.Nlink) + my.uint64(st.Blksize) + uint64(s[i].Nsec)";
    let mut got = Vec::new();
    for_each_ident_use(src, |u| {
        if u.converted || u.empty_braces || u.element_type {
            got.push((
                u.name.to_string(),
                u.converted,
                u.empty_braces,
                u.element_type,
            ));
        }
    });
    let want = [
        ("Rdev", true, false, false),
        ("Sec", true, false, false),
        // `T{}` and `q.V{ }` are empty; `[]q.T{}` is both; `U` is a map's element type.
        ("T", false, true, false),
        ("q", false, false, true),
        ("T", false, true, true),
        ("U", false, false, true),
        ("V", false, true, false),
        // Through an index: `s[i].Nsec` is the whole operand.
        ("Nsec", true, false, false),
    ];
    let want: Vec<(String, bool, bool, bool)> = want
        .iter()
        .map(|(n, c, e, t)| (n.to_string(), *c, *e, *t))
        .collect();
    assert_eq!(got, want);
}

#[test]
fn conversions_through_indexes_are_told_and_sums_are_not() {
    let src = b"package p\nvar a = uint64(m[1][0].Dev) + int(f(x)[0].Len) + int(a[i] + b.Len) + int64(s[t.Sec])";
    let mut got = Vec::new();
    for_each_ident_use(src, |u| got.push((u.name.to_string(), u.converted)));
    let converted: Vec<&str> = got
        .iter()
        .filter(|(_, c)| *c)
        .map(|(n, _)| n.as_str())
        .collect();
    // `f(x)[0]` indexes a call's result (no chain of names), `b.Len` is half a sum, and
    // `t.Sec` is an index, not the operand.
    assert_eq!(converted, ["Dev"]);
}

#[test]
fn ident_uses_tell_result_types_and_element_types_on_their_line() {
    let src = b"package p\nfunc f() *unix.Stat_t {\n\treturn &unix.Stat_t{}\n}\nfunc g() (x T) { _ = a * q.U{} }\nfunc h() []q.Sec { return nil }\nvar v = a[1]\nq.W{}\n";
    let mut got = Vec::new();
    for_each_ident_use(src, |u| {
        if u.next == '{' {
            got.push((u.name.to_string(), u.result, u.element_type));
        }
    });
    // `*unix.Stat_t {` after `)` is f's result type, the one in its body a literal;
    // g's `{` follows `)` alone; `a * q.U{}` multiplies no result; `[]q.Sec {` is an
    // element type; `q.W` on the line after `]` is none.
    let want = [
        ("Stat_t", true, false),
        ("Stat_t", false, false),
        ("U", false, false),
        ("Sec", false, true),
        ("W", false, false),
    ];
    let want: Vec<(String, bool, bool)> = want
        .iter()
        .map(|(n, r, e)| (n.to_string(), *r, *e))
        .collect();
    assert_eq!(got, want);
}

#[test]
fn calls_without_arguments_are_told_from_the_others() {
    let src = b"package p\nfunc f() {\n\tif !ok() && x.sel() || g(1) || h( /* c */ ) {\n\t\t_ = k[T]() + (m)()\n\t}\n}";
    let mut got = Vec::new();
    for_each_call_without_args(src, |n, _| got.push(n.to_string()));
    assert_eq!(got, ["f", "ok", "h"]);
}

/// An argument's tokens, read from the span `for_each_selector_call` gives: its numbers
/// (not a `.5`, a rune or a comment's), the names a `.` selects and those it does not, a
/// `^`; a nested call's tokens are its argument's too.
#[test]
fn selector_call_arguments_tell_their_tokens() {
    let src = b"package p\nfunc f() {\n\tunix.Kill(pid, unix.Signal(9))\n\tsyscall.Syscall(SYS_X, uintptr(fd), 0x5413|flag, f(a, ^0), .5, 'a' /* 7 */)\n\ta.b.Open(x, 1)\n\tunix.F[int](y.z)\n}";
    let mut got = Vec::new();
    for_each_selector_call(src, |q, y, _, args| {
        let args: Vec<String> = args
            .iter()
            .map(|&(s, e)| {
                let a = ArgTokens::of(&src[s..e]);
                format!("{:?} {:?} {:?} {}", a.numbers, a.names, a.selected, a.caret)
            })
            .collect();
        got.push((format!("{q}.{y}"), args));
    });
    let call =
        |f: &str, args: &[&str]| (f.to_string(), args.iter().map(|a| a.to_string()).collect());
    let want: Vec<(String, Vec<String>)> = vec![
        call("unix.Signal", &[r#"["9"] [] [] false"#]),
        call(
            "unix.Kill",
            &[
                r#"[] ["pid"] [] false"#,
                r#"["9"] ["unix"] ["Signal"] false"#,
            ],
        ),
        call(
            "syscall.Syscall",
            &[
                r#"[] ["SYS_X"] [] false"#,
                r#"[] ["uintptr", "fd"] [] false"#,
                r#"["0x5413"] ["flag"] [] false"#,
                r#"["0"] ["f", "a"] [] true"#,
                r#"[] [] [] false"#,
                r#"[] [] [] false"#,
            ],
        ),
        call("unix.F", &[r#"[] ["y"] ["z"] false"#]),
    ];
    assert_eq!(got, want);
}

/// Where a selected field's value goes, from the tokens around it: adapting contexts,
/// constants assigned or compared (not past an operator binding tighter, nor a variable in
/// the run), a comparison with `q.N`, whole arguments of `q.f(…)` (numbered, spread told),
/// and the rest.
#[test]
fn field_sites_tell_adapting_and_constant_uses() {
    let src = b"package p\nfunc f() {\n\tx.A.B = 0\n\tx.C[i](1)\n\tx.D++\n\tx.E = (1 << 30) - 2\n\tx.F, y = 1, 2\n\tx.G = n\n\tx.H = 1 +\n\t\tn\n\tif x.I == 0 && (x.J > 1) {\n\t}\n\t_ = a + x.K == 0\n\t_ = x.L == 1+n\n\t_ = x.M != q.N\n\t_ = \"ab\"[0] == 0 || x.O == \"ab\"[0]\n\tfmt.Printf(\"%d\", x.P, x.Q[0])\n\tg(x.R)\n\tfmt.Println(a + x.S)\n\tq.F(a, xs...)\n\tq.F(x.T, xs...)\n\tq.F(/* c */ x.X)\n\t_ = unsafe.Sizeof(x.U)\n\tfor range x.V {\n\t}\n\t_ = T{x.W, 1}\n}\n";
    let sites = Sites::new(src);
    let text = std::str::from_utf8(src).unwrap();
    // `.name` not followed by more of a name (`.P`, not `.Printf`).
    let at = |name: &str| {
        let dot = format!(".{name}");
        text.match_indices(&dot)
            .find(|(i, _)| !text.as_bytes()[i + dot.len()].is_ascii_alphanumeric())
            .unwrap()
            .0
            + 1
    };
    let arg = |index: usize, spread: bool| FieldSite::Argument {
        qualifier: if index == 0 && !spread { "q" } else { "fmt" },
        func: if index == 0 && !spread { "F" } else { "Printf" },
        index,
        spread,
    };
    let want = [
        ("A", FieldSite::Adapts),
        ("C", FieldSite::Adapts),
        ("D", FieldSite::Adapts),
        ("E", FieldSite::AssignedConstant),
        ("F", FieldSite::Other),
        ("G", FieldSite::Other),
        ("H", FieldSite::Other),
        ("I", FieldSite::ComparedWithConstant),
        ("J", FieldSite::ComparedWithConstant),
        ("K", FieldSite::Other),
        ("L", FieldSite::Other),
        ("M", FieldSite::ComparedWithMember("q", "N")),
        ("O", FieldSite::Other),
        ("P", arg(1, false)),
        ("Q", arg(2, false)),
        ("R", FieldSite::Other),
        ("S", FieldSite::Other),
        ("U", FieldSite::Adapts),
        ("V", FieldSite::Adapts),
        ("W", FieldSite::Other),
        ("X", FieldSite::Other),
    ];
    for (name, site) in want {
        assert_eq!(sites.field(at(name)), site, "{name}");
    }
    assert_eq!(
        sites.field(at("T")),
        FieldSite::Argument {
            qualifier: "q",
            func: "F",
            index: 0,
            spread: true
        }
    );
    assert!(sites.only_qualifies("fmt"));
    assert!(!sites.only_qualifies("a"));
}

/// A composite literal's elements: constants (keyed or not, a nested literal without a
/// type), keys of other values, positional values.
#[test]
fn literal_elements_tell_constants_and_keys() {
    let src = b"package p\nimport q \"x/q\"\nvar a = q.T{A: 1 << 3, B: f(x), C: {1, 2}, D: -\"s\"[0], 5, y,\n}\nvar b = T{}\n";
    let sites = Sites::new(src);
    let text = std::str::from_utf8(src).unwrap();
    let t = text.find("T{A").unwrap();
    assert_eq!(sites.qualifier(t), Some("q"));
    assert_eq!(
        sites.literal(t).unwrap(),
        [
            LitElem::Constant,
            LitElem::Keyed("B"),
            LitElem::Constant,
            LitElem::Keyed("D"),
            LitElem::Constant,
            LitElem::Other,
        ]
    );
    assert!(sites.literal(text.find("T{}").unwrap()).unwrap().is_empty());
    assert!(sites.only_qualifies("q"));
}

/// Bytes for the [`Specials`] tests: every special, the look-alikes its compares fold in,
/// tabs, newlines, letters and UTF-8 lead and continuation bytes.
const SPECIAL_ALPHABET: &[u8] =
    b"()[]{}\"'`/\x02\x07\x0F@\t\n *a_0\\\xC3\xA9\x5B\x7D\x08\x09\x22\x60";

/// A reproducible byte string of `len` bytes of [`SPECIAL_ALPHABET`].
fn special_text(seed: u64, len: usize) -> Vec<u8> {
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (0..len)
        .map(|_| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            SPECIAL_ALPHABET[(x >> 33) as usize % SPECIAL_ALPHABET.len()]
        })
        .collect()
}

/// The chunked search finds, from any start, exactly the special bytes a byte loop finds
/// (look-alikes skipped as `skip_nested` skips them), across chunk ends and the tail.
#[test]
fn specials_are_the_bytes_a_byte_loop_finds() {
    for seed in 0..300u64 {
        let src = special_text(seed, (seed as usize * 7) % 90);
        for start in 0..=src.len() {
            let want: Vec<usize> = (start..src.len())
                .filter(|&k| NESTED_SPECIAL[src[k] as usize])
                .collect();
            let mut got = Vec::new();
            let mut sp = Specials::new(&src);
            let mut i = start;
            while let Some(at) = sp.next_from(i) {
                assert!(at >= i, "{at} before {i} in {src:?}");
                if NESTED_SPECIAL[src[at] as usize] {
                    got.push(at);
                }
                i = at + 1;
            }
            assert_eq!(got, want, "from {start} in {src:?}");
            // Asked again from a later place (a literal or comment skipped), it agrees.
            let mut sp = Specials::new(&src);
            if let Some(first) = sp.next_from(start) {
                let later = (first + 5).min(src.len());
                let want = (later..src.len()).find(|&k| NESTED_SPECIAL[src[k] as usize]);
                let mut i = later;
                let got = loop {
                    match sp.next_from(i) {
                        Some(at) if !NESTED_SPECIAL[src[at] as usize] => i = at + 1,
                        other => break other,
                    }
                };
                assert_eq!(got, want, "from {later} in {src:?}");
            }
        }
    }
}

/// `skip_nested` closes brackets as the byte-at-a-time loop did, on text full of
/// brackets, literals, comments and look-alike bytes: what differs is the search for the
/// next special byte (both step over it with `at_special`).
#[test]
fn skip_nested_matches_a_byte_loop() {
    fn reference(src: &[u8], mut i: usize, mut depth: usize) -> (Kind, usize, usize) {
        while i < src.len() {
            if !NESTED_SPECIAL[src[i] as usize] {
                i += 1;
                continue;
            }
            let at = i;
            let (next, closed) = at_special(src, at, &mut depth);
            i = next;
            if let Some(kind) = closed {
                return (kind, at, i);
            }
        }
        (Kind::Eof, src.len(), src.len())
    }
    for seed in 0..2000u64 {
        let src = special_text(seed, 20 + (seed as usize * 13) % 200);
        for (start, depth) in [(0, 1), (3, 1), (0, 2), (7, 3)] {
            let start = start.min(src.len());
            let mut lx = Lexer {
                src: &src,
                pos: start,
            };
            let t = lx.skip_nested(depth);
            let (kind, s, e) = reference(&src, start, depth);
            assert_eq!((t.kind, t.start, t.end, lx.pos), (kind, s, e, e), "{src:?}");
        }
    }
}
