//! The package index: files grouped into packages, import paths resolved as the go command
//! would for the tree, and the package-level declarations each arch sees.

pub mod asm;
mod carried;
pub mod decls;
mod gopath;
pub mod name_filter;
mod reach;
pub mod refs;

pub use carried::Resolutions;
pub use gopath::location_import_path;
pub mod resolve;
mod tables;
mod width;
pub use reach::{Mentions, Reach, Reaches, Seeds};
pub use width::{LocalWidth, WidthTokens};

use crate::abi;
use crate::arch::{Arch, ArchSet};
use crate::header::Import;
use crate::lexer::{DeclKind, TopDecl};
use crate::syntax::tree::Span;
use crate::walk::Note;
use decls::{ItemKind, TypedItem};
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::HashMap;

pub type FileId = usize;
pub type PkgId = usize;

/// What the cheap first pass learns about a file, before any parse.
#[derive(Clone, Debug)]
pub struct FileInfo {
    /// Path relative to the scanned root, `/` separated.
    pub rel: String,
    /// Directory part of `rel` ("" for the root).
    pub dir: String,
    pub package: String,
    /// Linux arches the file builds for.
    pub arches: ArchSet,
    pub is_test: bool,
    pub imports: Vec<Import>,
    /// Whether an import is `syscall` or x/sys/unix, by any spelling ([`imports_abi`]):
    /// asked of every file of every package under each cgo setting.
    pub imports_abi: bool,
    /// The canonical import comment of the package clause (`// import "a/b"`), if any.
    pub import_comment: Option<String>,
    /// The constraint as written: `//go:build …`, `// +build …` or the file-name suffix.
    pub constraint: Option<String>,
    pub bytes: u64,
}

impl FileInfo {
    /// A test's file `rel` of package `package`, building for `arches`, with the imports
    /// of `src`.
    #[cfg(test)]
    pub(crate) fn for_test(rel: String, package: &str, arches: ArchSet, src: &str) -> FileInfo {
        let imports = crate::header::scan(src.as_bytes()).imports;
        FileInfo {
            dir: crate::walk::dir_of(&rel).to_string(),
            rel,
            package: package.to_string(),
            arches,
            is_test: false,
            imports_abi: imports_abi(&imports),
            imports,
            import_comment: None,
            constraint: None,
            bytes: src.len() as u64,
        }
    }
}

/// Best guess of the package name of an import path when no name is given.
pub fn default_import_name(path: &str) -> String {
    let mut last = path.rsplit('/').next().unwrap_or(path);
    // gopkg.in/yaml.v2 → yaml; example.com/x/v2 → x
    if last.len() > 1 && last.starts_with('v') && last[1..].chars().all(|c| c.is_ascii_digit()) {
        last = path.rsplit('/').nth(1).unwrap_or(last);
    }
    let last = last.split('.').next().unwrap_or(last);
    last.trim_start_matches("go-").replace('-', "_")
}

/// Where an import path leads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    /// A package directory in the scanned tree.
    Local(PkgId),
    /// `syscall` or `golang.org/x/sys/unix` from the embedded tables.
    Table(abi::Package),
}

/// What counts as importing an ABI package (`syscall`, `golang.org/x/sys/unix`): the one
/// test, with the two readings its callers need ([`Index::file_imports_abi`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AbiImport {
    /// An import path `syscall` or ending in `golang.org/x/sys/unix` (a GOPATH vendored
    /// spelling too), whatever package the file is in: the rules that infer types, which
    /// judge copies of x/sys as well.
    AnySpelling,
    /// The exact paths `syscall` or `golang.org/x/sys/unix`, from a file not itself in a
    /// package with one of those import paths (a copy's generated per-arch files are the
    /// tables' source, not code to judge): the syntactic runtime ABI rules.
    ExactOutsideTables,
}

#[derive(Clone, Debug)]
pub struct Package {
    pub dir: String,
    pub name: String,
    pub import_path: Option<String>,
    /// Non-test files first, then `_test.go` files of the same package name.
    pub files: Vec<FileId>,
    /// Whether some file builds for the reference arch but not for a target, or vice versa.
    pub varies: bool,
}

/// The bindings of [`Index::import_bindings`] that lead somewhere, by name.
pub fn resolved(bindings: Vec<(String, Option<Target>)>) -> HashMap<String, Target> {
    bindings
        .into_iter()
        .filter_map(|(n, t)| Some((n, t?)))
        .collect()
}

