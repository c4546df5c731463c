//! Tests of the per-arch inference on one small file: locals and their scopes, struct
//! fields per arch, results of calls, conversions, range and type-switch bindings.

use super::*;
use crate::arch::ArchSet;
use crate::index::{FileInfo, Index};
use crate::syntax::parse_go;
use std::collections::HashMap;

/// Infer the type of the expression written `expr` on the line marked `// here` in
/// `src` (one file of package `p`), on `arch`.
fn type_at(src: &str, expr: &str, arch: Arch) -> Option<String> {
    with_file(src, |cx| {
        let tree = cx.tree;
        let line = src.lines().position(|l| l.contains("// here")).unwrap();
        let text = src.lines().nth(line).unwrap();
        let code = &text[..text.find("//").unwrap()];
        let is_id = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        let col = code
            .match_indices(expr)
            .map(|(i, _)| i)
            .find(|&i| {
                !is_id(code[..i].chars().last()) && !is_id(code[i + expr.len()..].chars().next())
            })
            .unwrap();
        let start = src.lines().take(line).map(|l| l.len() + 1).sum::<usize>() + col;
        let node = tree
            .root_node()
            .descendant_for_byte_range(start, start + expr.len())
            .unwrap();
        let inf = Infer::new(cx, arch);
        inf.type_of(node).map(|t| t.to_string())
    })
}

