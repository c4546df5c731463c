//! `abiport scan`: walk → constraints → parse → index → rules → report.
//!
//! Pass 1 reads every Go file but only looks at its header (build constraints, package,
//! imports). Only files that can matter — files of packages whose declarations differ
//! between the reference arch and a target, and files importing such packages or the
//! syscall packages — get a full tree-sitter parse in pass 2.

use crate::arch::{Arch, ArchSet};
use crate::cli::{ScanArgs, ScanFormat};
use crate::constraints::{self, BuildConfig};
use crate::error::{Outcome, Result, UserError};
use crate::finding::{self, Finding};
use crate::header;
use crate::index::{self, FileId, FileInfo, Index, Target};
use crate::parse;
use crate::report;
use crate::rules::{self, FileCtx, Rule};
use crate::walk::{self, Note, WalkOptions};
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;

pub struct ScanOptions {
    pub root: PathBuf,
    pub targets: ArchSet,
    pub reference: Arch,
    pub rules: Vec<&'static dyn Rule>,
    pub walk: WalkOptions,
    pub build: BuildConfig,
}

pub use crate::report::Stats;

pub struct ScanOutput {
    pub findings: Vec<Finding>,
    pub notes: Vec<Note>,
    pub stats: Stats,
}

impl ScanOptions {
    pub fn from_args(args: &ScanArgs) -> Result<ScanOptions> {
        let targets = ArchSet::parse_list(&args.arch)?;
        if targets.is_empty() {
            return Err(UserError::new("no target architecture given")
                .with_help("use --arch mips64le, a list, or all"));
        }
        let reference: Arch = args.reference.parse()?;
        let rules = match &args.rules {
            None => rules::RULES.to_vec(),
            Some(list) => list
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|id| {
                    rules::by_id(id).ok_or_else(|| {
                        UserError::new(format!("unknown rule `{id}`")).with_help(format!(
                            "rules: {}",
                            rules::ids().collect::<Vec<_>>().join(", ")
                        ))
                    })
                })
                .collect::<Result<Vec<_>>>()?,
        };
        let go_minor = BuildConfig::parse_go_version(&args.go_version)
            .map_err(|e| UserError::new(e).with_help("give a release like 1.22"))?;
        let tags = args
            .tags
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(String::from)
            .collect();
        let jobs = args
            .jobs
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
            .max(1);
        Ok(ScanOptions {
            root: args.path.clone(),
            targets,
            reference,
            rules,
            walk: WalkOptions {
                respect_gitignore: args.respect_gitignore,
                include_tests: !args.no_tests,
                jobs,
            },
            build: BuildConfig {
                cgo: args.cgo,
                go_minor,
                tags,
            },
        })
    }
}

/// A fully parsed file with the shared per-file results rules use.
struct Parsed {
    id: FileId,
    src: Vec<u8>,
    tree: tree_sitter::Tree,
    refs: Vec<index::refs::NameRef>,
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
    let timing = std::env::var_os("ABIPORT_TIMING").is_some();
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
    let mut index = Index::build(&opts.root, files, opts.reference, opts.targets);

    lap("index");
    // Pass 2: parse what some rule wants.
    let wanted: Vec<FileId> = (0..index.files.len())
        .filter(|&i| {
            !index.files[i].arches.is_empty() && opts.rules.iter().any(|r| r.wants(&index, i))
        })
        .collect();
    type ParsedDecls = (
        Parsed,
        Vec<index::decls::TopDecl>,
        Vec<crate::types::decls::TypedItem>,
    );
    let parsed: Vec<std::result::Result<ParsedDecls, Note>> = wanted
        .par_iter()
        .map(|&id| {
            let f = &index.files[id];
            let src = std::fs::read(opts.root.join(&f.rel)).map_err(|e| Note {
                path: f.rel.clone(),
                message: e.to_string(),
            })?;
            let tree = parse::parse_go(&src).ok_or_else(|| Note {
                path: f.rel.clone(),
                message: "tree-sitter could not parse the file".into(),
            })?;
            let import_names: HashSet<String> = f.import_names().map(|(n, _)| n).collect();
            let refs = index::refs::collect(&tree, &src, &import_names);
            let decls = index::decls::top_level(&tree, &src);
            let typed = crate::types::decls::collect(&tree, &src);
            Ok((
                Parsed {
                    id,
                    src,
                    tree,
                    refs,
                },
                decls,
                typed,
            ))
        })
        .collect();
    let mut trees = Vec::with_capacity(parsed.len());
    for r in parsed {
        match r {
            Ok((p, decls, typed)) => {
                index.add_decls(p.id, decls);
                index.add_typed(p.id, typed);
                trees.push(p);
            }
            Err(n) => notes.push(n),
        }
    }
    let parsed_files = trees.len();
    lap("parse");
    // Local packages that varying packages depend on may not be parsed yet: their decls
    // matter only for names they declare, which only their own files provide.
    let index = index;

