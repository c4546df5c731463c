use super::*;
use crate::index::decls;
use crate::lexer::tests::go_files;
use crate::syntax::tree::parse_go;
use std::path::{Path, PathBuf};

/// The token scan gives tree-sitter's items on `src`, which must be valid Go.
fn same_as_tree_sitter(src: &str) -> Vec<TypedItem> {
    let tree = parse_go(src.as_bytes()).unwrap();
    assert!(
        !tree.root_node().has_error(),
        "test source must be valid Go: {src}"
    );
    let want = decls::typed_items(&tree, src.as_bytes());
    let got = typed_items(src.as_bytes());
    assert_eq!(got, want, "{src}");
    got
}

#[test]
fn structs_embedded_fields_and_tags() {
    let items = same_as_tree_sitter(
        "package p\ntype EpollEvent struct {\n\tEvents uint32\n\t_      int32\n\tFd, Pad int32 `json:\"fd\"`\n\tTimespec\n\t*sync.Mutex \"tag\"\n\tio.Reader\n\tG[int]\n\ta [4]byte // c\n\tb []struct{ x int }\n\tf func(a, b int) (c error)\n\tm map[string]struct {\n\t\ty int\n\t}\n}\ntype E struct{}\ntype One struct{ a int; b string }\n",
    );
    let ItemKind::Struct(f) = &items[0].kind else {
        panic!("{items:?}")
    };
    let names: Vec<&str> = f.iter().map(|f| &f.name[..]).collect();
    assert_eq!(
        names,
        ["Events", "_", "Fd", "Pad", "Timespec", "Mutex", "Reader", "G[int]", "a", "b", "f", "m"]
    );
}

#[test]
fn funcs_methods_and_signatures() {
    same_as_tree_sitter(
        "package p\nfunc init() {}\nfunc Major(dev uint64) uint32 { return 0 }\nfunc (s *Stat_t) Size(a, b int, rest ...string) (n int64, err error) { return }\nfunc (Stat_t) V() {}\nfunc (s *G[K]) W(x G[int], y []G[K]) {}\nfunc Raw(int, *byte, pkg.T) (uintptr, error)\nfunc F[T any](x T) func(int) error { return nil }\nfunc I() interface{ M() } { return nil }\nfunc S() struct{ a int } { return struct{ a int }{} }\nfunc V(f ...func()) {}\nfunc M(\n\ta int,\n\tb map[string]int,\n) (\n\tc chan<- int,\n) {\n\treturn nil\n}\nfunc N(a, b) {}\n",
    );
}

#[test]
fn types_vars_consts() {
    same_as_tree_sitter(
        "package p\ntype Dev uint64\ntype A = Dev\ntype (\n\tB [4]byte\n\tC [N]int\n\tD [pkg.N * 2]int\n\tG[T any] struct{ v T }\n\tH[K comparable, V any] map[K]V\n\tI interface {\n\t\tM()\n\t}\n\tF func(x int) (a, b int)\n)\nvar X, Y Dev\nvar Z = 1\nvar (\n\tm map[string]int = nil\n\tn, o = 1, 2\n)\nconst K uint32 = 1\nconst U = 2\nconst (\n\tP, Q = iota, iota\n\tR, S\n\tT int = 3\n)\n",
    );
}

#[test]
fn spans_count_bytes_and_lines() {
    let items = same_as_tree_sitter("\u{feff}package p\n\n// é\ntype é struct {\n\tà, b int\n}\n");
    assert_eq!((items[0].span.line, items[0].span.column), (4, 6));
}

#[test]
fn invalid_go_never_panics() {
    for src in [
        "package p\nfunc (",
        "package p\nfunc F(a int",
        "package p\ntype T struct {",
        "package p\ntype T[",
        "package p\nvar (",
        "package p\nconst A, = 1",
        "package p\nfunc F() {{{",
        "package p\nfunc (s *T) (",
        "package p\ntype T struct { a [",
        "package p\nfunc F(a [",
        ")))]]]}}}",
    ] {
        let _ = typed_items(src.as_bytes());
    }
}

/// Files where the token scan and tree-sitter disagree, of those tree-sitter parses
/// without errors; (compared, mismatched).
fn compare(files: &[PathBuf]) -> (usize, usize) {
    let (mut compared, mut mismatched) = (0, 0);
    for p in files {
        let Ok(src) = std::fs::read(p) else { continue };
        // Every file must not panic, with errors or not.
        let got = typed_items(&src);
        let Some(tree) = parse_go(&src) else { continue };
        if tree.root_node().has_error() {
            continue;
        }
        compared += 1;
        let want = decls::typed_items(&tree, &src);
        if got != want {
            mismatched += 1;
            if mismatched <= 5 {
                let first = got.iter().zip(&want).find(|(g, w)| g != w);
                eprintln!(
                    "typed mismatch {}: {} vs {} items, first diff {first:#?}",
                    p.display(),
                    got.len(),
                    want.len()
                );
            } else {
                let first = got.iter().zip(&want).find(|(g, w)| g != w);
                eprintln!(
                    "typed mismatch {}: first diff at {:?}",
                    p.display(),
                    first.map(|f| (&f.1.name, f.1.span.line))
                );
            }
        }
    }
    (compared, mismatched)
}

#[test]
fn matches_tree_sitter_on_go_sample() {
    let mut files = Vec::new();
    for dir in [
        "/usr/lib/go-1.19/src/syscall",
        "/usr/lib/go-1.19/src/os",
        "/usr/share/gocode/src/golang.org/x/sys/unix",
    ] {
        go_files(Path::new(dir), files.len() + 400, &mut files);
    }
    if files.is_empty() {
        eprintln!("skipped: no Go sources under /usr/lib/go-1.19/src (install golang-go)");
        return;
    }
    let (compared, mismatched) = compare(&files);
    assert!(compared > 100, "{compared}");
    assert_eq!(mismatched, 0, "of {compared}");
}

#[test]
#[ignore = "slow: every .go file of the installed Go trees (cargo test --release --lib typed -- --ignored)"]
fn matches_tree_sitter_on_all_installed_go() {
    let mut files = Vec::new();
    for dir in ["/usr/lib/go-1.19/src", "/usr/share/gocode/src"] {
        go_files(Path::new(dir), usize::MAX, &mut files);
    }
    let (compared, mismatched) = compare(&files);
    eprintln!("{compared} files compared");
    assert_eq!(mismatched, 0, "of {compared}");
}
