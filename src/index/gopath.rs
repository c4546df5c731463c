//! The import path of a GOPATH-era tree scanned where it was checked out (no go.mod, not
//! under `$GOPATH/src/<import path>`): without it, `github.com/org/proj/pkg/system`
//! imported from the tree's own `cmd/` resolves to nothing. Sources, first found wins:
//! `--import-path`, the tree's location under `$GOPATH/src`, canonical import comments,
//! `Godeps/Godeps.json`, `glide.yaml`, `.travis.yml`, a location under another `src/` that
//! reads like an import path, the tree's own imports by suffix, and last any `src/` above.

use super::resolve::Resolver;
use super::{default_import_name, FileInfo, Package, PkgId};
use crate::walk::Note;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

/// The packages whose import path hangs on the tree's (outside vendor/, modules and
/// nested GOPATH roots).
pub(super) struct Tree<'a> {
    pub root: &'a Path,
    pub packages: &'a [Package],
    pub files: &'a [FileInfo],
    pub pending: &'a [PkgId],
}

/// The tree's import path ("" when the root is a GOPATH `src/` itself: each directory is
/// its own import path) and the note saying where it came from.
pub(super) struct RootPath {
    pub path: String,
    pub note: Option<Note>,
}

/// Reads a tree's import path from a metadata file's text.
type ReadMetadata = fn(&str) -> Option<String>;

/// A suffix-match prefix fits when at most 1 in this many of the import paths under it are
/// not packages of the tree (Debian's partial docker misses 20 of 164; a foreign prefix that
/// matched by accident, like docker's `github.com/docker/distribution`, misses most).
const MISFIT_DENOMINATOR: usize = 4;

/// Metadata files are a few KiB; a bigger one is not read.
const MAX_METADATA_BYTES: u64 = 1 << 20;

pub(super) fn infer_root_path(
    tree: &Tree<'_>,
    flag: Option<&str>,
    resolver: &Resolver,
    notes: &mut Vec<Note>,
) -> Option<RootPath> {
    let found = |path: String, note_path: &str, from: String| RootPath {
        note: Some(Note {
            path: note_path.to_string(),
            message: format!("import path {path} {from}"),
        }),
        path,
    };
    if let Some(flag) = flag.map(|f| f.trim_matches('/')).filter(|f| !f.is_empty()) {
        return Some(found(flag.into(), ".", "given by --import-path".into()));
    }
    let location = gopath_location(tree.root);
    let at_location = |loc: &Location| {
        let from = format!(
            "inferred from the tree's location under {}",
            loc.src.display()
        );
        found(loc.path.clone(), ".", from)
    };
    if let Some(loc) = location.as_ref().filter(|l| l.trusted) {
        if loc.path.is_empty() {
            return Some(RootPath {
                path: String::new(),
                note: None,
            });
        }
        return Some(at_location(loc));
    }
    if let Some(r) = from_import_comments(tree, notes) {
        return Some(r);
    }
    let metadata: [(&str, ReadMetadata, &str); 3] = [
        ("Godeps/Godeps.json", godeps_import_path, "`ImportPath`"),
        (
            "glide.yaml",
            |t| top_level_scalar(t, "package"),
            "`package:`",
        ),
        (
            ".travis.yml",
            |t| top_level_scalar(t, "go_import_path"),
            "`go_import_path:`",
        ),
    ];
    for (file, read, key) in metadata {
        let Some(text) = read_metadata(tree.root, file, notes) else {
            continue;
        };
        match read(&text).map(|p| p.trim_matches('/').to_string()) {
            Some(path) if !path.is_empty() => {
                return Some(found(path, file, format!("inferred from {file} ({key})")));
            }
            _ => {}
        }
    }
    // A place that reads like an import path (`…/src/github.com/x/y`) is more likely
    // right than a guess from the imports.
    if let Some(loc) = location.as_ref().filter(|l| l.dotted) {
        return Some(at_location(loc));
    }
    if let Some(r) = from_own_imports(tree, resolver, notes) {
        return Some(r);
    }
    // Last, what the scan did before it had other sources: any `src/` above the root.
    location.as_ref().map(at_location)
}

/// The import path the root's place under `$GOPATH/src` gives, for runs that scan a copy
/// of the tree elsewhere (`verify`).
pub fn location_import_path(root: &Path) -> Option<String> {
    gopath_location(root)
        .filter(|l| l.trusted && !l.path.is_empty())
        .map(|l| l.path)
}

