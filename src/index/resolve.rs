//! Import path resolution as the go command does it for one tree: the nearest `vendor/`
//! upwards first, then module paths from `go.mod`, then GOPATH-style `src/` trees inside
//! the tree, then the tree's own import path (given or inferred: `super::gopath`).
//! `syscall` and `golang.org/x/sys/unix` fall back to the embedded tables.

use super::gopath::{infer_root_path, Tree};
use super::{FileInfo, Package, PkgId, Target};
use crate::abi;
use crate::walk::Note;
use rustc_hash::FxHashMap;
use std::path::{Path, PathBuf};

#[derive(Default)]
pub struct Resolver {
    /// Directory holding `vendor/` → import path → package: looked up by `&str` at each
    /// ancestor of an importing file, without building a key.
    vendored: FxHashMap<String, FxHashMap<String, PkgId>>,
    /// Module or GOPATH import path → package.
    by_path: FxHashMap<String, PkgId>,
    /// The tree's own import path when packages outside vendor/, modules and nested
    /// GOPATH roots took it (given or inferred): where a GOPATH-mode build places the tree.
    pub root_path: Option<String>,
}

impl Resolver {
    /// Compute each package's import path and index them. Only packages named after
    /// their directory's primary package (not `x_test`) are importable. Packages outside
    /// vendor/, any module and any nested GOPATH `src/` get the tree's own import path
    /// (`import_path`, else inferred: [`infer_root_path`]); the notes say where it came from.
    pub fn build(
        root: &Path,
        go_mod_dirs: Option<&rustc_hash::FxHashSet<String>>,
        remembered: &ModuleMemo,
        packages: &mut [Package],
        files: &[FileInfo],
        import_path: Option<&str>,
    ) -> (Resolver, Vec<Note>) {
        let mut r = Resolver::default();
        let mut notes = Vec::new();
        let mut modules = ModuleCache::new(root, go_mod_dirs, remembered);
        let mut pending = Vec::new();
        for (id, p) in packages.iter_mut().enumerate() {
            if p.name.ends_with("_test") || p.files.is_empty() {
                continue;
            }
            if let Some((parent, path)) = split_vendor(&p.dir) {
                p.import_path = Some(path.to_string());
                r.vendored
                    .entry(parent.to_string())
                    .or_default()
                    .entry(path.to_string())
                    .or_insert(id);
                continue;
            }
            let path = modules
                .import_path(&p.dir)
                .or_else(|| nested_gopath_import_path(&p.dir));
            match path {
                Some(path) => {
                    r.by_path.entry(path.clone()).or_insert(id);
                    p.import_path = Some(path);
                }
                None => pending.push(id),
            }
        }
        if let (Some(flag), Some((_, module))) = (import_path, modules.lookup("")) {
            notes.push(Note {
                path: "go.mod".into(),
                message: format!("--import-path {flag} ignored: go.mod declares module {module}"),
            });
        }
        if pending.is_empty() {
            return (r, notes);
        }
        let tree = Tree {
            root,
            packages,
            files,
            pending: &pending,
        };
        let Some(found) = infer_root_path(&tree, import_path, &r, &mut notes) else {
            return (r, notes);
        };
        if let Some(note) = found.note {
            notes.push(note);
        }
        r.root_path = Some(found.path.clone());
        for id in pending {
            let p = &mut packages[id];
            let path = match (found.path.as_str(), p.dir.as_str()) {
                (_, "") if found.path.is_empty() => continue,
                ("", dir) => dir.to_string(),
                (root_path, "") => root_path.to_string(),
                (root_path, dir) => format!("{root_path}/{dir}"),
            };
            r.by_path.entry(path.clone()).or_insert(id);
            p.import_path = Some(path);
        }
        (r, notes)
    }

    pub fn resolve(&self, from_dir: &str, path: &str) -> Option<Target> {
        self.resolve_in(&self.vendor_scopes(from_dir), path)
    }

    /// The `vendor/` directories an import from `from_dir` looks in, nearest first: what
    /// [`Resolver::resolve_in`] needs, found once for all of a file's imports.
    pub fn vendor_scopes(&self, from_dir: &str) -> Vec<&FxHashMap<String, PkgId>> {
        let mut scopes = Vec::new();
        let mut dir = from_dir;
        while !self.vendored.is_empty() {
            scopes.extend(self.vendored.get(dir));
            if dir.is_empty() {
                break;
            }
            dir = dir.rfind('/').map_or("", |i| &dir[..i]);
        }
        scopes
    }

    /// [`Resolver::resolve`] from a directory whose [`Resolver::vendor_scopes`] are given.
    pub fn resolve_in(&self, scopes: &[&FxHashMap<String, PkgId>], path: &str) -> Option<Target> {
        if let Some(&id) = scopes.iter().find_map(|by| by.get(path)) {
            return Some(Target::Local(id));
        }
        if let Some(&id) = self.by_path.get(path) {
            return Some(Target::Local(id));
        }
        abi::Package::ALL
            .into_iter()
            .find(|p| p.import_path() == path)
            .map(Target::Table)
    }
}

/// `a/vendor/x/y` → (`a`, `x/y`), using the last `vendor` element as the go command does.
fn split_vendor(dir: &str) -> Option<(&str, &str)> {
    if let Some(rest) = dir.strip_prefix("vendor/") {
        if !rest.contains("/vendor/") {
            return Some(("", rest));
        }
    }
    let i = dir.rfind("/vendor/")?;
    Some((&dir[..i], &dir[i + "/vendor/".len()..]))
}

/// A directory below a `src/` element of the tree (a GOPATH inside it, like Kubernetes'
/// `staging/src/k8s.io/api`): its path after the last `src/`.
fn nested_gopath_import_path(dir: &str) -> Option<String> {
    let s = format!("/{dir}");
    let i = s.rfind("/src/")?;
    let path = &s[i + "/src/".len()..];
    (!path.is_empty()).then(|| path.to_string())
}

