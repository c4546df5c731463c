//! The scan pipeline (library): walk → constraints → parse → index → rules → fixes, from
//! [`ScanOptions`] to a [`ScanOutput`] (findings, notes, statistics); `abiport scan` renders it.
//!
//! Pass 1 reads every Go file but only looks at its header (build constraints, package,
//! imports). Only files that can matter — files of packages whose declarations differ
//! between the reference arch and a target, and files importing such packages or the
//! syscall packages — get a full tree-sitter parse in pass 2.

use crate::arch::{Arch, ArchSet};
use crate::constraints::{self, BuildConfig};
use crate::edit::{FixCtx, FixOptions, Parsed};
use crate::error::{Result, UserError};
use crate::finding::{self, Finding};
use crate::header;
use crate::index::{self, FileId, FileInfo, Index, Target};
use crate::rules::{self, Rule, TypeNeed};
use crate::syntax::{self, FileSyntax};
use crate::types::FileCtx;
use crate::walk::{self, Note, Sources, WalkOptions};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

#[derive(Clone)]
pub struct ScanOptions {
    pub root: PathBuf,
    pub targets: ArchSet,
    pub reference: Arch,
    pub rules: Vec<&'static dyn Rule>,
    pub walk: WalkOptions,
    pub build: BuildConfig,
    /// How fix builders build (`fix --unsafe-fixes`, plain conversions).
    pub fixes: FixOptions,
    /// Print when each phase is done, on stderr (`ABIPORT_TIMING`).
    pub timing: bool,
    /// The import path of a root without go.mod (`--import-path`); inferred when `None`.
    pub import_path: Option<String>,
}

pub use crate::report::Stats;

pub struct ScanOutput {
    pub findings: Vec<Finding>,
    pub notes: Vec<Note>,
    pub stats: Stats,
    /// How often type inference gave up, summed over the checked files (`scan --stats`).
    pub type_gave_up: usize,
    /// SHA-256 of the bytes analysed, per file a fix edits (root-relative, as in
    /// [`finding::Fix::file`]): `fix --apply` writes only files still holding those bytes.
    pub analysed: HashMap<String, walk::Digest>,
}

impl ScanOptions {
    /// A scan of `root` for `targets` against `reference` with every rule, the default walk
    /// (test files kept, one thread per core) and build configuration, no unsafe fixes and
    /// no timing: `abiport scan`'s defaults, for library users and tests.
    pub fn new(root: impl Into<PathBuf>, targets: ArchSet, reference: Arch) -> ScanOptions {
        ScanOptions {
            root: root.into(),
            targets,
            reference,
            rules: rules::RULES.to_vec(),
            walk: WalkOptions::default(),
            build: BuildConfig::default(),
            fixes: FixOptions::default(),
            timing: false,
            import_path: None,
        }
    }
}

/// Run the whole analysis. Never writes anything.
pub fn analyze(opts: &ScanOptions) -> Result<ScanOutput> {
    let start = Instant::now();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.walk.jobs)
        .build()
        .map_err(|e| UserError::new(format!("cannot start worker threads: {e}")))?;
    pool.install(|| analyze_in_pool(opts, start))
}