/// Where a name is declared in a local package.
#[derive(Clone, Debug)]
pub struct DeclSite {
    pub file: FileId,
    pub kind: DeclKind,
    pub span: Span,
    /// The integer literal a one-name var or const is initialised with
    /// ([`crate::lexer::TopDecl::value`]).
    pub value: Option<i128>,
}

/// A package-level name declared in several non-test files with different integer literals
/// (`const sysGettid = 186` in `x_amd64.go`, `178` in `x_arm64.go`): each file gives the
/// value for the arches it builds for.
#[derive(Debug)]
pub struct ArchLiteral {
    pub package: PkgId,
    pub name: String,
    /// Every non-test declaration of the name, in file order.
    pub sites: Vec<LiteralSite>,
}

/// Every [`ArchLiteral`], and per file the ones it declares (indices).
type ArchLiteralIndex = (Vec<ArchLiteral>, HashMap<FileId, Vec<usize>>);

/// One declaration of an [`ArchLiteral`].
#[derive(Clone, Debug)]
pub struct LiteralSite {
    pub file: FileId,
    pub arches: ArchSet,
    pub value: i128,
    /// The declared name.
    pub span: Span,
}

#[derive(Default, Debug)]
pub struct PackageDecls {
    pub names: FxHashMap<String, Vec<DeclSite>>,
}

/// A package's typed declarations by name, in file order: each a file and the item's
/// place in that file's list of [`Index::typed_files`] ([`Index::typed_item`]).
pub type TypedByName = FxHashMap<String, Vec<(FileId, u32)>>;

/// Typed declarations lexed per file, in source order: they depend on the file's bytes
/// alone, so one cgo setting's run hands them on to the next, which indexes them again
/// without moving them.
pub type TypedFiles = FxHashMap<FileId, Vec<TypedItem>>;

pub struct Index {
    pub files: Vec<FileInfo>,
    pub packages: Vec<Package>,
    pub file_package: Vec<Option<PkgId>>,
    pub resolver: resolve::Resolver,
    /// Per file, where each of its imports leads (in `imports` order), resolved on first
    /// use: the rules' header tests ask again and again (hashing every vendor/ ancestor of
    /// the file each time was a third of the plan phase).
    resolved: Vec<std::sync::OnceLock<Box<[Option<Target>]>>>,
    /// The other cgo setting's resolutions, read where they hold ([`Index::carry_resolutions`]).
    carried: Option<carried::Carried>,
    pub decls: Vec<PackageDecls>,
    /// Typed package-level declarations per package (struct fields, signatures), from the
    /// lexed files, for the type inference in `crate::types`.
    pub typed: Vec<TypedByName>,
    /// The typed declarations lexed so far, per file: what `typed` and `copy_types` name.
    pub typed_files: TypedFiles,
    /// Per package: whether some file of it imports `syscall` or `golang.org/x/sys/unix`
    /// (embedded or vendored); computed on first use.
    abi_importers: std::sync::OnceLock<Vec<bool>>,
    /// What the tables alone say for the reference and targets ([`tables::facts`]).
    tables: std::sync::OnceLock<std::sync::Arc<tables::TableFacts>>,
    /// The tree's types whose fields may differ by arch, when the scan lexed them
    /// ([`Index::local_width_of`]).
    pub local_width: Option<LocalWidth>,
    /// The names that can bring a value of such a type into a file, when the scan lexed
    /// the declarations ([`Index::set_reach`]).
    pub reach: Option<Reaches>,
    /// The typed declarations of the tree's copies of the table packages, when the scan
    /// lexed them before planning ([`Index::set_copy_types`]).
    pub copy_types: Option<FxHashMap<PkgId, TypedByName>>,
    /// Over `varying`, `table_varying` and the member tokens, made on first use (after
    /// `varying` is set from [`Index::varying_names`]).
    varying_filter: std::sync::OnceLock<name_filter::NameFilter>,
    /// Per-arch literal constants and, per file, which of them it declares.
    arch_literals: std::sync::OnceLock<ArchLiteralIndex>,
    /// Per package: names declared for the reference arch but missing on some target.
    pub varying: Vec<FxHashSet<String>>,
    /// The same for `syscall` and `x/sys/unix` from the tables, indexed by `abi::Package`.
    pub table_varying: std::sync::Arc<[FxHashSet<&'static str>; 2]>,
    pub reference: Arch,
    pub targets: ArchSet,
    /// What resolving import paths learnt that the user should know (where the import
    /// path of a tree without go.mod came from); the scan reports them.
    pub notes: Vec<Note>,
    /// The tree's `.s` files (read only when a rule needs them: [`Index::set_asm`]).
    pub asm: Vec<asm::AsmFile>,
    asm_by_dir: FxHashMap<String, Vec<usize>>,
    /// The Go functions of the files beside `.s` files, tests included
    /// ([`Index::set_asm_funcs`]), in file order.
    pub asm_funcs: Vec<asm::GoFunc>,
}

impl Index {
    /// A test's index of `files` (of no tree on disk, no go.mod, no import path of its
    /// own), judged for every arch against amd64.
    #[cfg(test)]
    pub(crate) fn for_test(files: Vec<FileInfo>) -> Index {
        let root = std::path::Path::new("/nonexistent");
        let modules = resolve::ModuleMemo::default();
        Index::build(root, None, &modules, None, files, Arch::Amd64, ArchSet::ALL)
    }

