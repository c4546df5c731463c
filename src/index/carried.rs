//! What one cgo setting's index carries to the other's: which packages are alike in both
//! (same directory, name, files and import path), and the import resolutions that hold.
//!
//! A file's imports lead to the same packages under both settings unless a package one of
//! them spells differs between the two: appears, vanishes, holds other files (its place
//! among packages of the same import path may move) or takes another import path. The
//! other resolutions are mapped across by package key, not resolved again (Kubernetes'
//! deep `vendor/` scopes: 12 ms of CPU in the second setting).

use super::{FileId, Index, Package, PkgId, Target};
use rustc_hash::{FxHashMap, FxHashSet};
use std::sync::OnceLock;

/// One index's resolutions, with what is needed to map them: its packages and root path.
pub struct Resolutions {
    resolved: Vec<OnceLock<Box<[Option<Target>]>>>,
    packages: Vec<Package>,
    root_path: Option<String>,
}

/// An earlier index's [`Resolutions`], as this index reads them.
pub(super) struct Carried {
    resolved: Vec<OnceLock<Box<[Option<Target>]>>>,
    /// The earlier index's package ids to this index's, for the packages alike in both
    /// ([`Index::alike_package`]).
    ids: Vec<Option<PkgId>>,
    /// The import paths of the packages that differ: a file spelling one resolves again.
    differ: FxHashSet<String>,
}

impl Index {
    /// This index's resolutions, taken out of it (it is done) for the next setting's.
    pub fn take_resolutions(&mut self) -> Resolutions {
        Resolutions {
            resolved: std::mem::take(&mut self.resolved),
            packages: std::mem::take(&mut self.packages),
            root_path: self.resolver.root_path.clone(),
        }
    }

    /// Read `earlier`'s resolutions where they hold for this index (same files, same
    /// arches but those of cgo-sensitive files): each is checked when first asked for.
    pub fn carry_resolutions(&mut self, earlier: Resolutions) {
        if earlier.root_path != self.resolver.root_path
            || earlier.resolved.len() != self.resolved.len()
        {
            return;
        }
        let by_key: FxHashMap<(&str, &str), PkgId> = (self.packages.iter().enumerate())
            .map(|(id, p)| ((p.dir.as_str(), p.name.as_str()), id))
            .collect();
        let mut matched = vec![false; self.packages.len()];
        let mut differ = FxHashSet::default();
        let ids = (earlier.packages.iter())
            .map(|old| {
                let id = by_key
                    .get(&(old.dir.as_str(), old.name.as_str()))
                    .copied()
                    .filter(|&id| {
                        let new = &self.packages[id];
                        new.import_path == old.import_path && new.files == old.files
                    });
                match id {
                    Some(id) => matched[id] = true,
                    None => differ.extend(old.import_path.clone()),
                }
                id
            })
            .collect();
        for (p, _) in matched.iter().enumerate().filter(|(_, m)| !**m) {
            differ.extend(self.packages[p].import_path.clone());
        }
        self.carried = Some(Carried {
            resolved: earlier.resolved,
            ids,
            differ,
        });
    }

    /// This index's package alike to the earlier index's package `earlier` (same
    /// directory, name, files and import path), once its resolutions are carried.
    pub fn alike_package(&self, earlier: PkgId) -> Option<PkgId> {
        *self.carried.as_ref()?.ids.get(earlier)?
    }

