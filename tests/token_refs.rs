//! Token references (`lexer::refs`) against tree-sitter's (`index::refs`) on real Go code:
//! undefined-on-arch judges a file from its tokens only where they must agree.

use crate::util::debian_go_tree;
use abiport::index::refs::collect;
use abiport::lexer::refs::{decl_refs, top_declarations, NOT_REFERENCES};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

/// The names a file's imports bind, read off its tree.
fn import_names(tree: &tree_sitter::Tree, src: &[u8]) -> HashSet<String> {
    let mut out = HashSet::new();
    let mut stack = vec![tree.root_node()];
    while let Some(n) = stack.pop() {
        if n.kind() == "import_spec" {
            let text = |f: &str| n.child_by_field_name(f).and_then(|x| x.utf8_text(src).ok());
            let path = text("path").unwrap_or("").trim_matches('"');
            let name = text("name").unwrap_or_else(|| path.rsplit('/').next().unwrap_or(""));
            out.insert(name.to_string());
            continue;
        }
        let mut c = n.walk();
        stack.extend(n.children(&mut c).filter(|ch| {
            matches!(
                ch.kind(),
                "import_declaration" | "import_spec_list" | "import_spec"
            )
        }));
    }
    out
}

fn go_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let (path, Ok(kind)) = (e.path(), e.file_type()) else {
            continue;
        };
        if kind.is_dir() {
            go_files(&path, out);
        } else if kind.is_file() && path.extension().is_some_and(|x| x == "go") {
            out.push(path);
        }
    }
}

type ByName<'a> = BTreeMap<(Option<&'a str>, &'a str), Vec<(usize, usize, &'a str)>>;

/// For every declaration and every name (or import qualifier) its tokens place, the
/// references the tokens give are the tree's, in the syscall-heavy packages of Debian's
/// tree (x/sys, x/net, netlink, runc, cilium).
#[test]
fn token_references_are_the_trees_where_tokens_place_the_name() {
    let Some(tree_root) = debian_go_tree("golang.org/x/sys/unix") else {
        return;
    };
    let mut files = Vec::new();
    for dir in [
        "golang.org/x/sys",
        "golang.org/x/net",
        "github.com/vishvananda",
        "github.com/opencontainers",
        "github.com/cilium",
    ] {
        go_files(&tree_root.join(dir), &mut files);
    }
    files.sort();
    assert!(files.len() > 800, "{} files", files.len());
    let (mut placed, mut unsure, mut checked) = (0usize, 0usize, 0usize);
    let mut wrong = Vec::new();
    for path in &files {
        let src = std::fs::read(path).unwrap();
        let tree = abiport::syntax::parse_go(&src).unwrap();
        if tree.root_node().has_error() {
            // Go rejects the file: tokens and tree-sitter's recovery may differ.
            continue;
        }
        let imports = import_names(&tree, &src);
        let tree_refs = collect(&tree, &src, &imports);
        let decls = top_declarations(&src).expect("brackets close in a file Go accepts");
        checked += 1;
        for range in decls {
            let d = decl_refs(&src, range.clone(), |n| imports.contains(n));
            let mut tokens: ByName<'_> = BTreeMap::new();
            for r in &d.refs {
                let k = (r.qualifier, if r.qualifier.is_some() { "" } else { r.name });
                tokens.entry(k).or_default().push((r.start, r.end, r.name));
            }
            let mut trees: ByName<'_> = BTreeMap::new();
            for r in tree_refs.iter().filter(|r| range.contains(&r.span.start)) {
                let q = r.qualifier.as_deref();
                let k = (q, if q.is_some() { "" } else { r.name.as_str() });
                trees
                    .entry(k)
                    .or_default()
                    .push((r.span.start, r.span.end, &r.name));
            }
            let names: HashSet<_> = tokens.keys().chain(trees.keys()).copied().collect();
            for k in names {
                // Never candidates (`lexer::refs` skips them; tree-sitter's `nil` may be a type).
                if NOT_REFERENCES.contains(&k.1) {
                    continue;
                }
                if d.unsure.contains(k.0.unwrap_or(k.1)) {
                    unsure += 1;
                    continue;
                }
                placed += 1;
                let (a, b) = (tokens.get(&k), trees.get(&k));
                if a != b && wrong.len() < 10 {
                    wrong.push(format!(
                        "{} {k:?}: tokens {a:?}, tree {b:?}",
                        path.display()
                    ));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // Most names are placed (so most files are judged from their tokens).
    assert!(
        checked > 800 && placed > unsure,
        "{checked} files, {placed} placed, {unsure} unsure"
    );
}