    /// Group files into packages (by directory and package clause) and index import paths;
    /// `import_path` is the tree's own when it has no go.mod (`--import-path`);
    /// `go_mod_dirs`, when known, the directories where a go.mod may be read
    /// ([`crate::walk::WalkResult::go_mod_dirs`]), and what an index of the same tree
    /// found in them, if any.
    pub fn build(
        root: &std::path::Path,
        go_mod_dirs: Option<&rustc_hash::FxHashSet<String>>,
        modules: &resolve::ModuleMemo,
        import_path: Option<&str>,
        files: Vec<FileInfo>,
        reference: Arch,
        targets: ArchSet,
    ) -> Index {
        let mut by_key: FxHashMap<(&str, &str), PkgId> = FxHashMap::default();
        let mut packages: Vec<Package> = Vec::new();
        let mut file_package = vec![None; files.len()];
        // Non-test files first so a package's primary files lead its list (each kind in
        // file order: a partition, not a sort).
        let order = (0..files.len())
            .filter(|&i| !files[i].is_test)
            .chain((0..files.len()).filter(|&i| files[i].is_test));
        // The files come sorted by path: most share the package of the file before.
        let mut last: Option<((&str, &str), PkgId)> = None;
        for i in order {
            let f = &files[i];
            if f.arches.is_empty() {
                continue;
            }
            let key = (f.dir.as_str(), f.package.as_str());
            if let Some((_, id)) = last.filter(|(k, _)| *k == key) {
                packages[id].files.push(i);
                file_package[i] = Some(id);
                continue;
            }
            let id = *by_key.entry(key).or_insert_with(|| {
                packages.push(Package {
                    dir: f.dir.clone(),
                    name: f.package.clone(),
                    import_path: None,
                    files: Vec::new(),
                    varies: false,
                });
                packages.len() - 1
            });
            last = Some((key, id));
            packages[id].files.push(i);
            file_package[i] = Some(id);
        }
        for p in &mut packages {
            p.varies = p.files.iter().any(|&i| {
                let a = files[i].arches;
                let differs = if a.contains(reference) {
                    targets.minus(a)
                } else {
                    targets.intersect(a)
                };
                !differs.is_empty()
            });
        }
        drop(by_key);
        let (resolver, notes) = resolve::Resolver::build(
            root,
            go_mod_dirs,
            modules,
            &mut packages,
            &files,
            import_path,
        );
        let decls = packages.iter().map(|_| PackageDecls::default()).collect();
        let typed = packages.iter().map(|_| FxHashMap::default()).collect();
        let varying = packages.iter().map(|_| FxHashSet::default()).collect();
        let table_varying = table_varying(reference, targets);
        let resolved = files.iter().map(|_| std::sync::OnceLock::new()).collect();
        Index {
            files,
            packages,
            file_package,
            resolver,
            resolved,
            carried: None,
            decls,
            typed,
            typed_files: TypedFiles::default(),
            abi_importers: std::sync::OnceLock::new(),
            tables: std::sync::OnceLock::new(),
            local_width: None,
            reach: None,
            copy_types: None,
            varying_filter: std::sync::OnceLock::new(),
            arch_literals: std::sync::OnceLock::new(),
            varying,
            table_varying,
            reference,
            targets,
            notes,
            asm: Vec::new(),
            asm_by_dir: FxHashMap::default(),
            asm_funcs: Vec::new(),
        }
    }

    /// The tree's `.s` files, with their arches under this index's cgo setting.
    pub fn set_asm(&mut self, files: Vec<asm::AsmFile>) {
        self.asm_by_dir.clear();
        for (i, f) in files.iter().enumerate() {
            self.asm_by_dir.entry(f.dir.clone()).or_default().push(i);
        }
        self.asm = files;
    }

