//! The walk: which `.go` files of a tree a scan reads, and which build files (Makefiles,
//! scripts, Dockerfiles, CI files, go.mod and lock files: [`BuildFileKind`]) the rules for
//! porting blockers outside Go read.
//!
//! Like the go command, skips directories named `testdata` or starting with `.` or `_`,
//! and files starting with `.` or `_`. Unlike `./...` (and other linters), keeps `vendor/`
//! and ignores `.gitignore` unless asked (vendored code is often git-ignored). Symlinks are
//! followed; loops, broken links and unreadable entries become notes and the walk goes on
//! (an unreadable entry is an error note: the scan is incomplete, see [`Note::is_unreadable`]).
//!
//! Paths are kept as root-relative text ([`SourceFile::rel`]) everywhere; a name that is
//! not UTF-8 is written losslessly with `\xHH` escapes ([`escape_path`]), and every read or
//! write goes back to the real bytes with [`rel_to_path`].

use crate::error::UserError;
use ignore::{DirEntry, ParallelVisitor, ParallelVisitorBuilder, WalkBuilder, WalkState};
use std::borrow::Cow;
use std::collections::HashMap;
use std::ffi::OsStr;
use std::fmt::Write as _;
use std::io::Read;
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

/// Files larger than this are skipped with a note: no hand-written Go file is this big,
/// and generated tables that are have no syscall code worth a full parse.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkOptions {
    /// Skip what `.gitignore` files (and git's excludes) exclude; off by default.
    pub respect_gitignore: bool,
    /// Keep `_test.go` files.
    pub include_tests: bool,
    /// Walker threads; 0 picks a default from the number of cores.
    pub jobs: usize,
    /// Paths left out (`--exclude`, `exclude` in abiport.toml): neither read nor reported.
    pub exclude: Exclude,
}

impl Default for WalkOptions {
    fn default() -> Self {
        WalkOptions {
            respect_gitignore: false,
            include_tests: true,
            jobs: 0,
            exclude: Exclude::default(),
        }
    }
}

/// Glob patterns over root-relative paths, each group with the prefix that makes its
/// patterns relative to where they were written (abiport.toml's directory). A pattern
/// matches a path or any directory above it; one without `/` matches any path component
/// (`vendor`, `*.pb.go`). `*` stays within a component, `**` crosses them.
#[derive(Debug, Clone, Default)]
pub struct Exclude {
    groups: Vec<ExcludeGroup>,
}

#[derive(Debug, Clone)]
struct ExcludeGroup {
    prefix: String,
    patterns: Vec<String>,
    paths: globset::GlobSet,
    names: globset::GlobSet,
}

impl PartialEq for Exclude {
    fn eq(&self, other: &Exclude) -> bool {
        let key = |e: &Exclude| {
            e.groups
                .iter()
                .map(|g| (g.prefix.clone(), g.patterns.clone()))
                .collect::<Vec<_>>()
        };
        key(self) == key(other)
    }
}

impl Eq for Exclude {}

impl Exclude {
    /// Patterns relative to the directory `prefix` (root-relative, `/`-terminated or "").
    pub fn new(prefix: &str, patterns: &[String]) -> Result<Exclude, String> {
        let mut paths = globset::GlobSetBuilder::new();
        let mut names = globset::GlobSetBuilder::new();
        for p in patterns {
            let (glob, by_name) = Exclude::glob(p)?;
            if by_name {
                names.add(glob);
            } else {
                paths.add(glob);
            }
        }
        let build = |b: globset::GlobSetBuilder| b.build().map_err(|e| e.to_string());
        Ok(Exclude {
            groups: vec![ExcludeGroup {
                prefix: prefix.to_string(),
                patterns: patterns.to_vec(),
                paths: build(paths)?,
                names: build(names)?,
            }],
        })
    }

    /// Whether `pattern` is a valid glob (the error says why not).
    pub fn check(pattern: &str) -> Result<(), String> {
        Exclude::glob(pattern).map(|_| ())
    }

    fn glob(pattern: &str) -> Result<(globset::Glob, bool), String> {
        let p = pattern.trim();
        let p = p.strip_prefix("./").unwrap_or(p).trim_end_matches('/');
        if p.is_empty() {
            return Err(format!("empty glob `{pattern}`"));
        }
        let glob = globset::GlobBuilder::new(p)
            .literal_separator(true)
            .build()
            .map_err(|e| format!("invalid glob `{pattern}`: {}", e.kind()))?;
        Ok((glob, !p.contains('/')))
    }

    /// Both sets of patterns.
    pub fn with(mut self, other: Exclude) -> Exclude {
        self.groups.extend(other.groups);
        self
    }

    pub fn is_empty(&self) -> bool {
        self.groups.iter().all(|g| g.patterns.is_empty())
    }