struct Location {
    /// The `src/` directory above the root.
    src: PathBuf,
    /// The root's path below it.
    path: String,
    /// Whether the `src/` is a `$GOPATH` entry's (default `~/go`), as the go command
    /// has it, or the root is such a `src/` itself; any other `src/` above the root
    /// (`~/src/proj`, where people keep checkouts) comes after the tree's own files.
    trusted: bool,
    /// Whether the path below `src/` starts with a host name (`github.com/…`): then the
    /// place comes before the suffix match, else last.
    dotted: bool,
}

fn gopath_location(root: &Path) -> Option<Location> {
    let abs = root.canonicalize().ok()?;
    let s = format!("{}/", abs.to_string_lossy().replace('\\', "/"));
    let i = s.rfind("/src/")?;
    let src = PathBuf::from(&s[..i + "/src".len()]);
    let path = s[i + "/src/".len()..].trim_end_matches('/').to_string();
    let trusted = path.is_empty() || gopath_src_dirs().contains(&src);
    let dotted = path.split('/').next().is_some_and(|e| e.contains('.'));
    Some(Location {
        src,
        path,
        trusted,
        dotted,
    })
}

/// `src/` of each `$GOPATH` entry, or of `~/go` when it is unset, as the go command has it.
fn gopath_src_dirs() -> Vec<PathBuf> {
    let entries: Vec<PathBuf> = match std::env::var_os("GOPATH").filter(|g| !g.is_empty()) {
        Some(g) => std::env::split_paths(&g).collect(),
        None => std::env::var_os("HOME")
            .map(|h| PathBuf::from(h).join("go"))
            .into_iter()
            .collect(),
    };
    entries
        .into_iter()
        .filter_map(|e| e.join("src").canonicalize().ok())
        .collect()
}

/// Canonical import comments of the tree's packages: `package system // import
/// "github.com/x/y/system"` in `system/` says the tree is `github.com/x/y`. Comments that
/// do not end with their own directory say nothing about the root and are left out;
/// those left must agree.
fn from_import_comments(tree: &Tree<'_>, notes: &mut Vec<Note>) -> Option<RootPath> {
    // Root path → (files saying it, first such file).
    let mut roots: BTreeMap<String, (usize, &str)> = BTreeMap::new();
    for &id in tree.pending {
        let p = &tree.packages[id];
        for &f in &p.files {
            let info = &tree.files[f];
            let Some(comment) = info.import_comment.as_deref().filter(|_| !info.is_test) else {
                continue;
            };
            let root = if p.dir.is_empty() {
                Some(comment)
            } else {
                comment
                    .strip_suffix(p.dir.as_str())
                    .and_then(|r| r.strip_suffix('/'))
            };
            if let Some(root) = root.filter(|r| !r.is_empty()) {
                let e = roots.entry(root.to_string()).or_insert((0, &info.rel));
                e.0 += 1;
                e.1 = e.1.min(info.rel.as_str());
            }
        }
    }
    match roots.len() {
        0 => None,
        1 => {
            let (path, (n, file)) = roots.into_iter().next()?;
            let message = format!(
                "import path {path} inferred from the canonical import comment{}",
                if n == 1 {
                    String::new()
                } else {
                    format!("s of {n} files")
                }
            );
            Some(RootPath {
                path,
                note: Some(Note {
                    path: file.to_string(),
                    message,
                }),
            })
        }
        _ => {
            notes.push(disagreement(
                "canonical import comments disagree on the tree's import path:",
                &roots,
            ));
            None
        }
    }
}

fn disagreement(what: &str, roots: &BTreeMap<String, (usize, &str)>) -> Note {
    let said: Vec<String> = roots
        .iter()
        .map(|(root, (n, example))| format!("{root} ({n}, e.g. {example})"))
        .collect();
    Note {
        path: ".".into(),
        message: format!("{what} {}; not used (give --import-path)", said.join(", ")),
    }
}