    /// The package-level Go functions of the files [`Index::beside_asm`], in file order.
    pub fn set_asm_funcs(&mut self, funcs: Vec<asm::GoFunc>) {
        self.asm_funcs = funcs;
    }

    /// Whether `file` belongs to a package with `.s` files in its directory: one whose
    /// functions the index holds ([`Index::set_asm_funcs`]). Its tests too: assembly only
    /// tests call is declared in them (Go's `flags_arm64_test.s`).
    pub fn beside_asm(&self, file: FileId) -> bool {
        let f = &self.files[file];
        self.file_package[file].is_some() && self.asm_in_dir(&f.dir).next().is_some()
    }

    /// The package-level Go functions of `file`, when it is [`Index::beside_asm`]: what
    /// missing-asm's prefilter would lex again.
    pub fn asm_funcs_of(&self, file: FileId) -> Option<&[asm::GoFunc]> {
        if !self.beside_asm(file) {
            return None;
        }
        let start = self.asm_funcs.partition_point(|f| f.file < file);
        let end = start + self.asm_funcs[start..].partition_point(|f| f.file == file);
        Some(&self.asm_funcs[start..end])
    }

    /// The Go functions named `name` in the package `pkg` (its non-test files).
    pub fn asm_funcs_named<'a>(
        &'a self,
        pkg: PkgId,
        name: &'a str,
    ) -> impl Iterator<Item = &'a asm::GoFunc> {
        self.asm_funcs
            .iter()
            .filter(move |f| f.name == name && self.file_package[f.file] == Some(pkg))
    }

    /// The `.s` files of directory `dir`, whatever they build for.
    pub fn asm_in_dir(&self, dir: &str) -> impl Iterator<Item = &asm::AsmFile> {
        self.asm_by_dir
            .get(dir)
            .into_iter()
            .flatten()
            .map(|&i| &self.asm[i])
    }

    /// Resolve an import of `file` to a local package or a table.
    pub fn resolve_import(&self, file: FileId, path: &str) -> Option<Target> {
        let f = &self.files[file];
        match f.imports.iter().position(|i| i.path == path) {
            Some(k) => self.import_targets(file)[k],
            None => self.resolver.resolve(&f.dir, path),
        }
    }

    /// Where each import of `file` leads, in the order of its `imports`: for callers going
    /// through them all (no search for each path).
    pub fn import_targets(&self, file: FileId) -> &[Option<Target>] {
        let f = &self.files[file];
        self.resolved[file].get_or_init(|| {
            if let Some(targets) = self.carried_targets(file) {
                return targets;
            }
            let scopes = self.resolver.vendor_scopes(&f.dir);
            f.imports
                .iter()
                .map(|i| self.resolver.resolve_in(&scopes, &i.path))
                .collect()
        })
    }

    /// The packages of the tree that package `p`'s files import, from each file's resolved
    /// imports ([`Index::import_targets`], cached per file: the plan reads them too).
    pub fn local_deps(&self, p: PkgId) -> FxHashSet<PkgId> {
        self.deps_where(p, |_| true)
    }

    /// [`Index::local_deps`] through the imports that bind a name ([`Index::import_bindings`]:
    /// neither `_` nor `.`).
    pub fn bound_local_deps(&self, p: PkgId) -> FxHashSet<PkgId> {
        self.deps_where(p, |i| !matches!(i.name.as_deref(), Some("_" | ".")))
    }

    fn deps_where(&self, p: PkgId, keep: impl Fn(&Import) -> bool) -> FxHashSet<PkgId> {
        let mut out = FxHashSet::default();
        for &file in &self.packages[p].files {
            for (i, t) in self.imports_with_targets(file) {
                if let (Some(Target::Local(dep)), true) = (t, keep(i)) {
                    out.insert(dep);
                }
            }
        }
        out
    }

    /// Each import of `file` with where it leads.
    pub fn imports_with_targets(
        &self,
        file: FileId,
    ) -> impl Iterator<Item = (&Import, Option<Target>)> {
        self.files[file]
            .imports
            .iter()
            .zip(self.import_targets(file).iter().copied())
    }

    /// Where a file's dot imports (`import . "p"`) lead: their names are the file's own.
    pub fn dot_imports(&self, file: FileId) -> Vec<Target> {
        self.imports_with_targets(file)
            .filter(|(i, _)| i.name.as_deref() == Some("."))
            .filter_map(|(_, t)| t)
            .collect()
    }

    /// The names a file's imports bind, with where each leads. Without an explicit name the
    /// imported package's own `package` clause decides, as in Go; for packages outside the
    /// tree the last path element is a guess (`go-isatty` → `isatty`, `yaml.v2` → `yaml`).
    pub fn import_bindings(&self, file: FileId) -> Vec<(String, Option<Target>)> {
        self.imports_with_targets(file)
            .filter_map(|(i, target)| {
                let name = match i.name.as_deref() {
                    Some("_") | Some(".") => return None,
                    Some(n) => n.to_string(),
                    None => match target {
                        Some(Target::Local(p)) => self.packages[p].name.clone(),
                        Some(Target::Table(pkg)) => pkg.name().to_string(),
                        None => default_import_name(&i.path),
                    },
                };
                Some((name, target))
            })
            .collect()
    }

    /// The names a file's imports bind to a package of the tree or a table
    /// ([`Index::import_bindings`] that resolve): what the check reads a selector through.
    pub fn resolved_imports(&self, file: FileId) -> HashMap<String, Target> {
        resolved(self.import_bindings(file))
    }

    /// The table structs whose fields differ between the reference arch and a target, and
    /// those fields: a file mentioning none of them cannot use such a field.
    pub fn width_tokens(&self) -> &WidthTokens {
        &self.table_facts().width_tokens
    }

    /// The tables' facts for this index's reference and targets, shared by every index
    /// of the scan.
    pub(crate) fn table_facts(&self) -> &std::sync::Arc<tables::TableFacts> {
        self.tables
            .get_or_init(|| tables::facts(self.reference, self.targets))
    }

    /// Fields and methods of table structs that the reference arch has and a target, which
    /// has the struct, lacks (`Termios.Ispeed` on mips64le): the member check's tokens.
    pub fn member_tokens(&self) -> &FxHashSet<&'static str> {
        &self.table_facts().member_tokens
    }

    /// Passes every name of `varying` (any package's), of `table_varying` and of the
    /// [`Index::member_tokens`]: what undefined-on-arch's skim asks about. Asked only after
    /// `varying` is set ([`Index::varying_names`]).
    pub fn varying_filter(&self) -> &name_filter::NameFilter {
        self.varying_filter.get_or_init(|| {
            let local = self.varying.iter().flatten().map(String::as_str);
            let tables = self.table_varying.iter().flatten().copied();
            let members = self.member_tokens().iter().copied();
            name_filter::NameFilter::new(local.chain(tables).chain(members))
        })
    }

    /// Whether a file's imports or package make it worth a full parse for name checks.
    pub fn touches_varying(&self, file: FileId) -> bool {
        if self.file_package[file].is_some_and(|p| self.packages[p].varies) {
            return true;
        }
        self.import_targets(file).iter().any(|t| match *t {
            Some(Target::Local(p)) => self.packages[p].varies,
            Some(Target::Table(_)) => true,
            None => false,
        })
    }

    /// A typed declaration [`TypedByName`] names.
    pub fn typed_item(&self, (file, at): (FileId, u32)) -> &TypedItem {
        &self.typed_files[&file][at as usize]
    }

    /// Index by name the typed declarations of `files` (for `crate::types`), those
    /// [`Index::typed_files`] holds, in file order within each package (a name's
    /// declarations keep their order); packages in parallel.
    pub fn add_typed(&mut self, files: &[FileId]) {
        let typed = by_name(self, files, false);
        for (p, by_name) in typed {
            self.typed[p] = by_name;
        }
    }

    /// Index the typed declarations of the copies of the table packages
    /// ([`Index::copied_table`]) among `files` (held by [`Index::typed_files`]) as
    /// [`Index::add_typed`] does: those of the names some item declares as a type. The
    /// layout engine looks up type names alone, and keeps a name's every item, so it picks
    /// the same declaration; the copies' constants (thousands per `zerrors` file) are left.
    pub fn set_copy_types(&mut self, files: &[FileId]) {
        let copies: Vec<FileId> = (files.iter().copied())
            .filter(|&f| self.file_package[f].is_some_and(|p| self.copied_table(p).is_some()))
            .collect();
        let types = by_name(self, &copies, true);
        self.copy_types = Some(types.into_iter().collect());
    }

    /// Whether `file` imports a syscall package abiport has tables for, wherever it
    /// resolves (embedded tables or a vendored copy): by path alone, no resolving, as only
    /// those paths resolve to a table.
    fn imports_abi(&self, file: FileId) -> bool {
        self.files[file].imports_abi
    }

    /// The reference arch and the targets `file` builds for beside it, when it builds for
    /// the reference and for at least one other target (the rules that compare a target
    /// with the reference judge nothing else).
    pub fn reference_and_targets(&self, file: FileId) -> Option<(Arch, ArchSet)> {
        let arches = self.files[file].arches;
        if !arches.contains(self.reference) {
            return None;
        }
        let targets = arches
            .intersect(self.targets)
            .minus(ArchSet::single(self.reference));
        (!targets.is_empty()).then_some((self.reference, targets))
    }

    /// Whether `file` itself imports an ABI package (`syscall`, x/sys/unix), in the sense
    /// `how` says: the rules differ on vendored spellings and on copies of the packages.
    pub fn file_imports_abi(&self, file: FileId, how: AbiImport) -> bool {
        let imports = &self.files[file].imports;
        match how {
            AbiImport::AnySpelling => self.imports_abi(file),
            AbiImport::ExactOutsideTables => {
                let own =
                    self.file_package[file].and_then(|p| self.packages[p].import_path.as_deref());
                if own.is_some_and(|p| abi::Package::ALL.iter().any(|t| t.import_path() == p)) {
                    return false;
                }
                // Siblings that import neither are not parsed for these rules (parsing them
                // doubled the parse set of Debian's tree for no finding); their literal
                // constants still reach the package index when another rule parses them.
                imports
                    .iter()
                    .any(|i| i.path == "syscall" || i.path == "golang.org/x/sys/unix")
            }
        }
    }

    /// Which table a local package copies, if it is a copy of one (`syscall` or
    /// x/sys/unix vendored or copied into the tree).
    pub fn copied_table(&self, p: PkgId) -> Option<abi::Package> {
        let pkg = &self.packages[p];
        let path = pkg.import_path.as_deref()?;
        if is_xsys_unix(path) {
            return Some(abi::Package::Unix);
        }
        if pkg.name == "syscall" && (path == "syscall" || path.ends_with("/syscall")) {
            return Some(abi::Package::Syscall);
        }
        None
    }

    /// Whether some file of the package of `file` imports a syscall package (embedded or
    /// vendored), or the package is a copy of x/sys. The scan collects typed declarations
    /// of every file of such packages for the type inference (`crate::types`); other local
    /// packages are unknown to it (collecting every package they import cost 3× the scan
    /// time on Debian's tree for no finding).
    pub fn package_imports_abi(&self, file: FileId) -> bool {
        self.file_package[file].is_some_and(|p| self.pkg_imports_abi(p))
    }

    /// [`Index::package_imports_abi`] for package `p`.
    pub fn pkg_imports_abi(&self, p: PkgId) -> bool {
        // One thread: a parallel pass inside the initializer let the waiting thread run
        // another job of the plan, which asks this cell again (a reentrant init).
        let flags = self.abi_importers.get_or_init(|| {
            let direct: Vec<bool> = self
                .packages
                .iter()
                .map(|pkg| {
                    // A copy of x/sys itself: its declarations are the types.
                    let is_copy = pkg.import_path.as_deref().is_some_and(is_xsys_unix);
                    is_copy || pkg.files.iter().any(|&f| self.imports_abi(f))
                })
                .collect();
            direct
        });
        flags[p]
    }

    /// Per package, the names of `decls` (the index's, or taken out of it while the index
    /// is read) declared for the reference arch and missing on some target: the index's
    /// `varying`.
    pub fn varying_names(&self, decls: &[PackageDecls]) -> Vec<FxHashSet<String>> {
        decls
            .iter()
            .map(|decls| {
                let mut set = FxHashSet::default();
                for (name, sites) in &decls.names {
                    let (mut all, mut non_test) = (ArchSet::EMPTY, ArchSet::EMPTY);
                    for s in sites {
                        let f = &self.files[s.file];
                        all = all.union(f.arches);
                        if !f.is_test {
                            non_test = non_test.union(f.arches);
                        }
                    }
                    if all.contains(self.reference) && !self.targets.minus(non_test).is_empty() {
                        set.insert(name.clone());
                    }
                }
                set
            })
            .collect()
    }

    /// The per-arch literal constants of the packages whose declarations were recorded
    /// (those that vary between the reference arch and a target), copies of `syscall` and
    /// x/sys/unix excluded (they are the tables); computed on first use.
    pub fn arch_literals(&self) -> &[ArchLiteral] {
        &self.arch_literal_index().0
    }

    /// The per-arch literal constants file `f` declares.
    pub fn arch_literals_in(&self, f: FileId) -> impl Iterator<Item = &ArchLiteral> {
        let (all, by_file) = self.arch_literal_index();
        by_file.get(&f).into_iter().flatten().map(|&i| &all[i])
    }

    fn arch_literal_index(&self) -> &ArchLiteralIndex {
        self.arch_literals.get_or_init(|| {
            let mut all = Vec::new();
            for (p, decls) in self.decls.iter().enumerate() {
                if decls.names.is_empty() || self.copied_table(p).is_some() {
                    continue;
                }
                for (name, sites) in &decls.names {
                    let sites: Option<Vec<LiteralSite>> = sites
                        .iter()
                        .filter(|s| !self.files[s.file].is_test)
                        .map(|s| {
                            Some(LiteralSite {
                                file: s.file,
                                arches: self.files[s.file].arches,
                                value: s.value?,
                                span: s.span,
                            })
                        })
                        .collect();
                    let Some(mut sites) = sites else { continue };
                    if sites.iter().any(|s| s.value != sites[0].value) {
                        sites.sort_by_key(|s| s.file);
                        all.push(ArchLiteral {
                            package: p,
                            name: name.clone(),
                            sites,
                        });
                    }
                }
            }
            all.sort_by(|a, b| (a.package, &a.name).cmp(&(b.package, &b.name)));
            let mut by_file: HashMap<FileId, Vec<usize>> = HashMap::new();
            for (i, lit) in all.iter().enumerate() {
                for s in &lit.sites {
                    by_file.entry(s.file).or_default().push(i);
                }
            }
            (all, by_file)
        })
    }

    /// Whether file `f` itself declares `name` (then it only builds where `name` exists).
    pub fn declares(&self, f: FileId, name: &str) -> bool {
        self.file_package[f]
            .and_then(|p| self.decls[p].names.get(name))
            .is_some_and(|sites| sites.iter().any(|s| s.file == f))
    }

    /// Arches on which `name` is declared in package `p`, counting test files only when
    /// the reference comes from a test file.
    pub fn decl_arches(
        &self,
        p: PkgId,
        name: &str,
        from_test: bool,
    ) -> Option<(ArchSet, &[DeclSite])> {
        let sites = self.decls[p].names.get(name)?;
        let arches = sites
            .iter()
            .filter(|s| from_test || !self.files[s.file].is_test)
            .fold(ArchSet::EMPTY, |acc, s| {
                acc.union(self.files[s.file].arches)
            });
        Some((arches, sites))
    }
}