    /// Whether the root-relative `rel` (a file or a directory) is excluded.
    pub fn matches(&self, rel: &str) -> bool {
        self.groups.iter().any(|g| {
            if g.patterns.is_empty() {
                return false;
            }
            let full = format!("{}{rel}", g.prefix);
            let mut end = 0;
            loop {
                let next = full[end..].find('/').map(|i| end + i);
                let upto = &full[..next.unwrap_or(full.len())];
                let name = &upto[end..];
                if g.paths.is_match(upto) || g.names.is_match(name) {
                    return true;
                }
                match next {
                    Some(i) => end = i + 1,
                    None => return false,
                }
            }
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SourceFile {
    pub abs: PathBuf,
    /// Relative to the root, `/` separated, non-UTF-8 bytes escaped ([`escape_path`]).
    pub rel: String,
    /// Where the file really is, relative to the root, when `rel` reaches it through a
    /// symlink to elsewhere in the tree (Kubernetes' `vendor/k8s.io/api` → `staging/…`):
    /// its findings are reported and fixed there, once.
    pub real: Option<String>,
}

/// A one-line, per-file problem; the run goes on.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Note {
    pub path: String,
    pub message: String,
}

/// How every note about an input that could not be read starts: such a note is an error
/// (the scan is incomplete), unless the user accepted it ([`Note::accept_unreadable`]).
const UNREADABLE: &str = "cannot read: ";

impl Note {
    /// `path` could not be read, for reason `why`.
    pub fn unreadable(path: String, why: &str) -> Note {
        Note {
            path,
            message: format!("{UNREADABLE}{why}"),
        }
    }

    /// Whether this note is about an input the scan could not read: an error, not a remark.
    pub fn is_unreadable(&self) -> bool {
        self.message.starts_with(UNREADABLE)
    }

    /// This unreadable-input note as a plain note (`--ignore-unreadable`); other notes as
    /// they are.
    pub fn accept_unreadable(self) -> Note {
        match self.message.strip_prefix(UNREADABLE) {
            Some(why) => Note {
                message: format!("not read (--ignore-unreadable): {why}"),
                path: self.path,
            },
            None => self,
        }
    }
}

impl std::fmt::Display for Note {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WalkResult {
    /// The Go files, sorted by `rel`.
    pub files: Vec<SourceFile>,
    /// Go assembly files (`.s`), sorted by `rel`: read only for the build constraints and
    /// `TEXT` symbols that say which arches implement a body-less Go function.
    pub asm_files: Vec<SourceFile>,
    /// The build files ([`build_file_kind`]), sorted by `rel`.
    pub build_files: Vec<(BuildFileKind, SourceFile)>,
    /// Sorted.
    pub notes: Vec<Note>,
    /// Followed symlinks (directories and files), relative to the root.
    pub links: Vec<String>,
    /// The directories holding an entry named `go.mod` ("" for the root), when the walk
    /// listed every entry of the directories it entered (no `--exclude`, no `.gitignore`):
    /// only there can a go.mod be read. `None`: not known.
    pub go_mod_dirs: Option<rustc_hash::FxHashSet<String>>,
}

/// Directories the go command never looks into.
pub fn is_skipped_dir_name(name: &str) -> bool {
    name == "testdata" || name.starts_with('.') || name.starts_with('_')
}

/// Directories the walk enters although their names start with `.`: `.github` holds the
/// workflows ([`BuildFileKind::Workflow`]); no Go file is read below it.
fn is_build_dot_dir(name: &str) -> bool {
    name == ".github"
}

/// A non-Go file the walk keeps for the rules that read build files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BuildFileKind {
    /// `Makefile`, `makefile`, `GNUmakefile`, `*.mk`.
    Makefile,
    /// `*.sh`, `*.bash`.
    Shell,
    /// A file without extension under a `scripts/` or `hack/` directory: a shell script
    /// when its first line is a `sh`/`bash` shebang ([`is_shell_shebang`]).
    MaybeShell,
    /// `Dockerfile`, `Dockerfile.*`, `*.Dockerfile`, `Containerfile`, `Containerfile.*`.
    Dockerfile,
    /// `.goreleaser.yml` / `.goreleaser.yaml` (with or without the dot).
    Goreleaser,
    /// `*.yml` / `*.yaml` under `.github/workflows/`.
    Workflow,
    /// `Jenkinsfile`, `Jenkinsfile.*`, `*.jenkinsfile`, `*.Jenkinsfile` (Groovy).
    Jenkinsfile,
    GoMod,
    /// `vendor/modules.txt`.
    ModulesTxt,
    /// dep's `Gopkg.lock`.
    GopkgLock,
    /// glide's `glide.lock`.
    GlideLock,
    /// vndr's `vendor.conf` (docker, containerd).
    VendorConf,
    /// godep's `Godeps/Godeps.json`.
    GodepsJson,
}

/// The kind of build file a root-relative path names, if the walk keeps it. Files below a
/// `vendor/` directory are other projects' builds and are not read, except the tree's own
/// `vendor/modules.txt`.
pub fn build_file_kind(rel: &str) -> Option<BuildFileKind> {
    let (dir, name) = match rel.rfind('/') {
        Some(i) => (&rel[..i], &rel[i + 1..]),
        None => ("", rel),
    };
    let dirs: Vec<&str> = dir.split('/').filter(|d| !d.is_empty()).collect();
    if let Some(v) = dirs.iter().position(|d| *d == "vendor") {
        let own_modules_txt = v + 1 == dirs.len() && name == "modules.txt";
        return own_modules_txt.then_some(BuildFileKind::ModulesTxt);
    }
    if dirs.iter().any(|d| is_build_dot_dir(d)) {
        let in_workflows = dirs.windows(2).any(|w| w == [".github", "workflows"]);
        let yaml = name.ends_with(".yml") || name.ends_with(".yaml");
        return (in_workflows && yaml).then_some(BuildFileKind::Workflow);
    }
    use BuildFileKind::*;
    let kind = match name {
        "Makefile" | "makefile" | "GNUmakefile" => Makefile,
        "Dockerfile" | "Containerfile" => Dockerfile,
        "Jenkinsfile" => Jenkinsfile,
        ".goreleaser.yml" | ".goreleaser.yaml" | "goreleaser.yml" | "goreleaser.yaml" => Goreleaser,
        "go.mod" => GoMod,
        "Gopkg.lock" => GopkgLock,
        "glide.lock" => GlideLock,
        "vendor.conf" => VendorConf,
        "Godeps.json" => GodepsJson,
        _ if name.starts_with('.') || name.starts_with('_') => return None,
        _ if name.ends_with(".mk") => Makefile,
        _ if name.ends_with(".sh") || name.ends_with(".bash") => Shell,
        _ if name.starts_with("Jenkinsfile.")
            || name.ends_with(".jenkinsfile")
            || name.ends_with(".Jenkinsfile") =>
        {
            Jenkinsfile
        }
        _ if name.starts_with("Dockerfile.")
            || name.starts_with("Containerfile.")
            || name.ends_with(".Dockerfile") =>
        {
            Dockerfile
        }
        _ if !name.contains('.') && dirs.iter().any(|d| *d == "scripts" || *d == "hack") => {
            MaybeShell
        }
        _ => return None,
    };
    Some(kind)
}

/// Whether a script's first line is a `sh` or `bash` shebang (`#!/bin/sh`,
/// `#!/usr/bin/env bash`, `#!/bin/bash -e`).
pub fn is_shell_shebang(src: &[u8]) -> bool {
    let first = src.split(|b| *b == b'\n').next().unwrap_or(&[]);
    let Some(rest) = first.strip_prefix(b"#!") else {
        return false;
    };
    let text = String::from_utf8_lossy(rest);
    let mut words = text.split_whitespace();
    let mut prog = words.next().unwrap_or("");
    if prog.rsplit('/').next() == Some("env") {
        prog = words.find(|w| !w.starts_with('-')).unwrap_or("");
    }
    matches!(prog.rsplit('/').next(), Some("sh" | "bash" | "dash"))
}

/// Whether a file name is a Go source the walk keeps.
pub fn is_wanted_file_name(name: &str, include_tests: bool) -> bool {
    name.ends_with(".go")
        && !name.starts_with('.')
        && !name.starts_with('_')
        && (include_tests || !name.ends_with("_test.go"))
}

/// Whether a file name is Go assembly the go command assembles (`.s`; `.S` and `.sx` go to
/// the C compiler, with cgo only), or a `.syso` object it links into the package.
pub fn is_asm_file_name(name: &str) -> bool {
    (name.ends_with(".s") || name.ends_with(".syso"))
        && !name.starts_with('.')
        && !name.starts_with('_')
}

/// Collect the Go files under `root` (or `root` itself if it is a `.go` file).
/// Fails only when `root` itself is unusable.
pub fn collect(root: &Path, opts: &WalkOptions) -> Result<WalkResult, UserError> {
    collect_looking(root, opts, &|_| (), &|_, _| Some(()), &|_| ()).map(|(walked, _)| walked)
}

/// [`collect`], with `look` run on each Go file as the walk finds it, on the walker's
/// threads: reading files overlaps listing directories (as ripgrep does) instead of
/// waiting for the whole walk. The looks come back in the order of [`WalkResult::files`].
///
/// A file below a linked directory is the file at its real path when that lies in the
/// tree (Debian's tree reaches 3,350 files twice, Kubernetes' `vendor/k8s.io` its
/// `staging/`): it is not read again. Its look is `same(file, look of the real file)`,
/// when the walk looked at that file under the same name and `same` gives one; else
/// `look(file)` after the walk.
///
/// `walked` sees the walker threads' looks as soon as they end, in no order, before the
/// walk's serial end (sorting, links): work that needs only the looks can start there.
pub fn collect_looking<T: Send + Sync>(
    root: &Path,
    opts: &WalkOptions,
    look: &(dyn Fn(&SourceFile) -> T + Sync),
    same: &(dyn Fn(&SourceFile, &T) -> Option<T> + Sync),
    walked: &dyn Fn(&[Option<T>]),
) -> Result<(WalkResult, Vec<T>), UserError> {
    let root_abs = std::path::absolute(root).map_err(|e| root_error(root, &e))?;
    let meta = std::fs::metadata(&root_abs).map_err(|e| root_error(root, &e))?;
    if meta.is_file() {
        let name = root_abs
            .file_name()
            .map(|n| escape_path(n).into_owned())
            .unwrap_or_default();
        if !name.ends_with(".go") {
            return Err(UserError::new(format!(
                "{}: not a directory or a `.go` file",
                root.display()
            ))
            .with_help("pass the root of a Go source tree"));
        }
        let file = SourceFile {
            abs: root_abs,
            rel: name,
            real: None,
        };
        let looked = vec![look(&file)];
        let walked = WalkResult {
            files: vec![file],
            asm_files: Vec::new(),
            build_files: Vec::new(),
            notes: Vec::new(),
            links: Vec::new(),
            go_mod_dirs: None,
        };
        return Ok((walked, looked));
    }
    if !meta.is_dir() {
        return Err(UserError::new(format!(
            "{}: not a directory or a `.go` file",
            root.display()
        )));
    }
    // Listing the root itself must work; everything below only produces notes.
    std::fs::read_dir(&root_abs).map_err(|e| root_error(root, &e))?;

    let mut builder = WalkBuilder::new(&root_abs);
    let exclude = opts.exclude.clone();
    let exclude_root = root_abs.clone();
    builder
        .standard_filters(false)
        .follow_links(true)
        .threads(opts.jobs)
        .filter_entry(move |entry| {
            if entry.depth() == 0 {
                return true;
            }
            if entry.file_type().is_some_and(|t| t.is_dir()) {
                let name = entry.file_name().to_string_lossy();
                if is_skipped_dir_name(&name) && !is_build_dot_dir(&name) {
                    return false;
                }
            }
            exclude.is_empty()
                || entry
                    .path()
                    .strip_prefix(&exclude_root)
                    .map_or(true, |rel| !exclude.matches(&escape_path(rel.as_os_str())))
        });
    if opts.respect_gitignore {
        // Honour .gitignore even outside a git checkout (vendored tarballs).
        builder
            .git_ignore(true)
            .git_exclude(true)
            .git_global(true)
            .parents(true)
            .require_git(false);
    }

    let shared = Arc::new(Mutex::new(Walked::default()));
    let linked_dirs = LinkedDirs::default();
    let mut visitors = VisitorBuilder {
        root: &root_abs,
        include_tests: opts.include_tests,
        look,
        shared: Arc::clone(&shared),
        linked_dirs: Arc::clone(&linked_dirs),
    };
    builder.build_parallel().visit(&mut visitors);
    drop(visitors);

    let Walked { mut result, looked } = match Arc::try_unwrap(shared) {
        Ok(m) => m.into_inner().unwrap_or_else(|p| p.into_inner()),
        Err(arc) => match arc.lock() {
            Ok(mut g) => std::mem::take(&mut *g),
            Err(p) => std::mem::take(&mut *p.into_inner()),
        },
    };
    walked(&looked);
    // Each file with its look, sorted and deduplicated together (the caller boxes a large
    // look: moving the pairs while sorting stays cheap).
    let mut pairs: Vec<(SourceFile, Option<T>)> = std::mem::take(&mut result.files)
        .into_iter()
        .zip(looked)
        .collect();
    // In parallel: one thread sorting was a few ms with the other idle. Pairs of the
    // same path are the same file, looked at alike: which one stays does not matter.
    {
        use rayon::slice::ParallelSliceMut;
        pairs.par_sort_unstable_by(|a, b| a.0.rel.cmp(&b.0.rel));
    }
    pairs.dedup_by(|a, b| a.0.rel == b.0.rel);
    let (files, looked): (Vec<SourceFile>, Vec<Option<T>>) = pairs.into_iter().unzip();
    result.files = files;
    // The linked files' links, and the directories'.
    match linked_dirs.write() {
        Ok(mut dirs) => result.links.append(&mut dirs),
        Err(p) => result.links.append(&mut p.into_inner()),
    }
    result.asm_files.sort_by(|a, b| a.rel.cmp(&b.rel));
    result.asm_files.dedup_by(|a, b| a.rel == b.rel);
    result.build_files.sort_by(|a, b| a.1.rel.cmp(&b.1.rel));
    result.build_files.dedup_by(|a, b| a.1.rel == b.1.rel);
    let go_mod_dirs = std::mem::take(&mut result.go_mod_dirs);
    result.go_mod_dirs = (opts.exclude.is_empty() && !opts.respect_gitignore)
        .then(|| go_mod_dirs.into_iter().flatten().collect());
    resolve_links(&root_abs, &mut result);
    let looked = look_behind_links(&result.files, looked, look, same);
    result.notes.sort();
    result.notes.dedup();
    Ok((result, looked))
}

/// The looks of the files the walk left for later (`None`: below a linked directory):
/// from the look of the real file when there is one, else looked at now; in parallel.
fn look_behind_links<T: Send + Sync>(
    files: &[SourceFile],
    mut looked: Vec<Option<T>>,
    look: &(dyn Fn(&SourceFile) -> T + Sync),
    same: &(dyn Fn(&SourceFile, &T) -> Option<T> + Sync),
) -> Vec<T> {
    use rayon::prelude::*;
    let done = &looked;
    let later: Vec<(usize, T)> = (0..files.len())
        .into_par_iter()
        .filter(|&i| done[i].is_none())
        .map(|i| {
            let f = &files[i];
            let from_real = f
                .real
                .as_deref()
                .filter(|real| file_name(real) == file_name(&f.rel))
                .and_then(|real| files.binary_search_by(|g| g.rel.as_str().cmp(real)).ok())
                .and_then(|r| same(f, done[r].as_ref()?));
            (i, from_real.unwrap_or_else(|| look(f)))
        })
        .collect();
    for (i, t) in later {
        looked[i] = Some(t);
    }
    looked
        .into_iter()
        .map(|t| t.expect("every file was looked at"))
        .collect()
}

/// What the walker threads found: the walk, and a look per Go file (in the order of
/// `result.files` until sorted).
struct Walked<T> {
    result: WalkResult,
    /// `None`: left for after the walk (the file is below a linked directory).
    looked: Vec<Option<T>>,
}

impl<T> Default for Walked<T> {
    fn default() -> Self {
        Walked {
            result: WalkResult::default(),
            looked: Vec::new(),
        }
    }
}

/// Set `real` for files reached through a followed symlink (the file itself or a
/// directory above it); only those are canonicalized, so a tree without links pays nothing.
/// A link leading out of the tree gets a note: what is behind it is scanned, never fixed.
fn resolve_links(root: &Path, result: &mut WalkResult) {
    if result.links.is_empty() {
        return;
    }
    result.links.sort();
    result.links.dedup();
    let Ok(root_real) = root.canonicalize() else {
        return;
    };
    let links = &result.links;
    // Each link is canonicalized once.
    let real_links: HashMap<&str, PathBuf> = links
        .iter()
        .filter_map(|l| Some((l.as_str(), rel_to_path(root, l).canonicalize().ok()?)))
        .collect();
    let mut out_links: Vec<&str> = Vec::new();
    for l in links {
        // One note per way out: not for links inside a tree already left (the links are
        // distinct: none is one of those).
        if out_links.iter().any(|o| covers(o, l)) {
            continue;
        }
        if let Some(real) = real_links.get(l.as_str()) {
            if !real.starts_with(&root_real) {
                result.notes.push(Note {
                    path: l.clone(),
                    message: format!(
                        "symlink out of the tree (to {}): scanned, never fixed",
                        real.display()
                    ),
                });
                out_links.push(l);
            }
        }
    }
    // Below the deepest link above a file, no directory is a link (the walk records every
    // link it follows), so the file's real path is the link's real path joined with the
    // rest (canonicalizing each of Debian's 3,350 files below a link was a third of the
    // walk); joined as text, from each link's real path relative to the tree, worked out
    // once (joining and stripping paths per file was 5 ms of the walk's serial end).
    let real_rels: HashMap<&str, String> = real_links
        .iter()
        .filter_map(|(l, real)| {
            let inside = real.strip_prefix(&root_real).ok()?;
            let rel = if inside.as_os_str().is_empty() {
                String::new()
            } else {
                rel_path(Path::new(""), inside)
            };
            Some((*l, rel))
        })
        .collect();
    let rels: Vec<&str> = result.files.iter().map(|f| f.rel.as_str()).collect();
    for (i, link) in deepest_links(&rels, links) {
        set_real_path(&mut result.files[i], link, &real_rels);
    }
    let rels: Vec<&str> = result
        .build_files
        .iter()
        .map(|(_, f)| f.rel.as_str())
        .collect();
    for (i, link) in deepest_links(&rels, links) {
        set_real_path(&mut result.build_files[i].1, link, &real_rels);
    }
}

/// The files of `rels` (sorted) at or below one of `links` (sorted), each with the deepest
/// such link: the file itself when it is a link, else its nearest linked directory. The
/// files below a link are a run of the sorted paths, found by binary searches: only they
/// are looked at (a hash of every file's path and of its directories took 4 ms of the
/// walk's serial end on Debian's tree).
fn deepest_links<'l>(rels: &[&str], links: &'l [String]) -> Vec<(usize, &'l str)> {
    // Shorter links first: a deeper one, marked later, wins.
    let mut by_len: Vec<&str> = links.iter().map(String::as_str).collect();
    by_len.sort_by_key(|l| l.len());
    let first = |key: &str| rels.partition_point(|r| *r < key);
    let mut deepest: Vec<Option<&str>> = vec![None; rels.len()];
    for link in by_len {
        let exact = first(link);
        if rels.get(exact) == Some(&link) {
            deepest[exact] = Some(link);
        }
        // `link/…`: up to `link0` ('0' follows '/').
        for d in &mut deepest[first(&format!("{link}/"))..first(&format!("{link}0"))] {
            *d = Some(link);
        }
    }
    deepest
        .into_iter()
        .enumerate()
        .filter_map(|(i, l)| Some((i, l?)))
        .collect()
}

/// [`SourceFile::real`] of `f` at or below `link`, from the links' real paths relative to
/// the tree (`real_rels`: `""` for the tree itself; a link leading out of it is missing).
fn set_real_path(f: &mut SourceFile, link: &str, real_rels: &HashMap<&str, String>) {
    let Some(real_link) = real_rels.get(link) else {
        return;
    };
    let rest = f.rel[link.len()..].trim_start_matches('/');
    let real = match (real_link.is_empty(), rest.is_empty()) {
        // The tree's root itself, as `rel_path` names it.
        (true, true) => ".".to_string(),
        (true, false) => rest.to_string(),
        (false, true) => real_link.clone(),
        (false, false) => format!("{real_link}/{rest}"),
    };
    if real != f.rel {
        f.real = Some(real);
    }
}

fn root_error(root: &Path, e: &std::io::Error) -> UserError {
    UserError::new(format!("{}: {}", root.display(), io_message(e)))
        .with_help("pass the root of a Go source tree")
}

/// io::Error text in message style: lowercase, no "(os error N)".
fn io_message(e: &std::io::Error) -> String {
    let text = e.to_string();
    let text = match text.find(" (os error") {
        Some(i) => &text[..i],
        None => &text,
    };
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `path` relative to `root`, `/` separated, escaped as [`escape_path`] does (the full path
/// if outside the root).
fn rel_path(root: &Path, path: &Path) -> String {
    // The walk's paths are the root's bytes, `/` and clean names: the text itself when no
    // component would be dropped (empty, `.`) or escaped (a `\`, not UTF-8). This ran
    // for every entry walked (comparing the root's components each time, too).
    let (bytes, prefix) = (path.as_os_str().as_bytes(), root.as_os_str().as_bytes());
    let rest = bytes.strip_prefix(prefix).and_then(|rest| {
        if prefix.is_empty() || prefix.ends_with(b"/") {
            Some(rest)
        } else {
            rest.strip_prefix(b"/")
        }
    });
    if let Some(text) = rest.and_then(|r| std::str::from_utf8(r).ok()) {
        if !text.is_empty()
            && !text.contains('\\')
            && text.split('/').all(|c| !c.is_empty() && c != ".")
        {
            return text.to_string();
        }
    }
    let rel = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<String> = rel
        .components()
        .map(|c| escape_path(c.as_os_str()).into_owned())
        .collect();
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

struct VisitorBuilder<'r, T> {
    root: &'r Path,
    include_tests: bool,
    look: &'r (dyn Fn(&SourceFile) -> T + Sync),
    shared: Arc<Mutex<Walked<T>>>,
    linked_dirs: LinkedDirs,
}

/// The followed directory links met so far, relative to the root (the walk's record of
/// them, added to [`WalkResult::links`] at its end): a directory is visited before the
/// walk lists it, so before any file below it.
type LinkedDirs = Arc<std::sync::RwLock<Vec<String>>>;

impl<'s, T: Send + 's> ParallelVisitorBuilder<'s> for VisitorBuilder<'s, T> {
    fn build(&mut self) -> Box<dyn ParallelVisitor + 's> {
        Box::new(Visitor {
            root: self.root,
            include_tests: self.include_tests,
            look: self.look,
            local: Walked::default(),
            shared: Arc::clone(&self.shared),
            linked_dirs: Arc::clone(&self.linked_dirs),
        })
    }
}

/// Per-thread collector; merges into the shared result when the thread finishes.
struct Visitor<'r, T> {
    root: &'r Path,
    include_tests: bool,
    look: &'r (dyn Fn(&SourceFile) -> T + Sync),
    local: Walked<T>,
    shared: Arc<Mutex<Walked<T>>>,
    linked_dirs: LinkedDirs,
}

impl<T> Drop for Visitor<'_, T> {
    fn drop(&mut self) {
        let mut shared = match self.shared.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        let shared = &mut *shared;
        let (to, from) = (&mut shared.result, &mut self.local.result);
        to.files.append(&mut from.files);
        to.asm_files.append(&mut from.asm_files);
        to.build_files.append(&mut from.build_files);
        to.notes.append(&mut from.notes);
        to.links.append(&mut from.links);
        if let Some(dirs) = from.go_mod_dirs.take() {
            to.go_mod_dirs
                .get_or_insert_with(Default::default)
                .extend(dirs);
        }
        shared.looked.append(&mut self.local.looked);
    }
}

impl<T: Send> ParallelVisitor for Visitor<'_, T> {
    fn visit(&mut self, entry: Result<DirEntry, ignore::Error>) -> WalkState {
        match entry {
            Ok(entry) => self.visit_entry(&entry),
            Err(err) => {
                let note = self.error_note(&err);
                self.local.result.notes.push(note);
            }
        }
        WalkState::Continue
    }
}