    let mut findings: Vec<Finding> = trees
        .par_iter()
        .flat_map_iter(|p| {
            let imports = resolved_imports(&index, p.id);
            let cx = FileCtx {
                index: &index,
                file: p.id,
                src: &p.src,
                tree: &p.tree,
                refs: &p.refs,
                imports: &imports,
            };
            let mut out = Vec::new();
            for rule in &opts.rules {
                if rule.wants(&index, p.id) {
                    rule.check(&cx, &mut out);
                }
            }
            out
        })
        .collect();
    lap("rules");
    finding::normalize(&mut findings);
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
    })
}

fn resolved_imports(index: &Index, id: FileId) -> HashMap<String, Target> {
    index.files[id]
        .import_names()
        .filter_map(|(name, imp)| index.resolve_import(id, &imp.path).map(|t| (name, t)))
        .collect()
}

/// A file's first look: its info (none when it is not a Go file the go command accepts) and
/// notes about its constraints; or a note why it could not be read.
type FirstLook = std::result::Result<(Option<FileInfo>, Vec<Note>), Note>;

/// Pass 1 for one file: constraints, package clause and imports.
fn first_look(opts: &ScanOptions, f: &walk::SourceFile) -> FirstLook {
    let src = walk::read_source(f)?;
    let name = f.rel.rsplit('/').next().unwrap_or(&f.rel);
    let c = constraints::evaluate(&opts.build, name, &src);
    let problems: Vec<Note> = c
        .problems
        .iter()
        .map(|p| Note {
            path: f.rel.clone(),
            message: format!("line {}: {}", p.line, p.message),
        })
        .collect();
    let h = header::scan(&src);
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
        constraint: describe_constraint(name, &src),
        bytes: src.len() as u64,
    };
    Ok((Some(info), problems))
}

/// The constraint as the author wrote it, for messages: the `//go:build` line, else the
/// `// +build` lines, else a file-name suffix.
pub fn describe_constraint(file_name: &str, src: &[u8]) -> Option<String> {
    if let Some(text) = constraints::constraint_text(src) {
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

pub fn run(args: &ScanArgs) -> Result<Outcome> {
    let opts = ScanOptions::from_args(args)?;
    if !opts.root.exists() {
        return Err(UserError::new(format!(
            "{}: no such file or directory",
            opts.root.display()
        )));
    }
    let out = analyze(&opts)?;
    let text = render(args.format, &out, &opts.root);
    print!("{text}");
    if args.stats {
        eprintln!(
            "abiport: {} files, {} parsed, {} bytes, {:.3} s",
            out.stats.files, out.stats.parsed_files, out.stats.bytes, out.stats.seconds
        );
        eprintln!(
            "abiport: type inference gave up {} times",
            crate::types::gave_up()
        );
    }
    Ok(if out.findings.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}

fn render(format: ScanFormat, out: &ScanOutput, root: &Path) -> String {
    let rules: Vec<report::RuleInfo> = rules::RULES
        .iter()
        .map(|r| report::RuleInfo {
            id: r.meta().id,
            summary: r.meta().summary,
        })
        .collect();
    let r = report::Report {
        findings: &out.findings,
        notes: &out.notes,
        stats: &out.stats,
        rules: &rules,
        root,
    };
    match format {
        ScanFormat::Human => report::human(&r),
        ScanFormat::Json => report::json(&r),
        ScanFormat::Sarif => report::sarif(&r),
        ScanFormat::Github => report::github(&r),
    }
}
