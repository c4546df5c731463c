//! The offsets the rules hold for partial parses (`Rule::bodies`) over-approximate: over
//! real Go files, every node a check of abi-struct-drift, arch-keyed-table,
//! arch-constant-literal, raw-syscall-abi, kernel-struct-mirror or syscall-number-literal
//! can report at or read through the file's constants (and struct declarations) lies
//! outside the bodies left out, as tree-sitter's whole parse places it.

use super::{
    abi_struct_drift, arch_constant_literal, arch_keyed_table, kernel_struct_mirror,
    syscall_number_literal,
};
use crate::arch::Arch;
use crate::lexer::tests::go_files;
use crate::syntax::calls::{raw_syscall_offsets, RAW_SYSCALL_FUNCS};
use crate::syntax::parse_go;
use crate::syntax::tree::FIELD;
use std::path::{Path, PathBuf};
use tree_sitter::Node;

fn text<'s>(n: Node<'_>, src: &'s [u8]) -> &'s str {
    std::str::from_utf8(&src[n.byte_range()]).unwrap_or("")
}

/// The `q.F` of a selector with an identifier operand.
fn selector<'s>(n: Node<'_>, src: &'s [u8]) -> Option<(&'s str, &'s str)> {
    if n.kind() != "selector_expression" {
        return None;
    }
    let op = n.child_by_field_id(FIELD.operand)?;
    let f = n.child_by_field_id(FIELD.field)?;
    (op.kind() == "identifier").then(|| (text(op, src), text(f, src)))
}

/// What each rule's check may report at or read, found in a whole tree.
#[derive(Default)]
struct Sites<'t> {
    /// `q.SYS_X`, with the qualifiers seen.
    sys_uses: Vec<Node<'t>>,
    sys_quals: Vec<String>,
    /// Calls `q.F(…)` of a judged `F`, with the qualifiers seen.
    judged_calls: Vec<Node<'t>>,
    call_quals: Vec<String>,
    /// Calls `q.F(…)` of a raw syscall `F`.
    raw_calls: Vec<Node<'t>>,
    /// `x.Cc[i]`.
    cc_indexes: Vec<Node<'t>>,
    /// Switches and map literals with a case or key `"amd64"`.
    tables: Vec<Node<'t>>,
    /// Switches and map literals with a case or key naming any arch.
    arch_tables: Vec<Node<'t>>,
    const_specs: Vec<Node<'t>>,
    type_specs: Vec<Node<'t>>,
}

fn is_reference_key(n: Node<'_>, src: &[u8]) -> bool {
    is_arch_key(n, src, |a| a == Arch::Amd64)
}

fn is_arch_key(n: Node<'_>, src: &[u8], arch: impl Fn(Arch) -> bool) -> bool {
    let t = text(n, src);
    matches!(
        n.kind(),
        "interpreted_string_literal" | "raw_string_literal"
    ) && t.len() >= 2
        && Arch::from_name(&t[1..t.len() - 1]).is_some_and(arch)
}

/// Whether a switch's case labels or a map literal's keys include the reference's name.
fn has_reference_key(n: Node<'_>, src: &[u8]) -> bool {
    has_key(n, src, is_reference_key)
}

/// Whether a switch's case labels or a map literal's keys include a key `is_key` takes.
fn has_key(n: Node<'_>, src: &[u8], is_key: fn(Node<'_>, &[u8]) -> bool) -> bool {
    let mut c = n.walk();
    let parts: Vec<Node<'_>> = match n.kind() {
        "expression_switch_statement" => n.named_children(&mut c).collect(),
        _ => n
            .child_by_field_id(FIELD.body)
            .map(|b| b.named_children(&mut c).collect())
            .unwrap_or_default(),
    };
    parts.into_iter().any(|p| {
        let key = match p.kind() {
            "expression_case" => p.child_by_field_id(FIELD.value),
            "keyed_element" => p.child_by_field_id(FIELD.key),
            _ => None,
        };
        key.is_some_and(|k| {
            let mut c2 = k.walk();
            let keys: Vec<Node<'_>> = k.named_children(&mut c2).collect();
            keys.into_iter().any(|x| is_key(x, src))
        })
    })
}

/// Every site of the tree under `root` (a walk without recursion: generated Go nests deep).
fn collect<'t>(root: Node<'t>, src: &[u8], out: &mut Sites<'t>) {
    crate::index::refs::walk_tree(root, |v| {
        visit(v.node, src, out);
        true
    });
}