/// Imports the tree makes of itself by full path: an import that resolves nowhere (not in
/// vendor/, not a module or table) whose path ends with a directory of the tree holding a
/// package of the path's name gives the prefix before that directory (the longest such
/// directory). Paths without a host name (the standard library's) are left out. A prefix
/// is kept only if (nearly) every such import under it is a package of the tree
/// ([`MISFIT_DENOMINATOR`]), and one must be left.
fn from_own_imports(
    tree: &Tree<'_>,
    resolver: &Resolver,
    notes: &mut Vec<Note>,
) -> Option<RootPath> {
    let mut names_by_dir: HashMap<&str, Vec<&str>> = HashMap::new();
    for &id in tree.pending {
        let p = &tree.packages[id];
        names_by_dir.entry(&p.dir).or_default().push(&p.name);
    }
    let holds = |dir: &str, path: &str| {
        let last = path.rsplit('/').next().unwrap_or(path);
        let implied = default_import_name(path);
        names_by_dir
            .get(dir)
            .is_some_and(|names| names.iter().any(|&n| n == last || n == implied))
    };
    // Imports with a host name that resolve nowhere, once per file that makes them.
    let mut unresolved: Vec<&str> = Vec::new();
    for &id in tree.pending {
        let p = &tree.packages[id];
        for &f in &p.files {
            for import in &tree.files[f].imports {
                let path = import.path.as_str();
                let dotted = path.split('/').next().is_some_and(|e| e.contains('.'));
                if dotted && resolver.resolve(&p.dir, path).is_none() {
                    unresolved.push(path);
                }
            }
        }
    }
    // Prefix → (imports giving it, an example import path).
    let mut prefixes: BTreeMap<String, (usize, &str)> = BTreeMap::new();
    for &path in &unresolved {
        // Suffixes after each `/`, longest first; then the root itself.
        let prefix = path
            .match_indices('/')
            .map(|(i, _)| (&path[..i], &path[i + 1..]))
            .find(|&(_, dir)| holds(dir, path))
            .map(|(prefix, _)| prefix)
            .or_else(|| holds("", path).then_some(path));
        if let Some(prefix) = prefix {
            let e = prefixes.entry(prefix.to_string()).or_insert((0, path));
            e.0 += 1;
            e.1 = e.1.min(path);
        }
    }
    // A prefix fits when the imports under it are packages of the tree, but for a few
    // (a partial tree: Debian ships part of docker, whose `distribution/xfer` is then
    // missing): docker's reference/ matches `github.com/docker/distribution/reference`,
    // but docker has no `registry/api/errcode`, `manifest/…` that that prefix would need.
    let distinct: BTreeSet<&str> = unresolved.into_iter().collect();
    let missing_under = |prefix: &str| {
        let (mut under, mut missing) = (0, 0);
        for &path in &distinct {
            let found = match path.strip_prefix(prefix) {
                Some("") => holds("", path),
                Some(rest) => match rest.strip_prefix('/') {
                    Some(dir) => holds(dir, path),
                    None => continue,
                },
                None => continue,
            };
            under += 1;
            missing += usize::from(!found);
        }
        (missing, under)
    };
    let mut missing: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let (fitting, misfits): (BTreeMap<_, _>, BTreeMap<_, _>) =
        prefixes.into_iter().partition(|(prefix, _)| {
            let (m, under) = missing_under(prefix);
            missing.insert(prefix.clone(), (m, under));
            m * MISFIT_DENOMINATOR <= under
        });
    match fitting.len() {
        0 => {
            if !misfits.is_empty() {
                notes.push(disagreement(
                    "no prefix fits every import of the tree's own packages by path suffix; tried",
                    &misfits,
                ));
            }
            None
        }
        1 => {
            let (path, (n, example)) = fitting.into_iter().next()?;
            let not_in_tree = match missing.get(&path) {
                Some(&(m, under)) if m > 0 => {
                    format!("; {m} of the {under} paths under it are not in the tree")
                }
                _ => String::new(),
            };
            let message = format!(
                "import path {path} inferred from {n} import{} of the tree's own packages by path suffix (e.g. {example}{not_in_tree})",
                if n == 1 { "" } else { "s" }
            );
            Some(RootPath {
                path,
                note: Some(Note {
                    path: ".".into(),
                    message,
                }),
            })
        }
        _ => {
            notes.push(disagreement(
                "imports of the tree's own packages by path suffix disagree on the tree's import path:",
                &fitting,
            ));
            None
        }
    }
}