fn analyze_in_pool(opts: &ScanOptions, start: Instant) -> Result<ScanOutput> {
    let timing = opts.timing;
    let lap = |what: &str| {
        if timing {
            eprintln!(
                "abiport: {what} done at {:.3} s",
                start.elapsed().as_secs_f64()
            );
        }
    };
    let walked = walk::collect(&opts.root, &opts.walk)?;
    lap("walk");
    let mut notes = walked.notes;
    let real_paths: HashMap<String, String> = walked
        .files
        .iter()
        .filter_map(|f| Some((f.rel.clone(), f.real.clone()?)))
        .collect();

    // Pass 1: headers only.
    let firsts: Vec<FirstLook> = walked
        .files
        .par_iter()
        .map(|f| first_look(opts, f))
        .collect();
    let mut files = Vec::new();
    let mut bytes = 0;
    for r in firsts {
        match r {
            Ok((info, problems)) => {
                notes.extend(problems);
                if let Some(info) = info {
                    bytes += info.bytes;
                    files.push(info);
                }
            }
            Err(n) => notes.push(n),
        }
    }
    let file_count = files.len();
    lap("headers");
    let mut index = Index::build(
        &opts.root,
        opts.import_path.as_deref(),
        files,
        opts.reference,
        opts.targets,
    );
    notes.append(&mut index.notes);
    let mut sources = Sources::new(
        &opts.root,
        index.files.iter().map(|f| f.rel.clone()).collect(),
    );
    lap("index");
    // Declarations of packages whose names differ per arch, with the lexer: no parse.
    let varying_files: Vec<FileId> = (0..index.files.len())
        .filter(|&i| index.file_package[i].is_some_and(|p| index.packages[p].varies))
        .collect();
    let decls: Vec<(FileId, Vec<crate::lexer::TopDecl>)> = varying_files
        .par_iter()
        .filter_map(|&id| {
            let src = sources.get(id).ok()?;
            Some((id, crate::lexer::top_level_decls(&src)))
        })
        .collect();
    for (id, d) in decls {
        index.add_decls(id, d);
    }
    index.compute_varying();
    let mut parsed_only_for_types = 0;
    // Pass 2 plan: which rules want which file, from its header and a token scan.
    let candidates: Vec<FileId> = (0..index.files.len())
        .filter(|&i| {
            !index.files[i].arches.is_empty() && opts.rules.iter().any(|r| r.wants(&index, i))
        })
        .collect();
    let planned: Vec<std::result::Result<Option<Planned>, Note>> = candidates
        .par_iter()
        .map(|&id| plan_file(opts, &index, &sources, id))
        .collect();
    let mut plans = Vec::new();
    for r in planned {
        match r {
            Ok(Some(p)) => plans.push(p),
            Ok(None) => {}
            Err(n) => notes.push(n),
        }
    }
    let planned: HashSet<FileId> = plans.iter().map(|p| p.id).collect();
    sources.keep_only(|i| planned.contains(&i));
    lap("plan");
    // Typed declarations (struct fields, signatures) for the rules that infer types: every
    // file of the packages those files sit in or import, when such a package imports
    // syscall or x/sys (`crate::types`). Trees parsed here are reused below: each file is
    // parsed at most once.
    let mut trees: HashMap<FileId, tree_sitter::Tree> = HashMap::new();
    let typed_pkgs = typed_packages(&index, &plans);
    if !typed_pkgs.is_empty() {
        let typed_files: Vec<FileId> = (0..index.files.len())
            .filter(|&i| {
                !index.files[i].arches.is_empty()
                    && index.file_package[i].is_some_and(|p| typed_pkgs.contains(&p))
                    && index.package_imports_abi(i)
            })
            .collect();
        let typed: Vec<(
            FileId,
            Vec<index::decls::TypedItem>,
            Option<tree_sitter::Tree>,
        )> = typed_files
            .par_iter()
            .filter_map(|&id| {
                let src = sources.peek_or_read(id).ok()?;
                let tree = syntax::parse_go(&src)?;
                let items = index::decls::typed_items(&tree, &src);
                let keep = planned.contains(&id).then_some(tree);
                Some((id, items, keep))
            })
            .collect();
        parsed_only_for_types = typed.iter().filter(|t| t.2.is_none()).count();
        for (id, items, tree) in typed {
            index.add_typed(id, items);
            if let Some(t) = tree {
                trees.insert(id, t);
            }
        }
        lap("typed decls");
    }
    let index = index;

    // Pass 2: parse (or reuse the tree of) each planned file and run its rules on it.
    let parsed_files = plans.len() + parsed_only_for_types;
    let jobs: Vec<(Planned, Option<tree_sitter::Tree>)> = plans
        .into_iter()
        .map(|p| {
            let tree = trees.remove(&p.id);
            (p, tree)
        })
        .collect();
    let results: Vec<CheckedFile> = jobs
        .into_par_iter()
        .map(|(p, tree)| check_file(&index, p, tree))
        .collect();
    let mut findings = Vec::new();
    let mut type_gave_up = 0;
    // The files with findings, as parsed and checked: the fix phase reads them.
    let mut kept: HashMap<FileId, Parsed> = HashMap::new();
    for r in results {
        match r {
            Ok((id, f, parsed, gave_up)) => {
                type_gave_up += gave_up;
                if let Some(parsed) = parsed {
                    kept.insert(id, parsed);
                }
                findings.extend(f);
            }
            Err(n) => notes.push(n),
        }
    }
    sources.keep_only(|i| kept.contains_key(&i));
    lap("rules");
    finding::normalize(&mut findings);
    // The fix phase: every rule's fix builder, over the sorted findings.
    let fixes = FixCtx::new(&index, &opts.build, opts.fixes, kept, &sources);
    rules::build_fixes(&opts.rules, &fixes, &mut findings);
    let fixed_files: HashSet<&str> = findings
        .iter()
        .filter_map(|f| Some(f.fix.as_ref()?.file.as_deref().unwrap_or(&f.path)))
        .collect();
    let analysed: HashMap<String, walk::Digest> = sources
        .cached()
        .into_iter()
        .filter(|(rel, _)| fixed_files.contains(rel))
        .map(|(rel, bytes)| {
            let rel = real_paths
                .get(rel)
                .cloned()
                .unwrap_or_else(|| rel.to_string());
            (rel, walk::digest(&bytes))
        })
        .collect();
    drop(fixed_files);
    if !real_paths.is_empty() {
        to_real_paths(&mut findings, &real_paths);
    }
    lap("fixes");
    notes.sort_by(|a, b| a.path.cmp(&b.path).then(a.message.cmp(&b.message)));
    Ok(ScanOutput {
        findings,
        notes,
        stats: Stats {
            files: file_count,
            parsed_files,
            bytes,
            seconds: start.elapsed().as_secs_f64(),
        },
        type_gave_up,
        analysed,
    })
}