/// Finds the nearest `go.mod` at or above a directory (within the scanned root) and
/// derives import paths from its `module` line.
struct ModuleCache<'a> {
    root: PathBuf,
    /// Where a go.mod may be, when the walk knows: elsewhere none is looked for (a failed
    /// open per package directory was half of the index phase).
    go_mod_dirs: Option<&'a rustc_hash::FxHashSet<String>>,
    /// dir → (module root dir, module path) of the nearest go.mod, if any: taken from
    /// the memo, handed back to it when dropped.
    nearest: FxHashMap<String, Option<(String, String)>>,
    memo: &'a ModuleMemo,
}

/// What the go.mod files of a tree say, as [`Resolver::build`] found it: kept for the
/// next index of the same tree (another cgo setting's), which then reads no go.mod again
/// (half of the resolver's time, 2-3 ms of a serial stretch on Debian's tree).
#[derive(Default)]
pub struct ModuleMemo(std::sync::Mutex<FxHashMap<String, Option<(String, String)>>>);

impl ModuleMemo {
    fn take(&self) -> FxHashMap<String, Option<(String, String)>> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(|p| p.into_inner()))
    }

    fn put(&self, nearest: FxHashMap<String, Option<(String, String)>>) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = nearest;
    }
}

impl<'a> ModuleCache<'a> {
    fn new(
        root: &Path,
        go_mod_dirs: Option<&'a rustc_hash::FxHashSet<String>>,
        memo: &'a ModuleMemo,
    ) -> Self {
        ModuleCache {
            root: root.to_path_buf(),
            go_mod_dirs,
            nearest: memo.take(),
            memo,
        }
    }

    fn lookup(&mut self, dir: &str) -> Option<(String, String)> {
        if let Some(hit) = self.nearest.get(dir) {
            return hit.clone();
        }
        let may_hold = self.go_mod_dirs.is_none_or(|d| d.contains(dir));
        let read = || {
            let here = crate::walk::rel_to_path(&self.root, dir).join("go.mod");
            std::fs::read_to_string(&here).ok()
        };
        let found = match may_hold.then(read).flatten().and_then(|t| module_path(&t)) {
            Some(m) => Some((dir.to_string(), m)),
            None if dir.is_empty() => None,
            None => {
                let parent = dir.rfind('/').map_or("", |i| &dir[..i]).to_string();
                self.lookup(&parent)
            }
        };
        self.nearest.insert(dir.to_string(), found.clone());
        found
    }

    fn import_path(&mut self, dir: &str) -> Option<String> {
        let (mod_dir, module) = self.lookup(dir)?;
        let rest = dir
            .strip_prefix(mod_dir.as_str())
            .unwrap_or("")
            .trim_start_matches('/');
        Some(if rest.is_empty() {
            module
        } else {
            format!("{module}/{rest}")
        })
    }
}

impl Drop for ModuleCache<'_> {
    fn drop(&mut self) {
        self.memo.put(std::mem::take(&mut self.nearest));
    }
}

/// The `module` directive of a go.mod file.
pub fn module_path(gomod: &str) -> Option<String> {
    gomod.lines().find_map(|l| {
        let l = l.split("//").next()?.trim();
        let m = l.strip_prefix("module")?;
        if !m.starts_with([' ', '\t', '"']) {
            return None;
        }
        let m = m.trim().trim_matches('"');
        (!m.is_empty()).then(|| m.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vendor_split_takes_last_vendor() {
        assert_eq!(
            split_vendor("vendor/golang.org/x/sys/unix"),
            Some(("", "golang.org/x/sys/unix"))
        );
        assert_eq!(
            split_vendor("a/vendor/b/vendor/c"),
            Some(("a/vendor/b", "c"))
        );
        assert_eq!(split_vendor("pkg/vendors/x"), None);
    }

    /// A second index of the same tree (the other cgo setting's) takes what the first
    /// read of the go.mod files: it reads none again, and resolves alike.
    #[test]
    fn a_second_index_reads_no_go_mod_again() {
        use crate::arch::{Arch, ArchSet};
        use crate::index::{FileInfo, Index};
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("m/a")).unwrap();
        std::fs::write(dir.path().join("m/go.mod"), "module example.com/mod\n").unwrap();
        let files = || {
            vec![FileInfo::for_test(
                "m/a/a.go".into(),
                "a",
                ArchSet::ALL,
                "package a\n",
            )]
        };
        let gomods: rustc_hash::FxHashSet<String> = ["m".to_string()].into_iter().collect();
        let memo = ModuleMemo::default();
        let build = |memo: &ModuleMemo| {
            let index = Index::build(
                dir.path(),
                Some(&gomods),
                memo,
                None,
                files(),
                Arch::Amd64,
                ArchSet::ALL,
            );
            index.packages[0].import_path.clone()
        };
        let path = Some("example.com/mod/a".to_string());
        assert_eq!(build(&memo), path);
        std::fs::remove_file(dir.path().join("m/go.mod")).unwrap();
        assert_eq!(build(&memo), path, "the go.mod was read again");
        // A fresh memo reads the tree as it now is.
        assert_ne!(build(&ModuleMemo::default()), path);
    }

    #[test]
    fn module_directive() {
        assert_eq!(
            module_path("// c\nmodule example.com/demo // x\n\ngo 1.19\n").as_deref(),
            Some("example.com/demo")
        );
        assert_eq!(
            module_path("module \"quoted/path\"\n").as_deref(),
            Some("quoted/path")
        );
        assert_eq!(module_path("modulex foo\n"), None);
    }
}