/// A guess, from the files alone (before an index is built of them), at the files of
/// packages importing an ABI package, [`Index::package_imports_abi`]: those building for
/// some arch whose directory holds a file of the same package name importing one, or
/// whose directory is a copy of x/sys/unix. Positions in `files`, in their order. It
/// stands in for the index where work can start early; the index's answer decides what
/// the work is used for.
pub fn likely_abi_package_files(files: &[&FileInfo]) -> Vec<usize> {
    let mut importing: FxHashSet<(&str, &str)> = FxHashSet::default();
    for f in files.iter().filter(|f| !f.arches.is_empty()) {
        if is_xsys_unix(&f.dir) || f.imports_abi {
            importing.insert((f.dir.as_str(), f.package.as_str()));
        }
    }
    (0..files.len())
        .filter(|&i| {
            let f = files[i];
            !f.arches.is_empty() && importing.contains(&(f.dir.as_str(), f.package.as_str()))
        })
        .collect()
}

/// Whether an import path (or a directory, which a vendored or GOPATH copy's import path
/// follows) is x/sys/unix's, or a copy of it below another directory.
fn is_xsys_unix(path: &str) -> bool {
    path == "golang.org/x/sys/unix" || path.ends_with("/golang.org/x/sys/unix")
}

/// An import path of a syscall package whatever it resolves to: `syscall`, x/sys/unix
/// (vendored spellings too).
fn abi_path(path: &str) -> bool {
    path == "syscall" || path.ends_with("golang.org/x/sys/unix")
}