    /// `file`'s import targets as the earlier index resolved them, mapped to this index's
    /// packages, when they hold here.
    pub(super) fn carried_targets(&self, file: FileId) -> Option<Box<[Option<Target>]>> {
        let carried = self.carried.as_ref()?;
        let old = carried.resolved.get(file)?.get()?;
        let f = &self.files[file];
        if !carried.differ.is_empty() && f.imports.iter().any(|i| carried.differ.contains(&i.path))
        {
            return None;
        }
        old.iter()
            .map(|t| match t {
                Some(Target::Local(p)) => Some(Some(Target::Local(carried.ids[*p]?))),
                other => Some(*other),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use crate::arch::{Arch, ArchSet};
    use crate::index::{FileInfo, Index, Target};

    /// An index of `(path, package, arches, source)` files, each building for its arches
    /// (none: not built under that setting).
    fn index(files: &[(&str, &str, ArchSet, &str)]) -> Index {
        let infos = (files.iter())
            .map(|(rel, pkg, arches, src)| FileInfo::for_test(rel.to_string(), pkg, *arches, src))
            .collect();
        let root = std::path::Path::new("/nonexistent");
        let gomods = rustc_hash::FxHashSet::default();
        Index::build(
            root,
            Some(&gomods),
            &Default::default(),
            Some("example.com/m"),
            infos,
            Arch::Amd64,
            ArchSet::ALL,
        )
    }

    fn targets(index: &Index) -> Vec<Vec<Option<Target>>> {
        (0..index.files.len())
            .map(|f| index.import_targets(f).to_vec())
            .collect()
    }

    #[test]
    fn carried_resolutions_are_those_the_index_would_make() {
        let all = ArchSet::ALL;
        let none = ArchSet::EMPTY;
        let tree = |cgo: bool| {
            let only_cgo = if cgo { all } else { none };
            let not_cgo = if cgo { none } else { all };
            vec![
                (
                    "a/a.go",
                    "a",
                    all,
                    "package a\nimport (\"x/y\"; \"example.com/m/b\")\n",
                ),
                (
                    "b/b.go",
                    "b",
                    all,
                    "package b\nimport \"example.com/m/c\"\n",
                ),
                // Under cgo a vendored copy of x/y exists (its one file is cgo-only).
                ("vendor/x/y/y_cgo.go", "y", only_cgo, "package y\n"),
                // Package c gains a file under cgo, package d loses its only one: an
                // importer of either may lead elsewhere.
                (
                    "c/c.go",
                    "c",
                    all,
                    "package c\nimport \"example.com/m/d\"\n",
                ),
                ("c/c_cgo.go", "c", only_cgo, "package c\n"),
                ("d/d_nocgo.go", "d", not_cgo, "package d\n"),
                (
                    "e/e.go",
                    "e",
                    all,
                    "package e\nimport (\"syscall\"; \"example.com/m/b\")\n",
                ),
            ]
        };
        let mut first = index(&tree(false));
        let first_targets = targets(&first);
        let fresh = index(&tree(true));
        let mut carried = index(&tree(true));
        carried.carry_resolutions(first.take_resolutions());
        assert_eq!(targets(&carried), targets(&fresh));
        // The cgo-only vendored package is reached from a/a.go under cgo only.
        assert_ne!(first_targets[0], targets(&fresh)[0]);
        // Files spelling no package that differs are carried; those spelling one are not.
        let is_carried = |rel: &str| {
            let f = (0..carried.files.len())
                .find(|&f| carried.files[f].rel == rel)
                .unwrap();
            carried.carried_targets(f).is_some()
        };
        assert!(is_carried("e/e.go"));
        assert!(!is_carried("a/a.go"));
        assert!(!is_carried("b/b.go"));
        assert!(!is_carried("c/c.go"));
    }

    /// The names the tables declare for the reference and not for some target are made
    /// once for every index of the same reference and targets (each cgo setting's).
    #[test]
    fn indexes_share_the_tables_varying_names() {
        let one = index(&[("a/a.go", "a", ArchSet::ALL, "package a\n")]);
        let other = index(&[("b/b.go", "b", ArchSet::ALL, "package b\n")]);
        assert!(std::sync::Arc::ptr_eq(
            &one.table_varying,
            &other.table_varying
        ));
        // Of x/sys/unix: `SYS_EPOLL_WAIT` is amd64's and missing on arm64.
        assert!(one
            .table_varying
            .iter()
            .any(|names| names.contains("SYS_EPOLL_WAIT")));
    }
}