fn visit<'t>(n: Node<'t>, src: &[u8], out: &mut Sites<'t>) {
    match n.kind() {
        "selector_expression" => {
            if let Some((q, f)) = selector(n, src) {
                if f.starts_with("SYS_") {
                    out.sys_uses.push(n);
                    out.sys_quals.push(q.to_string());
                }
            }
        }
        "call_expression" => {
            let f = n.child_by_field_id(FIELD.function);
            if let Some((q, f)) = f.and_then(|f| selector(f, src)) {
                if arch_constant_literal::is_judged_call(f) {
                    out.judged_calls.push(n);
                    out.call_quals.push(q.to_string());
                }
                if RAW_SYSCALL_FUNCS.contains(&f) {
                    out.raw_calls.push(n);
                }
            }
        }
        "index_expression" => {
            let op = n.child_by_field_id(FIELD.operand);
            if op.is_some_and(|o| selector(o, src).is_some_and(|(_, f)| f == "Cc")) {
                out.cc_indexes.push(n);
            }
        }
        "expression_switch_statement" | "composite_literal"
            if n.kind() == "expression_switch_statement"
                || n.child_by_field_id(FIELD.ty)
                    .is_some_and(|t| t.kind() == "map_type") =>
        {
            if has_reference_key(n, src) {
                out.tables.push(n);
            }
            if has_key(n, src, |k, src| is_arch_key(k, src, |_| true)) {
                out.arch_tables.push(n);
            }
        }
        "const_spec" => out.const_specs.push(n),
        "type_spec" => out.type_specs.push(n),
        _ => {}
    }
}

/// How many sites were checked, how many of them sit in a top-level block (a body or a
/// package-level literal: where a wrong holding would lose them), and the lost ones.
#[derive(Debug, Default)]
struct Count {
    sites: usize,
    in_blocks: usize,
    lost: Vec<String>,
}