impl<T> Visitor<'_, T> {
    fn visit_entry(&mut self, entry: &DirEntry) {
        let path = entry.path();
        if entry.file_name() == "go.mod" && entry.depth() > 0 {
            // Whatever it is (a directory, a broken link): reading it is the resolver's.
            let rel = rel_path(self.root, path);
            let dir = rel.strip_suffix("go.mod").unwrap_or("");
            let dir = dir.strip_suffix('/').unwrap_or(dir).to_string();
            self.local
                .result
                .go_mod_dirs
                .get_or_insert_with(Default::default)
                .insert(dir);
        }
        let Some(file_type) = entry.file_type() else {
            return; // stdin; never produced for a directory walk
        };
        if file_type.is_dir() {
            if entry.path_is_symlink() {
                let rel = rel_path(self.root, path);
                match self.linked_dirs.write() {
                    Ok(mut g) => g.push(rel),
                    Err(p) => p.into_inner().push(rel),
                }
            }
            return;
        }
        let name = entry.file_name().to_string_lossy();
        let rel = rel_path(self.root, path);
        // Files below a directory the go command skips (`.github`) are not Go's.
        let skipped = rel.split('/').rev().skip(1).any(is_skipped_dir_name);
        let go = is_wanted_file_name(&name, self.include_tests) && !skipped;
        let asm = !go && !skipped && is_asm_file_name(&name);
        let build = if go || asm {
            None
        } else {
            build_file_kind(&rel)
        };
        if !go && !asm && build.is_none() {
            return;
        }
        if file_type.is_symlink() {
            // With follow_links, a symlink type means the target could not be resolved.
            self.local.result.notes.push(Note {
                path: rel_path(self.root, path),
                message: broken_link_message(path),
            });
            return;
        }
        if !file_type.is_file() {
            return; // fifos, sockets, devices named *.go
        }
        if entry.path_is_symlink() {
            self.local.result.links.push(rel.clone());
        }
        let file = SourceFile {
            abs: path.to_path_buf(),
            rel,
            real: None,
        };
        match build {
            Some(kind) => self.local.result.build_files.push((kind, file)),
            None if asm => self.local.result.asm_files.push(file),
            None => {
                let behind = !entry.path_is_symlink() && self.below_linked_dir(&file.rel);
                self.local
                    .looked
                    .push((!behind).then(|| (self.look)(&file)));
                self.local.result.files.push(file);
            }
        }
    }

    /// Whether root-relative `rel` lies below a followed directory link.
    fn below_linked_dir(&self, rel: &str) -> bool {
        let linked = match self.linked_dirs.read() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        linked.iter().any(|dir| covers(dir, rel))
    }

    fn error_note(&self, err: &ignore::Error) -> Note {
        // ignore::Error nests (WithPath, WithDepth, …): find the path and the cause.
        let mut path: Option<&Path> = None;
        let mut cur = err;
        loop {
            match cur {
                ignore::Error::WithPath { path: p, err } => {
                    path = path.or(Some(p));
                    cur = err;
                }
                ignore::Error::WithDepth { err, .. }
                | ignore::Error::WithLineNumber { err, .. } => cur = err,
                ignore::Error::Partial(errs) if !errs.is_empty() => cur = &errs[0],
                _ => break,
            }
        }
        let at = |p: &Path| rel_path(self.root, p);
        match cur {
            ignore::Error::Loop { ancestor, child } => Note {
                path: at(child),
                message: format!("symlink loop back to `{}`; not followed", at(ancestor)),
            },
            ignore::Error::Io(io) => {
                let path = path.unwrap_or(self.root);
                if is_broken_link(path) {
                    Note {
                        path: at(path),
                        message: broken_link_message(path),
                    }
                } else {
                    Note::unreadable(at(path), &io_message(io))
                }
            }
            // Not an I/O error (a bad `.gitignore` glob): a remark, not an unread input.
            other => Note {
                path: at(path.unwrap_or(self.root)),
                message: format!("cannot use: {other}"),
            },
        }
    }
}