/// A metadata file at the root, if it is a regular file of sane size (a FIFO would block;
/// the read is bounded whatever the size the file system reports).
fn read_metadata(root: &Path, rel: &str, notes: &mut Vec<Note>) -> Option<String> {
    use std::io::Read;
    let path = root.join(rel);
    let meta = std::fs::metadata(&path).ok()?;
    let too_big = format!("over {MAX_METADATA_BYTES} bytes");
    let problem = if !meta.is_file() {
        "not a regular file".to_string()
    } else if meta.len() > MAX_METADATA_BYTES {
        too_big
    } else {
        let mut text = String::new();
        match std::fs::File::open(&path)
            .and_then(|f| f.take(MAX_METADATA_BYTES + 1).read_to_string(&mut text))
        {
            Ok(n) if n as u64 > MAX_METADATA_BYTES => too_big,
            Ok(_) => return Some(text),
            Err(e) => e.to_string(),
        }
    };
    notes.push(Note {
        path: rel.to_string(),
        message: format!("not read for the tree's import path: {problem}"),
    });
    None
}

/// `ImportPath` of a godep manifest (`{"ImportPath": "github.com/x/y", "Deps": […]}`).
fn godeps_import_path(text: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    v.get("ImportPath")?.as_str().map(String::from)
}

/// The value of a top-level `key: value` line of a YAML file, when it is a plain or
/// quoted scalar on that line (all glide.yaml `package:` and .travis.yml `go_import_path:`
/// need; no YAML crate is in the tree, and the maintained ones are a large dependency for
/// two keys). A top-level key starts at column 0; `key: |`, anchors, flow collections and
/// values on the following lines are not import paths and give nothing.
fn top_level_scalar(text: &str, key: &str) -> Option<String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for line in text.lines() {
        if line == "..." {
            break;
        }
        let Some(rest) = line.strip_prefix(key) else {
            continue;
        };
        let Some(value) = rest.trim_start_matches([' ', '\t']).strip_prefix(':') else {
            continue;
        };
        if !value.is_empty() && !value.starts_with([' ', '\t']) {
            continue; // `key:x` is one plain scalar, not this key.
        }
        let value = value.trim();
        let scalar = match value.chars().next()? {
            q @ ('"' | '\'') => {
                let inner = &value[1..];
                let end = inner.find(q)?;
                let after = inner[end + 1..].trim_start();
                if !(after.is_empty() || after.starts_with('#')) {
                    return None;
                }
                &inner[..end]
            }
            '|' | '>' | '&' | '*' | '!' | '[' | '{' | '#' | '@' | '`' | '%' => return None,
            _ => value
                .find(" #")
                .or_else(|| value.find("\t#"))
                .map_or(value, |i| &value[..i])
                .trim_end(),
        };
        return (!scalar.is_empty()).then(|| scalar.to_string());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_top_level_scalars() {
        let glide = "package: github.com/x/y # the project\nimport:\n- package: github.com/dep/z\n  version: v1\n";
        assert_eq!(
            top_level_scalar(glide, "package").as_deref(),
            Some("github.com/x/y")
        );
        let travis = "language: go\ngo:\n  - 1.9\ngo_import_path: \"github.com/a/b\"  # quoted\n";
        assert_eq!(
            top_level_scalar(travis, "go_import_path").as_deref(),
            Some("github.com/a/b")
        );
        assert_eq!(
            top_level_scalar("go_import_path: 'k8s.io/x'\n", "go_import_path").as_deref(),
            Some("k8s.io/x")
        );
        // Nested keys, other keys with the prefix, block scalars and empty values: none.
        assert_eq!(top_level_scalar("  package: a.b/c\n", "package"), None);
        assert_eq!(top_level_scalar("packages: a.b/c\n", "package"), None);
        assert_eq!(top_level_scalar("package: |\n  a.b/c\n", "package"), None);
        assert_eq!(top_level_scalar("package:\n", "package"), None);
        assert_eq!(top_level_scalar("package: \"a.b/c\" x\n", "package"), None);
    }

    #[test]
    fn godeps_manifest() {
        let text = r#"{"ImportPath": "github.com/coreos/etcd", "GoVersion": "go1.9", "Deps": []}"#;
        assert_eq!(
            godeps_import_path(text).as_deref(),
            Some("github.com/coreos/etcd")
        );
        assert_eq!(godeps_import_path("{\"Deps\": []}"), None);
        assert_eq!(godeps_import_path("not json"), None);
    }
}