/// Packages whose typed declarations the type-inferring rules may need, per planned file's
/// strongest `TypeNeed`: its package and the local packages it imports (`Direct`), or its
/// package and everything it imports, transitively (`Transitive`: a function of one
/// package may return a struct of another).
fn typed_packages(index: &Index, plans: &[Planned]) -> HashSet<index::PkgId> {
    let mut seen: HashSet<index::PkgId> = HashSet::new();
    let mut stack: Vec<index::PkgId> = Vec::new();
    for p in plans {
        let need = p
            .rules
            .iter()
            .map(|r| r.type_need(index, p.id, &p.src))
            .max()
            .unwrap_or(TypeNeed::None);
        let Some(own) = index.file_package[p.id] else {
            continue;
        };
        match need {
            TypeNeed::None => {}
            TypeNeed::Direct => {
                seen.insert(own);
                for (_, target) in index.import_bindings(p.id) {
                    if let Some(Target::Local(dep)) = target {
                        seen.insert(dep);
                    }
                }
            }
            TypeNeed::Transitive => stack.push(own),
        }
    }
    // Transitive needs close over imports; a package seen only directly is still walked
    // when a transitive need reaches it.
    let mut closed: HashSet<index::PkgId> = HashSet::new();
    while let Some(pkg) = stack.pop() {
        if !closed.insert(pkg) {
            continue;
        }
        seen.insert(pkg);
        for &f in &index.packages[pkg].files {
            for (_, target) in index.import_bindings(f) {
                if let Some(Target::Local(dep)) = target {
                    if !closed.contains(&dep) {
                        stack.push(dep);
                    }
                }
            }
        }
    }
    seen
}

/// A file some rule wants, with its source and those rules.
struct Planned {
    id: FileId,
    src: Arc<Vec<u8>>,
    rules: Vec<&'static dyn Rule>,
}

/// Read a candidate and keep the rules that still want it after a token scan.
fn plan_file(
    opts: &ScanOptions,
    index: &Index,
    sources: &Sources,
    id: FileId,
) -> std::result::Result<Option<Planned>, Note> {
    let f = &index.files[id];
    let src = sources.get(id).map_err(|e| Note {
        path: f.rel.clone(),
        message: format!("cannot read: {e}"),
    })?;
    let rules: Vec<&'static dyn Rule> = opts
        .rules
        .iter()
        .copied()
        .filter(|r| r.wants(index, id) && r.wants_source(index, id, &src))
        .collect();
    Ok((!rules.is_empty()).then_some(Planned { id, src, rules }))
}

/// A checked file: its findings, the file as parsed when it has findings (the fix phase
/// reads it; the others are dropped at once, not held until every file is checked), and
/// how often type inference gave up in it.
type CheckedFile = std::result::Result<(FileId, Vec<Finding>, Option<Parsed>, usize), Note>;