/// Whether one of `imports` is `syscall` or x/sys/unix, by any spelling (a vendored
/// GOPATH one too): [`FileInfo::imports_abi`].
pub fn imports_abi(imports: &[Import]) -> bool {
    imports.iter().any(|i| abi_path(&i.path))
}

/// Record the top-level declarations of files into `slots`, an index's `decls` (taken out
/// of it while the index is read meanwhile), in file order within each package (a name's
/// declarations keep their order); packages in parallel.
pub fn record_decls(
    file_package: &[Option<PkgId>],
    slots: &mut [PackageDecls],
    decls: Vec<(FileId, Vec<TopDecl>)>,
) {
    by_package(file_package, slots, decls, |pkg, file, d| {
        pkg.names.entry(d.name).or_default().push(DeclSite {
            file,
            kind: d.kind,
            span: d.span,
            value: d.value,
        });
    });
}

/// Each file's items of `per_file` added by `add` to its package's slot of `slots`, in
/// file order within the package; packages in parallel (a package's slot holds its own
/// files' items alone).
fn by_package<I: Send, S: Default + Send>(
    file_package: &[Option<PkgId>],
    slots: &mut [S],
    per_file: Vec<(FileId, Vec<I>)>,
    add: impl Fn(&mut S, FileId, I) + Sync,
) {
    use rayon::prelude::*;
    type Group<I> = Vec<(FileId, Vec<I>)>;
    let mut groups: FxHashMap<PkgId, Group<I>> = FxHashMap::default();
    for (f, list) in per_file {
        if let Some(p) = file_package[f] {
            groups.entry(p).or_default().push((f, list));
        }
    }
    let mut work: Vec<(PkgId, S, Group<I>)> = groups
        .into_iter()
        .map(|(p, files)| (p, std::mem::take(&mut slots[p]), files))
        .collect();
    work.par_iter_mut().for_each(|(_, slot, files)| {
        files.sort_by_key(|(f, _)| *f);
        for (file, list) in files.drain(..) {
            for it in list {
                add(slot, file, it);
            }
        }
    });
    for (p, slot, _) in work {
        slots[p] = slot;
    }
}