/// A file name or path as text, losslessly: each byte that is not part of valid UTF-8
/// becomes `\xHH`, and a `\` that would otherwise read as the start of an escape (one
/// followed by `\`, `x` or such a byte) becomes `\\`. Valid names without that pattern
/// come out as they are; [`unescape_path`] gives the bytes back.
pub fn escape_path(name: &OsStr) -> Cow<'_, str> {
    let bytes = name.as_bytes();
    match std::str::from_utf8(bytes) {
        Ok(s) if !s.contains('\\') => return Cow::Borrowed(s),
        _ => {}
    }
    let mut out = String::with_capacity(bytes.len() + 8);
    for chunk in bytes.utf8_chunks() {
        let valid = chunk.valid();
        for (j, c) in valid.char_indices() {
            out.push(c);
            if c == '\\' {
                // Doubled when the next thing written would make `\` start an escape.
                let ambiguous = match valid[j + 1..].chars().next() {
                    Some(next) => next == '\\' || next == 'x',
                    None => !chunk.invalid().is_empty(),
                };
                if ambiguous {
                    out.push('\\');
                }
            }
        }
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
    Cow::Owned(out)
}

/// The bytes [`escape_path`] wrote as `text`.
pub fn unescape_path(text: &str) -> Cow<'_, [u8]> {
    if !text.contains('\\') {
        return Cow::Borrowed(text.as_bytes());
    }
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'\\' {
            if b.get(i + 1) == Some(&b'\\') {
                out.push(b'\\');
                i += 2;
                continue;
            }
            if b.get(i + 1) == Some(&b'x') {
                let hex = b
                    .get(i + 2..i + 4)
                    .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
                    .and_then(|h| std::str::from_utf8(h).ok());
                if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    out.push(v);
                    i += 4;
                    continue;
                }
            }
        }
        out.push(b[i]);
        i += 1;
    }
    Cow::Owned(out)
}