/// Parse (unless already parsed) and check one planned file.
fn check_file(index: &Index, plan: Planned, parsed: Option<tree_sitter::Tree>) -> CheckedFile {
    let id = plan.id;
    let src = plan.src;
    let tree = match parsed {
        Some(t) => t,
        None => syntax::parse_go(&src).ok_or_else(|| Note {
            path: index.files[id].rel.clone(),
            message: "tree-sitter could not parse the file".into(),
        })?,
    };
    let bindings = index.import_bindings(id);
    let import_names: HashSet<String> = bindings.iter().map(|(n, _)| n.clone()).collect();
    let refs = index::refs::collect(&tree, &src, &import_names);
    let imports: HashMap<String, Target> = bindings
        .into_iter()
        .filter_map(|(n, t)| Some((n, t?)))
        .collect();
    let (out, gave_up) = {
        let syntax = FileSyntax::new(index, id, &src, &tree, &refs, &imports);
        let cx = FileCtx::new(&syntax);
        let mut out = Vec::new();
        for rule in &plan.rules {
            rule.check(&cx, &mut out);
        }
        (out, syntax.gave_up())
    };
    let parsed = (!out.is_empty()).then_some(Parsed {
        src,
        tree,
        refs,
        imports,
    });
    Ok((id, out, parsed, gave_up))
}

/// A file's first look: its info (none when it is not a Go file the go command accepts) and
/// notes about its constraints; or a note why it could not be read.
type FirstLook = std::result::Result<(Option<FileInfo>, Vec<Note>), Note>;

/// Pass 1 for one file: constraints, package clause and imports.
fn first_look(opts: &ScanOptions, f: &walk::SourceFile) -> FirstLook {
    let src = walk::read_source(f)?;
    let name = f.rel.rsplit('/').next().unwrap_or(&f.rel);
    let h = header::scan(&src);
    let c = constraints::evaluate_header(&opts.build, name, &h);
    let problems: Vec<Note> = c
        .problems
        .iter()
        .map(|p| Note {
            path: f.rel.clone(),
            message: format!("line {}: {}", p.line, p.message),
        })
        .collect();
    let constraint = describe_constraint(name, &h);
    let Some(package) = h.package else {
        let mut problems = problems;
        problems.push(Note {
            path: f.rel.clone(),
            message: "no package clause; skipped".into(),
        });
        return Ok((None, problems));
    };
    let dir = f.rel.rfind('/').map_or("", |i| &f.rel[..i]).to_string();
    let info = FileInfo {
        rel: f.rel.clone(),
        dir,
        package,
        arches: c.arches,
        is_test: c.is_test,
        imports: h.imports,
        import_comment: h.import_comment,
        constraint,
        bytes: src.len() as u64,
    };
    Ok((Some(info), problems))
}

/// The constraint as the author wrote it, for messages: the `//go:build` line, else the
/// `// +build` lines, else a file-name suffix.
pub fn describe_constraint(file_name: &str, h: &header::Header<'_>) -> Option<String> {
    if let Some(text) = constraints::constraint_text(h) {
        return Some(text);
    }
    let stem = file_name.strip_suffix(".go")?.trim_end_matches("_test");
    let parts: Vec<&str> = stem.split('_').collect();
    let n = parts.len();
    let is_arch = |s: &str| Arch::from_name(s).is_some();
    if n >= 3 && is_arch(parts[n - 1]) && parts[n - 2] == "linux" {
        return Some(format!("file name suffix _linux_{}", parts[n - 1]));
    }
    if n >= 2 && is_arch(parts[n - 1]) {
        return Some(format!("file name suffix _{}", parts[n - 1]));
    }
    None
}

/// Report (and fix) files reached through an in-tree symlink at their real path, so a
/// `vendor/` entry linking to `staging/` gives one finding, and a patch `git apply` takes
/// (it refuses paths beyond a symlink). Copies of one finding merge their arches.
fn to_real_paths(findings: &mut Vec<Finding>, real: &HashMap<String, String>) {
    for f in findings.iter_mut() {
        if let Some(r) = real.get(&f.path) {
            if let Some(fix) = &mut f.fix {
                fix.file.get_or_insert_with(|| f.path.clone());
            }
            f.path = r.clone();
        }
        if let Some(fix) = &mut f.fix {
            if let Some(r) = fix.file.as_ref().and_then(|p| real.get(p)) {
                fix.file = Some(r.clone());
            }
            if fix.file.as_deref() == Some(f.path.as_str()) {
                fix.file = None;
            }
        }
    }
    finding::normalize(findings);
}