/// Per package of `files`, its files' typed declarations (held by
/// [`Index::typed_files`]) by name in file order; with `types_only`, those of the names
/// some item of the package declares as a type. Packages in parallel.
fn by_name(index: &Index, files: &[FileId], types_only: bool) -> Vec<(PkgId, TypedByName)> {
    use rayon::prelude::*;
    let mut groups: FxHashMap<PkgId, Vec<FileId>> = FxHashMap::default();
    for &f in files {
        if let (Some(p), true) = (index.file_package[f], index.typed_files.contains_key(&f)) {
            groups.entry(p).or_default().push(f);
        }
    }
    groups
        .into_par_iter()
        .map(|(p, mut files)| {
            files.sort_unstable();
            files.dedup();
            let lists: Vec<(FileId, &[TypedItem])> = (files.iter())
                .map(|f| (*f, index.typed_files[f].as_slice()))
                .collect();
            let types: Option<FxHashSet<&str>> = types_only.then(|| {
                (lists.iter().flat_map(|(_, l)| l.iter()))
                    .filter(|it| {
                        matches!(
                            it.kind,
                            ItemKind::Struct(_) | ItemKind::Named(_) | ItemKind::Alias(_)
                        )
                    })
                    .map(|it| it.name.as_str())
                    .collect()
            });
            let mut map = TypedByName::default();
            for (f, list) in lists {
                for (at, it) in list.iter().enumerate() {
                    if types.as_ref().is_none_or(|t| t.contains(it.name.as_str())) {
                        map.entry(it.name.clone()).or_default().push((f, at as u32));
                    }
                }
            }
            (p, map)
        })
        .collect()
}

/// [`table_varying_names`] of each table package, made once per reference and targets:
/// each cgo setting's index reads the same (1-2 ms of a serial stretch for every arch).
fn table_varying(
    reference: Arch,
    targets: ArchSet,
) -> std::sync::Arc<[FxHashSet<&'static str>; 2]> {
    static MADE: tables::Made<[FxHashSet<&'static str>; 2]> = std::sync::Mutex::new(Vec::new());
    tables::made_once(&MADE, reference, targets, || {
        abi::Package::ALL.map(|pkg| table_varying_names(pkg, reference, targets))
    })
}

/// Exported names of a syscall package that the reference arch's table has and some target's
/// table lacks.
fn table_varying_names(
    pkg: abi::Package,
    reference: Arch,
    targets: ArchSet,
) -> FxHashSet<&'static str> {
    abi::exported(pkg)
        .iter()
        .filter(|(_, arches)| arches.contains(reference) && !targets.minus(*arches).is_empty())
        .map(|(name, _)| name)
        .collect()
}