/// Run `f` on the syntactic view of `src` (one file of package `p`).
fn with_file<R>(src: &str, f: impl FnOnce(&FileSyntax<'_>) -> R) -> R {
    let bytes = src.as_bytes();
    let tree = parse_go(bytes).unwrap();
    let h = crate::header::scan(bytes);
    let info = FileInfo {
        rel: "p/p.go".into(),
        dir: "p".into(),
        package: "p".into(),
        arches: ArchSet::ALL,
        is_test: false,
        imports: h.imports,
        import_comment: None,
        constraint: None,
        bytes: bytes.len() as u64,
    };
    let mut index = Index::build(
        std::path::Path::new("/nonexistent"),
        None,
        None,
        vec![info],
        Arch::Amd64,
        ArchSet::ALL,
    );
    index.add_typed(0, crate::index::decls::typed_items(&tree, bytes));
    let imports: HashMap<String, Target> = index
        .import_bindings(0)
        .into_iter()
        .filter_map(|(n, t)| Some((n, t?)))
        .collect();
    let cx = FileSyntax::new(&index, 0, bytes, &tree, &imports);
    f(&cx)
}

const SRC: &str = r#"package p

import (
	"syscall"

	"golang.org/x/sys/unix"
)

type pair struct{ a, b uint16 }

func stat() (*unix.Stat_t, error) { return nil, nil }

func f(v interface{}, xs []unix.Timespec, m map[string]*syscall.Stat_t) {
	st, err := stat()
	dev := st.Dev
	{
		dev := "shadow"
		_ = dev
	}
	for i, ts := range xs {
		_, _ = i, ts.Sec
	}
	switch s := v.(type) {
	case *syscall.Stat_t:
		_ = s.Nlink
	}
	p := pair{1, 2}
	n := 5
	_ = []interface{}{dev, err, p.b, n, m["x"].Blksize, uint64(dev), &st.Rdev, ts, s} // here
}
"#;

#[test]
fn follows_locals_scopes_and_fields_per_arch() {
    let t = |e: &str, a: Arch| type_at(SRC, e, a);
    // `dev` on the marked line is the outer one (the inner string is out of scope).
    assert_eq!(t("dev", Arch::Amd64).as_deref(), Some("uint64"));
    assert_eq!(t("dev", Arch::Mips64le).as_deref(), Some("uint32"));
    assert_eq!(t("err", Arch::Amd64).as_deref(), Some("interface{}"));
    assert_eq!(t("p.b", Arch::Amd64).as_deref(), Some("uint16"));
    assert_eq!(t("n", Arch::Amd64).as_deref(), Some("int"));
    assert_eq!(t("m[\"x\"].Blksize", Arch::Arm64).as_deref(), Some("int32"));
    assert_eq!(t("uint64(dev)", Arch::Mips64le).as_deref(), Some("uint64"));
    assert_eq!(t("&st.Rdev", Arch::Mips64le).as_deref(), Some("*uint32"));
    // Out of their scopes: the range variable and the type-switch alias are unknown.
    assert_eq!(t("ts", Arch::Amd64), None);
    assert_eq!(t("s", Arch::Amd64), None);
}

#[test]
fn range_and_type_switch_bindings() {
    let src = SRC
        .replace("_, _ = i, ts.Sec", "_, _ = i, ts.Sec // here")
        .replace("} // here\n", "}\n");
    assert_eq!(
        type_at(&src, "ts.Sec", Arch::I386).as_deref(),
        Some("int32")
    );
    assert_eq!(
        type_at(&src, "ts.Sec", Arch::Amd64).as_deref(),
        Some("int64")
    );
    let src = SRC
        .replace("_ = s.Nlink", "_ = s.Nlink // here")
        .replace("} // here\n", "}\n");
    assert_eq!(
        type_at(&src, "s.Nlink", Arch::Arm64).as_deref(),
        Some("uint32")
    );
    assert_eq!(
        type_at(&src, "s.Nlink", Arch::Amd64).as_deref(),
        Some("uint64")
    );
}

#[test]
fn expressions_nested_past_the_budget_are_not_typed_and_noted() {
    let chain = |terms: usize| {
        format!(
            "package p\n\nfunc f(a uint32) {{\n\tx := a{}\n\t_ = x // here\n}}\n",
            " + a".repeat(terms)
        )
    };
    let short = chain(20);
    assert_eq!(type_at(&short, "x", Arch::Amd64).as_deref(), Some("uint32"));
    with_file(&short, |cx| assert_eq!(cx.depth_note(), None));

    let deep = chain(200);
    assert_eq!(type_at(&deep, "x", Arch::Amd64), None);
    let note = with_file(&deep, |cx| {
        let x = cx
            .tree
            .root_node()
            .descendant_for_byte_range(deep.rfind("x //").unwrap(), deep.rfind("x //").unwrap() + 1)
            .unwrap();
        assert_eq!(Infer::new(cx, Arch::Amd64).type_of(x), None);
        cx.depth_note()
    });
    assert_eq!(
        note.as_deref(),
        Some("line 4: expression nested deeper than 48; not type-checked")
    );
}

#[test]
fn contexts_of_a_value_deep_in_a_chain_are_unknown_and_noted() {
    let chain = |terms: usize| {
        format!(
            "package p\n\nfunc f(a, b uint32) {{\n\tx := a{}\n\t_ = x\n}}\n",
            " + b".repeat(terms)
        )
    };
    fn first_term<'t>(src: &str, cx: &FileSyntax<'t>) -> Node<'t> {
        let at = src.find("a +").unwrap();
        cx.tree
            .root_node()
            .descendant_for_byte_range(at, at + 1)
            .unwrap()
    }
    // `a` is 10 operators below the `:=`: followed into the local.
    let short = chain(10);
    with_file(&short, |cx| {
        let uses = Infer::new(cx, Arch::Amd64).contexts(first_term(&short, cx));
        assert!(uses.iter().any(|u| matches!(u.ctx, Ctx::Local(_))));
        assert_eq!(cx.depth_note(), None);
    });
    // 100 operators below: unknown, with the note.
    let deep = chain(100);
    with_file(&deep, |cx| {
        let uses = Infer::new(cx, Arch::Amd64).contexts(first_term(&deep, cx));
        assert_eq!(uses.len(), 1);
        assert!(matches!(uses[0].ctx, Ctx::Unknown));
        assert_eq!(
            cx.depth_note().as_deref(),
            Some("line 4: expression nested deeper than 48; not type-checked")
        );
    });
}