/// Check that none of `sites` meets a range that `offsets` leave out of `src`'s parse.
fn check(
    what: &str,
    path: &Path,
    blocks: &[crate::lexer::Block],
    offsets: Vec<usize>,
    sites: &[Node<'_>],
    n: &mut Count,
) {
    let skipped = crate::lexer::blocks_without(blocks, offsets);
    for s in sites {
        let r = s.byte_range();
        n.sites += 1;
        if blocks.iter().any(|b| b.open < r.start && r.end <= b.close) {
            n.in_blocks += 1;
        }
        if skipped.iter().any(|&(a, b)| a < r.end && r.start < b) {
            n.lost.push(format!(
                "{what} at {}:{}",
                path.display(),
                s.start_position().row + 1
            ));
        }
    }
}

fn check_files(files: &[PathBuf]) -> Count {
    let mut n = Count::default();
    for p in files {
        let Ok(src) = std::fs::read(p) else { continue };
        let Some(blocks) = crate::lexer::top_blocks(&src) else {
            continue;
        };
        let Some(tree) = parse_go(&src) else { continue };
        let mut sites = Sites::default();
        collect(tree.root_node(), &src, &mut sites);
        // Each rule's holding, and every kind of site its check reads.
        let asd = abi_struct_drift::sys_use_offsets(&src, &sites.sys_quals);
        let akt = arch_keyed_table::table_offsets(&src, Arch::Amd64);
        let acl = arch_constant_literal::site_offsets(&src, &sites.call_quals);
        let rsa = raw_syscall_offsets(&src, &sites.call_quals);
        let ksm = kernel_struct_mirror::site_offsets(&src, &sites.call_quals);
        let snl = syscall_number_literal::site_offsets(&src, &sites.call_quals);
        let consts = &sites.const_specs;
        let raw = &sites.raw_calls;
        let cases: [(&str, &Vec<usize>, &Vec<Node<'_>>); 14] = [
            ("SYS_ use", &asd, &sites.sys_uses),
            ("table", &akt, &sites.tables),
            ("const (akt)", &akt, consts),
            ("judged call", &acl, &sites.judged_calls),
            ("Cc index", &acl, &sites.cc_indexes),
            ("const (acl)", &acl, consts),
            ("raw call (rsa)", &rsa, raw),
            ("const (rsa)", &rsa, consts),
            ("raw call (ksm)", &ksm, raw),
            ("const (ksm)", &ksm, consts),
            ("type (ksm)", &ksm, &sites.type_specs),
            ("raw call (snl)", &snl, raw),
            ("arch table (snl)", &snl, &sites.arch_tables),
            ("const (snl)", &snl, consts),
        ];
        for (what, held, found) in cases {
            check(what, p, &blocks, held.clone(), found, &mut n);
        }
    }
    n
}

#[test]
fn holdings_keep_every_site_of_a_go_sample() {
    let mut files = Vec::new();
    for dir in [
        "/usr/lib/go-1.19/src/syscall",
        "/usr/lib/go-1.19/src/os",
        "/usr/lib/go-1.19/src/cmd/dist",
        "/usr/lib/go-1.19/src/cmd/go/internal/work",
        "/usr/share/gocode/src/github.com/opencontainers/runc/libcontainer",
        "/usr/share/gocode/src/golang.org/x/sys/unix",
    ] {
        go_files(Path::new(dir), files.len() + 300, &mut files);
    }
    if files.is_empty() {
        eprintln!("skipped: no Go sources under /usr/lib/go-1.19/src (install golang-go)");
        return;
    }
    let n = check_files(&files);
    eprintln!("{} sites, {} in blocks", n.sites, n.in_blocks);
    assert!(n.lost.is_empty(), "{:?}", n.lost);
    // Sites inside bodies and literals are what the holdings must keep.
    assert!(n.in_blocks > 500, "{n:?}");
}

#[test]
#[ignore = "slow: every .go file of the installed Go trees (cargo test --release --lib holdings -- --ignored)"]
fn holdings_keep_every_site_of_all_installed_go() {
    let mut files = Vec::new();
    for dir in ["/usr/lib/go-1.19/src", "/usr/share/gocode/src"] {
        go_files(Path::new(dir), usize::MAX, &mut files);
    }
    let n = check_files(&files);
    eprintln!("{} sites, {} in blocks", n.sites, n.in_blocks);
    assert!(
        n.lost.is_empty(),
        "{} lost: {:?}",
        n.lost.len(),
        &n.lost[..n.lost.len().min(20)]
    );
}

/// The test above can fail: without the `const` holding, a constant of a function that
/// holds nothing else is lost.
#[test]
fn a_const_alone_in_a_body_is_a_site() {
    let src = b"package p\nfunc f() int { const n = 1; return n }\nfunc g() {}\n";
    let blocks = crate::lexer::top_blocks(src).unwrap();
    let tree = parse_go(src).unwrap();
    let mut sites = Sites::default();
    collect(tree.root_node(), src, &mut sites);
    assert_eq!(sites.const_specs.len(), 1);
    let path = Path::new("p.go");
    let mut held = Count::default();
    let acl = arch_constant_literal::site_offsets(src, &[]);
    check("const", path, &blocks, acl, &sites.const_specs, &mut held);
    assert!(held.lost.is_empty() && held.in_blocks == 1);
    let mut none = Count::default();
    check(
        "const",
        path,
        &blocks,
        vec![],
        &sites.const_specs,
        &mut none,
    );
    assert_eq!(none.lost.len(), 1);
}

/// kernel-struct-mirror reads struct declarations of every scope: a `type` in a body
/// that holds no raw call is kept, and would be lost without the `type` holding.
#[test]
fn a_type_alone_in_a_body_is_a_site() {
    let src = b"package p\nfunc f() any { type t struct{ a int }; return t{} }\nfunc g() {}\n";
    let blocks = crate::lexer::top_blocks(src).unwrap();
    let tree = parse_go(src).unwrap();
    let mut sites = Sites::default();
    collect(tree.root_node(), src, &mut sites);
    assert_eq!(sites.type_specs.len(), 1);
    let path = Path::new("p.go");
    let mut held = Count::default();
    let ksm = kernel_struct_mirror::site_offsets(src, &[]);
    check("type", path, &blocks, ksm, &sites.type_specs, &mut held);
    assert!(held.lost.is_empty() && held.in_blocks == 1);
    let mut raw = Count::default();
    let rsa = raw_syscall_offsets(src, &[]);
    check("type", path, &blocks, rsa, &sites.type_specs, &mut raw);
    assert_eq!(raw.lost.len(), 1);
}