/// The bytes of file `rel` (root-relative, as [`SourceFile::rel`]) below `root`, read
/// whole: how the phases after the walk read a file again ([`Sources`], and the work
/// they start early).
pub fn read_rel(root: &Path, rel: &str) -> std::io::Result<Vec<u8>> {
    std::fs::read(rel_to_path(root, rel))
}

/// The file a root-relative path ([`SourceFile::rel`], a finding's path) names under `root`.
pub fn rel_to_path(root: &Path, rel: &str) -> PathBuf {
    match unescape_path(rel) {
        Cow::Borrowed(_) => root.join(rel),
        Cow::Owned(bytes) => root.join(std::ffi::OsString::from_vec(bytes)),
    }
}

fn is_broken_link(path: &Path) -> bool {
    path.symlink_metadata()
        .is_ok_and(|m| m.file_type().is_symlink())
        && std::fs::metadata(path).is_err()
}

fn broken_link_message(path: &Path) -> String {
    match std::fs::read_link(path) {
        Ok(target) => format!("broken symlink to `{}`; skipped", target.display()),
        Err(_) => "broken symlink; skipped".to_string(),
    }
}

/// The identity of a file's bytes (SHA-256): what the scan analysed, checked again before
/// a fix writes.
pub type Digest = [u8; 32];

/// The [`Digest`] of `bytes`.
pub fn digest(bytes: &[u8]) -> Digest {
    use sha2::Digest as _;
    sha2::Sha256::digest(bytes).into()
}

/// The scan's one source cache: each file's bytes read on first use after the header pass
/// and shared (by `Arc`) by every later phase — the lexer's declarations, planning, typed
/// declarations, checking and the fix builders. A file one phase alone needs is read
/// without being kept ([`Sources::peek_or_read`]), and the scan lets go of files no later
/// phase reads ([`Sources::keep_only`]), so memory holds the files still in use.
pub struct Sources {
    root: PathBuf,
    rels: Arc<[String]>,
    slots: Vec<OnceLock<Result<Arc<Vec<u8>>, String>>>,
    /// Bytes read before the cache was made (the typed declarations lexed ahead), taken
    /// instead of reading those files again.
    held: Option<Arc<dyn HeldReads>>,
}

/// Bytes of files some earlier work read ([`read_rel`]) and still holds, by path.
pub trait HeldReads: Send + Sync {
    fn held(&self, rel: &str) -> Option<Arc<Vec<u8>>>;
}

impl Sources {
    /// A cache for the files `rels` (relative to `root`), indexed like them.
    pub fn new(root: &Path, rels: Arc<[String]>) -> Sources {
        let slots = rels.iter().map(|_| OnceLock::new()).collect();
        Sources {
            root: root.to_path_buf(),
            rels,
            slots,
            held: None,
        }
    }

    /// The same cache, taking the files `held` holds instead of reading them (until
    /// [`Sources::keep_only`]).
    pub fn with_held(self, held: Arc<dyn HeldReads>) -> Sources {
        Sources {
            held: Some(held),
            ..self
        }
    }

    /// File `i`'s bytes, read on the first call; Err: why it cannot be read.
    pub fn get(&self, i: usize) -> Result<Arc<Vec<u8>>, String> {
        let Some(slot) = self.slots.get(i) else {
            return Err("no such file in the scan".into());
        };
        slot.get_or_init(|| self.read(&self.rels[i])).clone()
    }

    /// File `i`'s bytes from the cache, else read now without keeping them.
    pub fn peek_or_read(&self, i: usize) -> Result<Arc<Vec<u8>>, String> {
        match self.slots.get(i).and_then(OnceLock::get) {
            Some(cached) => cached.clone(),
            None => self.read(self.rels.get(i).ok_or("no such file")?),
        }
    }

    fn read(&self, rel: &str) -> Result<Arc<Vec<u8>>, String> {
        if let Some(bytes) = self.held.as_ref().and_then(|h| h.held(rel)) {
            return Ok(bytes);
        }
        read_rel(&self.root, rel)
            .map(Arc::new)
            .map_err(|e| io_message(&e))
    }

    /// Cache bytes read with [`Sources::peek_or_read`] for later calls (kept when the
    /// file was cached already).
    pub fn keep(&self, i: usize, bytes: Arc<Vec<u8>>) {
        if let Some(slot) = self.slots.get(i) {
            let _ = slot.set(Ok(bytes));
        }
    }

    /// The files read and still cached, as `(relative path, bytes)`: what the scan analysed.
    pub fn cached(&self) -> Vec<(&str, Arc<Vec<u8>>)> {
        self.rels
            .iter()
            .zip(&self.slots)
            .filter_map(|(rel, slot)| Some((rel.as_str(), slot.get()?.as_ref().ok()?.clone())))
            .collect()
    }

    /// Forget the cached files `keep` rejects (they are read again if asked for), and let
    /// go of the earlier work's.
    pub fn keep_only(&mut self, keep: impl Fn(usize) -> bool) {
        self.held = None;
        for (i, slot) in self.slots.iter_mut().enumerate() {
            if !keep(i) {
                slot.take();
            }
        }
    }
}

/// Read one source file. Files that are too large, binary (contain NUL) or not UTF-8
/// become a note instead.
/// Write `text` to `path` atomically: a new temporary file beside it (created, so never
/// opened through a link someone prepared), synced, then renamed over `path`; on failure
/// the temporary file is removed. `fallback` names the temporary file when `path` has no
/// file name. A path naming something other than a file or a directory (a device such as
/// `/dev/null` or the terminal behind `/dev/stdout`, a FIFO) is written in place: a rename
/// would replace it with a file.
pub fn write_atomically(path: &Path, text: &[u8], fallback: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        return std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .and_then(|mut f| f.write_all(text));
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| fallback.into());
    let temp = dir.join(format!(".{name}.abiport-{}.tmp", std::process::id()));
    let written = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&temp)
        .and_then(|mut f| f.write_all(text).and_then(|()| f.sync_all()))
        .and_then(|()| std::fs::rename(&temp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

pub fn read_source(file: &SourceFile) -> Result<Vec<u8>, Note> {
    let mut bytes = Vec::new();
    // Sized from the file: the bytes may be kept.
    read_checked(file, &mut bytes, 0)?;
    Ok(bytes)
}

/// What [`read_source_into`] reads before asking a file's size: most Go files are smaller.
const READ_AHEAD: usize = 256 * 1024;

/// [`read_source`] into `buf` (its old contents replaced): a caller reading many files
/// one after another reuses one buffer instead of allocating (and faulting in) each.
pub fn read_source_into(file: &SourceFile, buf: &mut Vec<u8>) -> Result<(), Note> {
    read_checked(file, buf, READ_AHEAD)
}

/// Read and check a source file, first into `ahead` bytes of `buf` (and its spare room)
/// without asking the file's size.
fn read_checked(file: &SourceFile, buf: &mut Vec<u8>, ahead: usize) -> Result<(), Note> {
    let note = |message: String| Note {
        path: file.rel.clone(),
        message,
    };
    let unreadable = |e: std::io::Error| Note::unreadable(file.rel.clone(), &io_message(&e));
    let mut f = std::fs::File::open(&file.abs).map_err(unreadable)?;
    buf.clear();
    buf.reserve(ahead);
    // Into the buffer as it is: a file that fits is read without asking its size (a
    // `statx` per file was a tenth of the header pass's system calls).
    let room = (buf.capacity() as u64).min(MAX_FILE_BYTES);
    (&mut f).take(room).read_to_end(buf).map_err(unreadable)?;
    if buf.len() as u64 == room {
        // Maybe more: a file too large is skipped unread.
        let len = f.metadata().map(|m| m.len()).unwrap_or(0);
        if len > MAX_FILE_BYTES {
            return Err(note(format!(
                "larger than {} MiB ({len} bytes); skipped",
                MAX_FILE_BYTES / (1024 * 1024)
            )));
        }
        buf.reserve((len as usize + 1).saturating_sub(buf.len()));
        // `take` guards against a file that grows while being read.
        f.take(MAX_FILE_BYTES + 1 - room)
            .read_to_end(buf)
            .map_err(unreadable)?;
    }
    let bytes = &buf[..];
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(note(format!(
            "larger than {} MiB; skipped",
            MAX_FILE_BYTES / (1024 * 1024)
        )));
    }
    if let Some(at) = memchr::memchr(0, bytes) {
        return Err(note(format!(
            "binary file (NUL byte at offset {at}); skipped"
        )));
    }
    // The SIMD check says whether; std's says where.
    if simdutf8::basic::from_utf8(bytes).is_err() {
        let at = std::str::from_utf8(bytes).map_or_else(|e| e.valid_up_to(), |s| s.len());
        let line = 1 + memchr::memchr_iter(b'\n', &bytes[..at]).count();
        return Err(note(format!(
            "not valid UTF-8 (line {line}, byte offset {at}); skipped"
        )));
    }
    Ok(())
}

/// The directory of a root-relative `/`-separated path (`""` at the root).
pub fn dir_of(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(d, _)| d)
}

