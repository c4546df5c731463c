//! Tests of the per-arch inference on one small file: locals and their scopes, struct
//! fields per arch, results of calls, conversions, range and type-switch bindings.

use super::*;
use crate::arch::ArchSet;
use crate::index::{FileInfo, Index};
use crate::syntax::parse_go;

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
    with_files(&[(src, ArchSet::ALL)], f)
}

/// Run `f` on the syntactic view of the first of `files` (files of package `p`, each with
/// the arches it builds for).
fn with_files<R>(files: &[(&str, ArchSet)], f: impl FnOnce(&FileSyntax<'_>) -> R) -> R {
    let trees: Vec<_> = files
        .iter()
        .map(|(s, _)| parse_go(s.as_bytes()).unwrap())
        .collect();
    let infos = files
        .iter()
        .enumerate()
        .map(|(i, (src, arches))| FileInfo::for_test(format!("p/p{i}.go"), "p", *arches, src))
        .collect();
    let mut index = Index::for_test(infos);
    index.typed_files = (files.iter().zip(&trees).enumerate())
        .map(|(i, ((src, _), tree))| (i, crate::index::decls::typed_items(tree, src.as_bytes())))
        .collect();
    let all: Vec<usize> = (0..files.len()).collect();
    index.add_typed(&all);
    let (bytes, tree) = (files[0].0.as_bytes(), &trees[0]);
    let imports = index.resolved_imports(0);
    let cx = FileSyntax::new(&index, 0, bytes, tree, &imports);
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

/// The node spelled `expr` on the line of `src` containing `marker`.
fn node_at<'t>(cx: &FileSyntax<'t>, src: &str, marker: &str, expr: &str) -> Node<'t> {
    let line = src.lines().position(|l| l.contains(marker)).unwrap();
    let col = src.lines().nth(line).unwrap().find(expr).unwrap();
    let start = src.lines().take(line).map(|l| l.len() + 1).sum::<usize>() + col;
    cx.tree
        .root_node()
        .descendant_for_byte_range(start, start + expr.len())
        .unwrap()
}

const SHARED_SRC: &str = r#"package p

import "golang.org/x/sys/unix"

func f(st *unix.Stat_t, t T) {
	dev := st.Dev
	alias := dev // local
	_ = alias + 1 // sum
	_ = uint64(dev) // conv
	_ = t.X // tree
	_ = t.Y // same
	_ = st.Size // size
}
"#;

fn at<'t>(cx: &FileSyntax<'t>, marker: &str, expr: &str) -> Node<'t> {
    node_at(cx, SHARED_SRC, marker, expr)
}

/// The type of `expr` on the line of [`SHARED_SRC`] containing `marker`.
fn ty(inf: &Infer<'_, '_>, marker: &str, expr: &str) -> Option<String> {
    inf.type_of(at(inf.cx, marker, expr)).map(|t| t.to_string())
}

/// Whether the type of `n` is in the arch-invariant results the inferences share.
fn is_shared(inf: &Infer<'_, '_>, n: Node<'_>) -> bool {
    inf.shared.types.borrow().contains_key(&n.id())
}

