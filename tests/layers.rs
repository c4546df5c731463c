//! The module layering of `src/`: each top-level module may use only modules listed before
//! it in [`LAYERS`] (README "How a scan works"), and no rule module uses another rule.
//! Read from the `crate::`/`super::` paths of every source file outside test code. A leaf
//! submodule may sit lower than the rest of its module (`syntax::tree`: parsing and spans,
//! which the lexer and the index use); it is then named `module::leaf` in the list.

use crate::util::repo_root;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Top-level modules, lowest first. Modules on one line form one layer and may not use
/// each other.
const LAYERS: &[&[&str]] = &[
    &["suggest"],
    &["arch"],
    &["error"],
    &["image"],
    &["abi"],
    &["walk"],
    &["syntax::tree"],
    &["header"],
    &["constraints"],
    &["lexer"],
    &["index"],
    &["finding"],
    &["syntax"],
    &["types"],
    &["edit"],
    &["rules"],
    &["config", "suppress"],
    &["report", "elf"],
    &["baseline"],
    &["scan"],
    &["fix"],
    &["cmd", "fuzz"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// The layer name of `crate::first::second`: `first::second` when listed, else `first`.
fn layer_name(first: &str, second: &str) -> String {
    let qualified = format!("{first}::{second}");
    if layer_of(&qualified).is_some() {
        qualified
    } else {
        first.to_string()
    }
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The file's code outside `#[cfg(test)]` items and comments (tests may reach anywhere).
fn non_test_code(src: &str) -> String {
    let code = src.split("#[cfg(test)]").next().unwrap_or("");
    code.lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// `crate::a::b` paths of the code, as (a, b) pairs (b empty when absent), expanding
/// `crate::{a, b::c}` groups one level.
fn crate_paths(code: &str) -> BTreeSet<(String, String)> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = BTreeSet::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        let items: Vec<&str> = if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            group[..end].split(',').map(str::trim).collect()
        } else {
            vec![rest]
        };
        for item in items {
            let first = ident(item);
            let second = item
                .get(first.len()..)
                .and_then(|s| s.strip_prefix("::"))
                .map(ident)
                .unwrap_or_default();
            if !first.is_empty() {
                out.insert((first, second));
            }
        }
    }
    out
}

/// The layer name of a source file (`scan` for src/scan.rs, `syntax::tree` for
/// src/syntax/tree.rs, `syntax` for src/syntax/file.rs).
fn module_of(src_dir: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src_dir).unwrap();
    let parts: Vec<String> = rel
        .components()
        .map(|c| {
            c.as_os_str()
                .to_string_lossy()
                .trim_end_matches(".rs")
                .to_string()
        })
        .collect();
    layer_name(&parts[0], parts.get(1).map_or("", String::as_str))
}

#[test]
fn modules_use_only_lower_layers() {
    let src_dir = repo_root().join("src");
    let mut files = Vec::new();
    rust_files(&src_dir, &mut files);
    files.sort();
    let mut problems = Vec::new();
    for file in &files {
        let module = module_of(&src_dir, file);
        if matches!(module.as_str(), "lib" | "main") || file.ends_with("tests.rs") {
            continue;
        }
        let Some(own) = layer_of(&module) else {
            problems.push(format!(
                "{}: module `{module}` is in no layer",
                file.display()
            ));
            continue;
        };
        let code = non_test_code(&std::fs::read_to_string(file).unwrap());
        for (first, second) in crate_paths(&code) {
            let used = layer_name(&first, &second);
            if used == module {
                continue;
            }
            match layer_of(&used) {
                Some(l) if l < own => {}
                Some(_) => problems.push(format!(
                    "{}: `{module}` uses `crate::{used}`, which is not below it",
                    file.strip_prefix(repo_root()).unwrap().display()
                )),
                None => problems.push(format!(
                    "{}: uses `crate::{used}`, in no layer",
                    file.strip_prefix(repo_root()).unwrap().display()
                )),
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn no_rule_uses_another_rule() {
    let rules_dir = repo_root().join("src/rules");
    let rule_of = |stem: &str| stem.trim_end_matches("_fix").to_string();
    // A rule is a module named after a doc in rules/ (`abi-struct-drift.md`); other modules
    // of src/rules/ are shared helpers any rule may use.
    let rules: BTreeSet<String> = std::fs::read_dir(repo_root().join("rules"))
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().to_string_lossy().to_string();
            Some(name.strip_suffix(".md")?.replace('-', "_"))
        })
        .collect();
    let mut files = Vec::new();
    rust_files(&rules_dir, &mut files);
    assert!(rules.len() >= 8, "rules found: {rules:?}");
    let mut problems = Vec::new();
    for f in &files {
        let stem = f.file_stem().unwrap().to_string_lossy().to_string();
        if stem == "mod" || stem == "tests" {
            continue;
        }
        let own = rule_of(&stem);
        let code = non_test_code(&std::fs::read_to_string(f).unwrap());
        let mut used = BTreeSet::new();
        for (m, sub) in crate_paths(&code) {
            if m == "rules" && !sub.is_empty() {
                used.insert(rule_of(&sub));
            }
        }
        let mut rest = code.as_str();
        while let Some(i) = rest.find("super::") {
            rest = &rest[i + "super::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            used.insert(rule_of(&name));
        }
        for u in used {
            if u != own && rules.contains(&u) {
                problems.push(format!("src/rules/{stem}.rs uses rule `{u}`"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn crate_paths_reads_groups_and_nested_paths() {
    let got = crate_paths("use crate::{arch::Arch, finding};\nlet x = crate::index::refs::f();");
    let want: BTreeSet<(String, String)> = [("arch", "Arch"), ("finding", ""), ("index", "refs")]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(got, want);
}