/// The file name of a root-relative `/`-separated path (its last element).
pub fn file_name(rel: &str) -> &str {
    rel.rsplit_once('/').map_or(rel, |(_, name)| name)
}

/// Whether root-relative `path` is `only` or lies below it (everything lies below `""`).
pub fn covers(only: &str, path: &str) -> bool {
    path == only
        || only.is_empty()
        || path
            .strip_prefix(only)
            .is_some_and(|rest| rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn write(root: &Path, rel: &str, text: &[u8]) {
        let p = root.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }

    fn rels(r: &WalkResult) -> Vec<&str> {
        r.files.iter().map(|f| f.rel.as_str()).collect()
    }

    fn opts() -> WalkOptions {
        WalkOptions {
            jobs: 2,
            ..WalkOptions::default()
        }
    }

    #[test]
    fn build_files_are_classified_and_go_below_dot_github_is_not_read() {
        use BuildFileKind::*;
        for (rel, kind) in [
            ("Makefile", Some(Makefile)),
            ("build/rules.mk", Some(Makefile)),
            ("hack/release.sh", Some(Shell)),
            ("hack/release", Some(MaybeShell)),
            ("cmd/release", None),
            ("Dockerfile.mips64le", Some(Dockerfile)),
            ("images/agent.Dockerfile", Some(Dockerfile)),
            ("Containerfile", Some(Dockerfile)),
            (".goreleaser.yaml", Some(Goreleaser)),
            (".github/workflows/ci.yml", Some(Workflow)),
            ("Jenkinsfile", Some(Jenkinsfile)),
            ("ci/Jenkinsfile.release", Some(Jenkinsfile)),
            ("ci/nightly.jenkinsfile", Some(Jenkinsfile)),
            (".github/dependabot.yml", None),
            ("go.mod", Some(GoMod)),
            ("vendor/modules.txt", Some(ModulesTxt)),
            ("vendor/github.com/x/y/Makefile", None),
            ("vendor/github.com/x/y/go.mod", None),
            ("Godeps/Godeps.json", Some(GodepsJson)),
            ("README.md", None),
        ] {
            assert_eq!(build_file_kind(rel), kind, "{rel}");
        }
        assert!(is_shell_shebang(b"#!/usr/bin/env bash\n"));
        assert!(is_shell_shebang(b"#!/bin/sh -e\n"));
        assert!(!is_shell_shebang(b"#!/usr/bin/env python3\n"));

        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for rel in [
            "main.go",
            "Makefile",
            ".github/workflows/ci.yml",
            ".github/tools/gen.go",
            ".git/hooks/pre-commit.sh",
            "vendor/github.com/x/y/Makefile",
        ] {
            write(root, rel, b"package x\n");
        }
        let r = collect(root, &opts()).unwrap();
        assert_eq!(rels(&r), vec!["main.go"]);
        let build: Vec<&str> = r.build_files.iter().map(|(_, f)| f.rel.as_str()).collect();
        assert_eq!(build, vec![".github/workflows/ci.yml", "Makefile"]);
    }

    #[test]
    fn keeps_vendor_and_skips_what_go_skips() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for rel in [
            "main.go",
            "main_test.go",
            "README.md",
            "pkg/a.go",
            "pkg/a_linux.go",
            "vendor/github.com/x/y/y.go",
            "testdata/t.go",
            "pkg/testdata/t.go",
            "_old/o.go",
            ".git/g.go",
            "pkg/.hidden/h.go",
            "pkg/_x.go",
            "pkg/.x.go",
            "dir.go/inner.go",
        ] {
            write(root, rel, b"package x\n");
        }
        let r = collect(root, &opts()).unwrap();
        assert_eq!(
            rels(&r),
            vec![
                "dir.go/inner.go",
                "main.go",
                "main_test.go",
                "pkg/a.go",
                "pkg/a_linux.go",
                "vendor/github.com/x/y/y.go",
            ]
        );
        assert!(r.notes.is_empty(), "{:?}", r.notes);
        let no_tests = WalkOptions {
            include_tests: false,
            ..opts()
        };
        let r = collect(root, &no_tests).unwrap();
        assert!(!rels(&r).contains(&"main_test.go"));
        // abs joins the root.
        assert!(r.files[0].abs.ends_with("dir.go/inner.go"));
        assert!(r.files[0].abs.is_absolute());
    }

    #[test]
    fn assembly_files_are_kept_apart_from_go_files() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for rel in [
            "crc.go",
            "crc_amd64.s",
            "vendor/v/v_arm64.s",
            "gcc.S",
            "_skip.s",
            ".x.s",
            "testdata/t.s",
        ] {
            write(root, rel, b"// x\n");
        }
        let r = collect(root, &opts()).unwrap();
        assert_eq!(rels(&r), vec!["crc.go"]);
        let asm: Vec<&str> = r.asm_files.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(asm, vec!["crc_amd64.s", "vendor/v/v_arm64.s"]);
    }

    #[test]
    fn gitignore_only_on_opt_in() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, ".gitignore", b"vendor/\n");
        write(root, "a.go", b"package a\n");
        write(root, "vendor/v/v.go", b"package v\n");
        let r = collect(root, &opts()).unwrap();
        assert_eq!(rels(&r), vec!["a.go", "vendor/v/v.go"]);
        let respect = WalkOptions {
            respect_gitignore: true,
            ..opts()
        };
        let r = collect(root, &respect).unwrap();
        assert_eq!(rels(&r), vec!["a.go"]);
    }

    #[test]
    fn same_result_whatever_the_thread_count() {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..50 {
            write(dir.path(), &format!("d{}/f{i}.go", i % 7), b"package d\n");
        }
        let one = collect(dir.path(), &WalkOptions { jobs: 1, ..opts() }).unwrap();
        let many = collect(dir.path(), &WalkOptions { jobs: 8, ..opts() }).unwrap();
        assert_eq!(one, many);
        assert_eq!(one.files.len(), 50);
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loop_and_broken_link_are_notes() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "a/a.go", b"package a\n");
        symlink("..", root.join("a/up")).unwrap();
        symlink("missing.go", root.join("a/broken.go")).unwrap();
        symlink("a.go", root.join("a/alias.go")).unwrap();
        let r = collect(root, &opts()).unwrap();
        assert_eq!(rels(&r), vec!["a/a.go", "a/alias.go"]);
        assert_eq!(r.notes.len(), 2, "{:?}", r.notes);
        assert_eq!(r.notes[0].path, "a/broken.go");
        assert!(
            r.notes[0].message.contains("broken symlink"),
            "{:?}",
            r.notes
        );
        assert_eq!(r.notes[1].path, "a/up");
        assert!(r.notes[1].message.contains("symlink loop"), "{:?}", r.notes);
    }

    #[test]
    fn file_name_and_dir_of_split_a_path_at_its_last_slash() {
        for (rel, dir, name) in [
            ("a/b/c.go", "a/b", "c.go"),
            ("c.go", "", "c.go"),
            ("", "", ""),
        ] {
            assert_eq!((dir_of(rel), file_name(rel)), (dir, name), "{rel}");
        }
    }

    /// A tree whose `vendor/lib` links to its `staging/lib` (holding `l.go`) and whose
    /// `vendor/out` links to a directory outside it (holding `o.go`), returned beside it.
    #[cfg(unix)]
    fn linked_tree() -> (tempfile::TempDir, tempfile::TempDir) {
        use std::os::unix::fs::symlink;
        let outside = tempfile::tempdir().unwrap();
        write(outside.path(), "o.go", b"package o\n");
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "staging/lib/l.go", b"package lib\n");
        fs::create_dir_all(root.join("vendor")).unwrap();
        symlink("../staging/lib", root.join("vendor/lib")).unwrap();
        symlink(outside.path(), root.join("vendor/out")).unwrap();
        (dir, outside)
    }

    #[cfg(unix)]
    #[test]
    fn files_behind_links_know_their_real_path_inside_the_tree() {
        let (dir, _outside) = linked_tree();
        let root = dir.path();
        let r = collect(root, &opts()).unwrap();
        let real: Vec<(&str, Option<&str>)> = r
            .files
            .iter()
            .map(|f| (f.rel.as_str(), f.real.as_deref()))
            .collect();
        assert_eq!(
            real,
            vec![
                ("staging/lib/l.go", None),
                ("vendor/lib/l.go", Some("staging/lib/l.go")),
                ("vendor/out/o.go", None),
            ]
        );
        // The way out is a note (once), the way within is not.
        assert_eq!(r.notes.len(), 1, "{:?}", r.notes);
        assert_eq!(r.notes[0].path, "vendor/out");
        assert!(
            r.notes[0]
                .message
                .starts_with("symlink out of the tree (to ")
                && r.notes[0].message.ends_with("): scanned, never fixed"),
            "{:?}",
            r.notes
        );
        assert!(!r.notes[0].is_unreadable());
    }

    /// A file below a linked directory is read once, at its real path: its look comes
    /// from that file's. Files whose real file the walk did not look at (out of the tree,
    /// below a directory Go skips, a linked file of another name) are looked at, once.
    #[cfg(unix)]
    #[test]
    fn files_behind_linked_dirs_are_looked_at_through_their_real_file() {
        use std::os::unix::fs::symlink;
        use std::sync::atomic::{AtomicUsize, Ordering};
        let (dir, _outside) = linked_tree();
        let root = dir.path();
        write(root, "staging/lib/deep/d.go", b"package deep\n");
        write(root, "testdata/t/t.go", b"package t\n");
        symlink("../testdata/t", root.join("vendor/t")).unwrap();
        symlink("../staging/lib/l.go", root.join("vendor/renamed.go")).unwrap();
        let read = AtomicUsize::new(0);
        let look = |f: &SourceFile| {
            read.fetch_add(1, Ordering::Relaxed);
            format!(
                "read {}: {}",
                f.rel,
                fs::read_to_string(&f.abs).unwrap().trim()
            )
        };
        let same = |f: &SourceFile, real: &String| {
            (!f.rel.contains("deep")).then(|| format!("{} as {real}", f.rel))
        };
        for jobs in [1, 2] {
            read.store(0, Ordering::Relaxed);
            let opts = WalkOptions { jobs, ..opts() };
            let (walked, looks) = collect_looking(root, &opts, &look, &same, &|_| ()).unwrap();
            let rels: Vec<&str> = walked.files.iter().map(|f| f.rel.as_str()).collect();
            assert_eq!(
                rels,
                [
                    "staging/lib/deep/d.go",
                    "staging/lib/l.go",
                    "vendor/lib/deep/d.go",
                    "vendor/lib/l.go",
                    "vendor/out/o.go",
                    "vendor/renamed.go",
                    "vendor/t/t.go",
                ]
            );
            assert_eq!(
                looks,
                [
                    "read staging/lib/deep/d.go: package deep",
                    "read staging/lib/l.go: package lib",
                    // `same` gave none: read under its own path.
                    "read vendor/lib/deep/d.go: package deep",
                    "vendor/lib/l.go as read staging/lib/l.go: package lib",
                    "read vendor/out/o.go: package o",
                    "read vendor/renamed.go: package lib",
                    "read vendor/t/t.go: package t",
                ]
            );
            assert_eq!(read.load(Ordering::Relaxed), 6, "with {jobs} threads");
        }
    }

    /// The files below a link are a run of the sorted paths: not the names that only
    /// start like it (`a/b.go`, `a/b-c/…` sort around `a/b/…`), and a deeper link wins.
    #[test]
    fn the_deepest_link_above_each_file() {
        let rels = [
            "a/b-c/x.go",
            "a/b.go",
            "a/b/d/y.go",
            "a/b/x.go",
            "a/b0/z.go",
            "f.go",
            "g.go",
        ];
        let links: Vec<String> = ["a/b", "a/b/d", "f.go"].map(String::from).to_vec();
        assert_eq!(
            deepest_links(&rels, &links),
            vec![(2, "a/b/d"), (3, "a/b"), (5, "f.go")]
        );
        assert_eq!(deepest_links(&rels, &[]), vec![]);
    }

    /// Each link is canonicalized once and a file's real path built from its deepest link:
    /// a link below a link, a linked file, and a link whose target passes through a link.
    #[cfg(unix)]
    #[test]
    fn real_paths_through_nested_links_and_linked_files() {
        use std::os::unix::fs::symlink;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "src/a/a.go", b"package a\n");
        write(root, "src/b/deep/b.go", b"package b\n");
        write(root, "src/f.go", b"package f\n");
        // A name that is not UTF-8 (escaped in `rel`), below a link.
        let odd = std::ffi::OsStr::from_bytes(b"a\xff.go");
        fs::write(root.join("src/a").join(odd), b"package a\n").unwrap();
        fs::create_dir_all(root.join("vendor")).unwrap();
        symlink("../src", root.join("vendor/s")).unwrap();
        // Inside the linked tree: a link to a sibling, and one through the first link.
        symlink("../b/deep", root.join("src/a/d")).unwrap();
        symlink("../vendor/s/a", root.join("src/via")).unwrap();
        symlink("../f.go", root.join("src/a/f2.go")).unwrap();
        let r = collect(root, &opts()).unwrap();
        let real: Vec<(&str, Option<&str>)> = r
            .files
            .iter()
            .map(|f| (f.rel.as_str(), f.real.as_deref()))
            .collect();
        // Each real path is what canonicalizing the file gives.
        for f in &r.files {
            let want = f.abs.canonicalize().unwrap();
            let root_real = root.canonicalize().unwrap();
            let want = rel_path(Path::new(""), want.strip_prefix(&root_real).unwrap());
            assert_eq!(f.real.as_deref().unwrap_or(&f.rel), want, "{}", f.rel);
        }
        assert!(real.contains(&("vendor/s/a/d/b.go", Some("src/b/deep/b.go"))));
        assert!(real.contains(&("vendor/s/via/f2.go", Some("src/f.go"))));
        assert!(real.contains(&("src/a/a.go", None)));
        assert!(
            real.iter()
                .any(|(rel, real)| rel.starts_with("vendor/s/a/a\\") && real.is_some()),
            "{real:?}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn unreadable_dir_is_a_note() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "ok.go", b"package a\n");
        write(root, "locked/l.go", b"package l\n");
        let locked = root.join("locked");
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
        // Root (CAP_DAC_OVERRIDE) reads it anyway: then there is nothing to observe.
        let blocked = fs::read_dir(&locked).is_err();
        let r = collect(root, &opts());
        fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).unwrap();
        let r = r.unwrap();
        if blocked {
            assert_eq!(rels(&r), vec!["ok.go"]);
            assert_eq!(r.notes.len(), 1, "{:?}", r.notes);
            assert_eq!(r.notes[0].path, "locked");
            assert!(
                r.notes[0].message.contains("permission denied"),
                "{:?}",
                r.notes
            );
        } else {
            eprintln!(
                "running with permission overrides (root?): unreadable-dir case not observable"
            );
            assert_eq!(rels(&r), vec!["locked/l.go", "ok.go"]);
        }
    }

    #[test]
    fn single_file_root_and_bad_roots() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "one.go", b"package one\n");
        write(dir.path(), "notes.txt", b"x");
        let r = collect(&dir.path().join("one.go"), &opts()).unwrap();
        assert_eq!(rels(&r), vec!["one.go"]);
        let e = collect(&dir.path().join("notes.txt"), &opts()).unwrap_err();
        assert!(e.title.contains("not a directory or a `.go` file"), "{e}");
        let e = collect(&dir.path().join("missing"), &opts()).unwrap_err();
        assert!(e.title.contains("no such file or directory"), "{e}");
        // main.rs prefixes `abiport: `; the title starts with the path.
        assert!(
            e.title
                .starts_with(&dir.path().join("missing").display().to_string()),
            "{e}"
        );
    }

    #[test]
    fn read_source_rejects_binary_non_utf8_and_large() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "ok.go", "package ok // ünïcode\n".as_bytes());
        write(root, "bin.go", b"package b\x00\x01");
        write(root, "latin1.go", b"package l\n// caf\xe9\n");
        let big = vec![b' '; (MAX_FILE_BYTES + 1) as usize];
        write(root, "big.go", &big);
        let file = |rel: &str| SourceFile {
            abs: root.join(rel),
            rel: rel.to_string(),
            real: None,
        };
        assert_eq!(
            read_source(&file("ok.go")).unwrap(),
            "package ok // ünïcode\n".as_bytes()
        );
        let n = read_source(&file("bin.go")).unwrap_err();
        assert_eq!(n.path, "bin.go");
        assert!(n.message.contains("binary"), "{n}");
        let n = read_source(&file("latin1.go")).unwrap_err();
        assert!(n.message.contains("not valid UTF-8 (line 2"), "{n}");
        let n = read_source(&file("big.go")).unwrap_err();
        assert!(n.message.contains("larger than 16 MiB"), "{n}");
        let n = read_source(&file("gone.go")).unwrap_err();
        assert!(n.message.starts_with("cannot read: no such file"), "{n}");
    }

    /// Every directory with an entry named go.mod is known (the resolver reads no other),
    /// unless an exclusion may have hidden one.
    #[test]
    fn go_mod_dirs_of_the_walk() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "go.mod", b"module x\n");
        write(root, "a/b/go.mod", b"module y\n");
        write(root, "vendor/v/go.mod", b"module v\n");
        write(root, "c/go.mod/x.txt", b"");
        write(root, "testdata/go.mod", b"module t\n");
        write(root, "a/b/c.go", b"package c\n");
        let r = collect(root, &opts()).unwrap();
        let mut dirs: Vec<&str> = r
            .go_mod_dirs
            .as_ref()
            .unwrap()
            .iter()
            .map(String::as_str)
            .collect();
        dirs.sort();
        assert_eq!(dirs, ["", "a/b", "c", "vendor/v"]);
        let exclude = Exclude::new("", &["go.mod".to_string()]).unwrap();
        let r = collect(root, &WalkOptions { exclude, ..opts() }).unwrap();
        assert_eq!(r.go_mod_dirs, None);
        let r = collect(
            root,
            &WalkOptions {
                respect_gitignore: true,
                ..opts()
            },
        )
        .unwrap();
        assert_eq!(r.go_mod_dirs, None);
    }

    /// The text itself for a clean path; components dropped or escaped otherwise.
    #[test]
    fn rel_path_fast_and_slow_forms() {
        let root = Path::new("/r");
        let rel = |p: &str| rel_path(root, Path::new(p));
        assert_eq!(rel("/r/a/b.go"), "a/b.go");
        // `/rr` is not below `/r`, though its bytes start with them.
        assert_eq!(rel("/rr/a.go"), "//rr/a.go");
        assert_eq!(rel_path(Path::new("/"), Path::new("/a/b.go")), "a/b.go");
        assert_eq!(rel_path(Path::new("/r/"), Path::new("/r/a.go")), "a.go");
        assert_eq!(
            rel_path(Path::new("/r/./s"), Path::new("/r/./s/a.go")),
            "a.go"
        );
        assert_eq!(rel_path(Path::new(""), Path::new("a/b.go")), "a/b.go");
        assert_eq!(rel_path(Path::new(""), Path::new("/a/b.go")), "//a/b.go");
        assert_eq!(rel_path(Path::new(""), Path::new("a/./b.go")), "a/b.go");
        assert_eq!(rel("/r"), ".");
        assert_eq!(rel("/r/a/./b.go"), "a/b.go");
        assert_eq!(rel("/r/a//b.go"), "a/b.go");
        assert_eq!(rel("/r/a/"), "a");
        assert_eq!(rel("/r/a\\x/b.go"), "a\\\\x/b.go");
        // (Outside the root: the slow form, as before.)
        assert_eq!(rel("/elsewhere/x.go"), "//elsewhere/x.go");
        let odd = std::ffi::OsStr::from_bytes(b"/r/caf\xe9.go");
        assert_eq!(rel_path(root, Path::new(odd)), "caf\\xe9.go");
    }

    /// The reused buffer reads without asking the size first: a file filling the
    /// read-ahead exactly, one beyond it and one over the cap each read (or are skipped)
    /// as a fresh read does, whatever the buffer held before.
    #[test]
    fn read_source_into_a_reused_buffer() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let file = |rel: &str| SourceFile {
            abs: root.join(rel),
            rel: rel.to_string(),
            real: None,
        };
        let mut buf = Vec::new();
        for len in [
            0,
            1,
            READ_AHEAD - 1,
            READ_AHEAD,
            READ_AHEAD + 1,
            3 * READ_AHEAD,
        ] {
            let mut text = b"package p\n".to_vec();
            text.resize(len.max(text.len()), b'/');
            write(root, "f.go", &text);
            read_source_into(&file("f.go"), &mut buf).unwrap();
            assert_eq!(buf, text, "{len}");
            assert_eq!(read_source(&file("f.go")).unwrap(), text, "{len}");
        }
        let big = vec![b' '; (MAX_FILE_BYTES + 1) as usize];
        write(root, "big.go", &big);
        let n = read_source_into(&file("big.go"), &mut buf).unwrap_err();
        assert_eq!(
            n.message,
            format!("larger than 16 MiB ({} bytes); skipped", big.len())
        );
        // The buffer holds what the last file held; a short file after it is itself.
        write(root, "f.go", b"package q\n");
        read_source_into(&file("f.go"), &mut buf).unwrap();
        assert_eq!(buf, b"package q\n");
    }

    #[cfg(unix)]
    #[test]
    fn unreadable_file_is_a_note_at_read() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "secret.go", b"package s\n");
        let abs = dir.path().join("secret.go");
        fs::set_permissions(&abs, fs::Permissions::from_mode(0o000)).unwrap();
        let blocked = fs::read(&abs).is_err();
        let r = collect(dir.path(), &opts()).unwrap();
        assert_eq!(rels(&r), vec!["secret.go"]);
        let read = read_source(&r.files[0]);
        fs::set_permissions(&abs, fs::Permissions::from_mode(0o644)).unwrap();
        if blocked {
            let n = read.unwrap_err();
            assert!(n.message.contains("permission denied"), "{n}");
        } else {
            assert!(read.is_ok());
        }
    }

    #[test]
    fn names_escape_losslessly() {
        let cases: &[&[u8]] = &[
            b"a.go",
            b"b\xff.go",
            b"a\\b.go",
            b"a\\x41.go",
            b"a\\\\x41",
            b"a\\\xff",
            b"\\",
            b"\\\\",
            b"x\\",
            b"\xe9t\xc3\xa9.go",
            b"a\\xzz\\x4",
            b"a\\/\\x/\\",
        ];
        for &c in cases {
            let text = escape_path(OsStr::from_bytes(c));
            assert_eq!(&*unescape_path(&text), c, "{text}");
            assert_eq!(
                rel_to_path(Path::new("/r"), &text).as_os_str().as_bytes(),
                [b"/r/", c].concat()
            );
        }
        let esc = |b: &[u8]| escape_path(OsStr::from_bytes(b)).into_owned();
        assert_eq!(esc(b"b\xff.go"), "b\\xff.go");
        assert_eq!(esc(b"caf\xc3\xa9.go"), "caf\u{e9}.go");
        // A backslash is doubled only where it would read as an escape.
        assert_eq!(esc(b"a\\b.go"), "a\\b.go");
        assert_eq!(esc(b"a\\x41.go"), "a\\\\x41.go");
    }

    #[cfg(unix)]
    #[test]
    fn non_utf8_names_are_walked_and_read() {
        use std::ffi::OsString;
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join(OsString::from_vec(b"d\xfe".to_vec()));
        fs::create_dir_all(&sub).unwrap();
        fs::write(
            sub.join(OsString::from_vec(b"f\xff.go".to_vec())),
            "package d\n",
        )
        .unwrap();
        let r = collect(dir.path(), &opts()).unwrap();
        assert_eq!(rels(&r), vec!["d\\xfe/f\\xff.go"]);
        assert!(r.notes.is_empty(), "{:?}", r.notes);
        let sources = Sources::new(dir.path(), vec![r.files[0].rel.clone()].into());
        assert_eq!(sources.get(0).unwrap().as_slice(), b"package d\n");
    }

    /// Speed over a real tree: `ABIPORT_WALK_ROOT=DIR` (run by hand, `--ignored`).
    #[test]
    #[ignore]
    fn walk_speed() {
        let Some(root) = std::env::var_os("ABIPORT_WALK_ROOT") else {
            return;
        };
        let start = std::time::Instant::now();
        let r = collect(Path::new(&root), &opts()).unwrap();
        let walked = start.elapsed();
        let bytes: usize = r
            .files
            .iter()
            .filter_map(|f| read_source(f).ok())
            .map(|b| b.len())
            .sum();
        eprintln!(
            "{} files, {} notes, walk {walked:?}, walk+read {:?}, {} MB",
            r.files.len(),
            r.notes.len(),
            start.elapsed(),
            bytes / 1_000_000
        );
    }
}