#[test]
fn results_reading_an_arch_varying_field_are_inferred_per_arch() {
    let decl_other = "package p\n\ntype T struct{ X int64; Y int64 }\n";
    let decl_amd64 = "package p\n\ntype T struct{ X int32; Y int64 }\n";
    let amd64 = ArchSet::single(Arch::Amd64);
    let files = [
        (SHARED_SRC, ArchSet::ALL),
        (decl_amd64, amd64),
        (decl_other, ArchSet::ALL.minus(amd64)),
    ];
    with_files(&files, |cx| {
        let shared: Rc<Shared> = Rc::default();
        let amd = Infer::with_shared(cx, Arch::Amd64, Rc::clone(&shared));
        let mips = Infer::with_shared(cx, Arch::Mips64le, Rc::clone(&shared));
        // `dev` first, so `alias` and `alias + 1` meet it (and `alias`) as memo hits.
        assert_eq!(ty(&amd, "dev :=", "st.Dev").as_deref(), Some("uint64"));
        assert_eq!(ty(&amd, "// local", "dev").as_deref(), Some("uint64"));
        assert_eq!(ty(&amd, "// sum", "alias + 1").as_deref(), Some("uint64"));
        assert_eq!(
            ty(&amd, "// conv", "uint64(dev)").as_deref(),
            Some("uint64")
        );
        assert_eq!(ty(&amd, "// tree", "t.X").as_deref(), Some("int32"));
        assert_eq!(ty(&amd, "// size", "st.Size").as_deref(), Some("int64"));
        // Through the field, a local and memo hits: per arch; the conversion, `t` and
        // `st` read nothing arch-varying: shared.
        for (m, e) in [
            ("dev :=", "st.Dev"),
            ("// local", "dev"),
            ("// sum", "alias + 1"),
            ("// tree", "t.X"),
        ] {
            assert!(!is_shared(&amd, at(cx, m, e)), "{e} is shared");
        }
        assert_eq!(ty(&amd, "// same", "t.Y").as_deref(), Some("int64"));
        // The same type on every arch, fields of structs whose other fields differ too.
        for (m, e) in [
            ("// conv", "uint64(dev)"),
            ("// tree", "t"),
            ("// size", "st"),
            ("// size", "st.Size"),
            ("// same", "t.Y"),
        ] {
            assert!(is_shared(&amd, at(cx, m, e)), "{e} is not shared");
        }
        assert_eq!(ty(&mips, "// sum", "alias + 1").as_deref(), Some("uint32"));
        assert_eq!(ty(&mips, "// local", "dev").as_deref(), Some("uint32"));
        assert_eq!(ty(&mips, "// tree", "t.X").as_deref(), Some("int64"));
        assert_eq!(
            ty(&mips, "// conv", "uint64(dev)").as_deref(),
            Some("uint64")
        );
        assert_eq!(ty(&mips, "// size", "st.Size").as_deref(), Some("int64"));
        // The struct's fields differ between arches: so do its field lists.
        let stat = amd.type_of(at(cx, "// size", "st")).unwrap();
        assert_ne!(amd.fields_of(&stat), mips.fields_of(&stat));
        assert!(shared.fields.borrow().is_empty());
    });
}

#[test]
fn a_declaration_picked_alike_on_every_arch_is_shared() {
    // `T` declared once, in a file that builds everywhere: fields read the same.
    let decl = "package p\n\ntype T struct{ X int32 }\n";
    shared_alike(&[(SHARED_SRC, ArchSet::ALL), (decl, ArchSet::ALL)]);
    // Declared per arch, in files that declare it alike (positions aside).
    let amd64 = ArchSet::single(Arch::Amd64);
    let other = "package p\n\n// T as on amd64.\ntype T struct {\n\tX int32\n}\n";
    shared_alike(&[
        (SHARED_SRC, ArchSet::ALL),
        (decl, amd64),
        (other, ArchSet::ALL.minus(amd64)),
    ]);
}

/// `t.X` of [`SHARED_SRC`] is `int32` on amd64 and mips64le, inferred once.
fn shared_alike(files: &[(&str, ArchSet)]) {
    with_files(files, |cx| {
        let shared: Rc<Shared> = Rc::default();
        let amd = Infer::with_shared(cx, Arch::Amd64, Rc::clone(&shared));
        let x = at(cx, "// tree", "t.X");
        assert_eq!(
            amd.type_of(x).map(|t| t.to_string()).as_deref(),
            Some("int32")
        );
        assert!(is_shared(&amd, x));
        let mips = Infer::with_shared(cx, Arch::Mips64le, shared);
        assert_eq!(
            mips.type_of(x).map(|t| t.to_string()).as_deref(),
            Some("int32")
        );
        assert!(mips.memo.borrow().is_empty(), "mips64le inferred again");
    });
}
