//! `abiport fix`: print the fixes as one unified diff, apply them (`--apply`), or write one
//! `git am` patch per upstream unit (`--format-patch DIR`).

use super::scan::{self, ScanArgs};
use crate::error::{Outcome, Result, UserError};
use crate::finding::Finding;
use crate::fix::changes::{diff_paths, fix_in_memory, stale, Fixed};
use crate::fix::series::{write_series, SeriesOptions};
use crate::fix::{apply, patch};
use crate::report::{escape_controls, DisplayPaths};
use crate::scan::analyze;
use crate::walk::Note;
use clap::Args;
use serde::Serialize;
use std::borrow::Cow;
use std::fmt::Write as _;
use std::path::PathBuf;

/// Exit codes, as `--help` shows them (README "Exit codes").
pub const FIX_EXIT_CODES: &str = "\
Exit codes:
  0  no diff and no finding; with --apply, every finding was covered by a fix written;
     with --format-patch, the patches were written
  1  a diff was printed (without --apply), findings remain that no fix covers (no fix,
     an unsafe fix without --unsafe-fixes, a dropped fix; not with --format-patch), or
     inputs could not be read
  2  usage error, a file changed since it was scanned, a write refused, or another error";

#[derive(Args, Debug, Clone)]
#[command(after_help = FIX_EXIT_CODES)]
pub struct FixArgs {
    #[command(flatten)]
    pub scan: ScanArgs,
    /// Write the fixes into the files (atomically, only inside the tree)
    #[arg(long)]
    pub apply: bool,
    /// Write a patch series per upstream unit into DIR (`DIR/<unit>/0000-cover-letter.patch`,
    /// `0001-….patch`); DIR must be empty unless --force
    #[arg(long, value_name = "DIR", conflicts_with = "apply")]
    pub format_patch: Option<PathBuf>,
    /// Output format: the diff (or what was written), or one JSON document
    #[arg(long, value_enum, default_value_t = FixFormat::Human)]
    pub format: FixFormat,
    /// With --format-patch: add `Signed-off-by:` with the author (DCO)
    #[arg(long, requires = "format_patch")]
    pub signoff: bool,
    /// With --format-patch: write into a non-empty DIR, first removing the patches an
    /// earlier run wrote there (other files are kept)
    #[arg(long, requires = "format_patch")]
    pub force: bool,
    /// Also apply fixes marked unsafe
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Author of `--format-patch` patches, `Name <email>` (default: git's
    /// GIT_AUTHOR_NAME/EMAIL or user.name/user.email, else `abiport <abiport@localhost>`)
    #[arg(long, value_name = "NAME <EMAIL>", requires = "format_patch")]
    pub author: Option<String>,
    #[command(flatten)]
    pub console: super::ConsoleArgs,
}

/// `fix --format`: what `fix` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum FixFormat {
    /// The unified diff (with --apply, the fixes written; with --format-patch, the files)
    Human,
    /// One document: the diff, the changed files and the dropped fixes
    Json,
}

pub fn run(args: &FixArgs) -> Result<Outcome> {
    let mut opts = scan::single_tree_options(&args.scan, "fix")?;
    opts.fixes.unsafe_fixes = args.unsafe_fixes;
    if !opts.root.exists() {
        return Err(UserError::new(format!(
            "{}: no such file or directory",
            opts.root.display()
        )));
    }
    let progress = super::progress::Progress::start("fix", "walking the tree", args.console.quiet);
    opts.progress = progress.hook();
    let mut out = analyze(&opts)?;
    // Gone before anything is printed on stderr.
    progress.finish();
    // Paths as every output shows them (relative to the current directory); the diff's
    // relative to the git work tree's top, so `git apply` takes it anywhere in the repo.
    let shown = DisplayPaths::from_cwd(&opts.root);
    let (diff_at, diff_note) = diff_paths(&opts.root);
    // `fix` prints no other notes; inputs it could not read are errors (the fixes may be
    // incomplete) unless --ignore-unreadable.
    let ignore = args.scan.ignore_unreadable;
    let quiet = args.console.quiet;
    for n in out
        .notes
        .iter()
        .filter(|n| n.is_unreadable() && !(ignore && quiet))
    {
        eprintln!(
            "abiport: {}: {}: {}",
            if ignore { "note" } else { "error" },
            escape_controls(&shown.show(&n.path)),
            escape_controls(&n.message)
        );
    }
    let unread = scan::unreadable_inputs(&mut out.notes, ignore);
    scan::unreadable_summary(&unread, &opts.root);
    let fixed = fix_in_memory(&opts.root, &out.findings, args.unsafe_fixes);
    // Exit 1 while inputs could not be read or findings remain that no fix made here
    // covers (like ruff): 0 only when the tree is clean once the fixes are in.
    let uncovered = uncovered(&fixed, &out.findings);
    let at_least = |o: Outcome| {
        if unread.fails() || uncovered > 0 {
            Outcome::Findings
        } else {
            o
        }
    };
    for d in &fixed.plan.dropped {
        eprintln!(
            "abiport: {}: fix not applied ({}): {}",
            shown.show(&d.path),
            d.reason,
            shown.text(&d.title)
        );
    }
    // The fixes were computed from the bytes the scan analysed: when a file changed since
    // (before fix_in_memory read it again), no diff, patch or write is made of them.
    let stale = stale(&fixed, &out.analysed);
    if !stale.is_empty() {
        let stale: Vec<_> = stale.iter().map(|p| shown.show(p)).collect();
        return Err(UserError::new(format!(
            "{}: changed since it was scanned; nothing written",
            stale.join(", ")
        ))
        .with_help("run `abiport fix` again on the tree as it is now"));
    }
    let summary = summary(&fixed, &out.findings);
    let json = args.format == FixFormat::Json;
    if let Some(dir) = &args.format_patch {
        let author = match &args.author {
            Some(a) => patch::Author::parse(a).map_err(|e| {
                UserError::new(format!("--author: {e}"))
                    .with_help("e.g. --author 'Jane Doe <jane@example.org>'")
            })?,
            None => patch::Author::from_git(&opts.root),
        };
        let series = write_series(
            &opts.root,
            dir,
            &author,
            &fixed,
            &out.findings,
            &SeriesOptions {
                signoff: args.signoff,
                force: args.force,
            },
        )?;
        let written: Vec<PathBuf> = series
            .iter()
            .flat_map(|s| std::iter::once(s.cover.clone()).chain(s.patches.iter().cloned()))
            .collect();
        if json {
            print_json(
                &fixed,
                &out.findings,
                &out.notes,
                "format-patch",
                &written,
                &shown,
                &diff_at,
            );
        } else {
            for p in &written {
                println!("{}", p.display());
            }
        }
        for s in series.iter().filter(|_| !quiet) {
            let (upstream, here) = s.git_am(diff_at.prefix());
            eprintln!(
                "abiport: {}: {} and a cover letter",
                escape_controls(&s.name),
                count(s.patches.len(), "patch", "patches")
            );
            eprintln!("  upstream:  {}", escape_controls(&upstream));
            if let Some(here) = here {
                eprintln!("  this tree: {}", escape_controls(&here));
            }
        }
        if !quiet {
            eprintln!(
                "abiport: {summary}; {} in {}",
                count(series.len(), "series", "series"),
                dir.display()
            );
        }
        // Patches are written for review, not applied: what they leave is not judged here.
        return Ok(if unread.fails() {
            Outcome::Findings
        } else {
            Outcome::Clean
        });
    }
    if args.apply {
        apply::test_pause("before-write");
        // Refused writes are errors; the fixes of files out of the tree were never made.
        let mut failed: Vec<String> = fixed
            .outside
            .iter()
            .map(|p| {
                format!(
                    "{}: leads out of the scanned tree; not written",
                    shown.show(p)
                )
            })
            .collect();
        for c in &fixed.changes {
            let expected = crate::walk::digest(c.old.as_bytes());
            match apply::write_checked(&opts.root, &c.path, &expected, c.new.as_bytes()) {
                Ok(()) => {
                    if !json && !quiet {
                        for t in &fixed.plan.files[&c.path].titles {
                            println!("fixed {}: {}", shown.show(&c.path), shown.text(t));
                        }
                    }
                }
                // The message starts with the root-relative path: shown as every path is.
                Err(e) => failed.push(match e.strip_prefix(&format!("{}: ", c.path)) {
                    Some(rest) => format!("{}: {rest}", shown.show(&c.path)),
                    None => e,
                }),
            }
        }
        if json {
            print_json(
                &fixed,
                &out.findings,
                &out.notes,
                "apply",
                &[],
                &shown,
                &diff_at,
            );
        }
        if !quiet {
            eprintln!("abiport: {summary}");
        }
        if !failed.is_empty() {
            return Err(UserError::new(failed.join("; "))
                .with_help("the other files were written; nothing was written through a symlink out of the tree"));
        }
        return Ok(at_least(Outcome::Clean));
    }
    let diff = fixed.diff_at(&diff_at);
    if let Some(note) = diff_note.filter(|_| !diff.is_empty() && !quiet) {
        eprintln!("abiport: note: {note}");
    }
    if json {
        print_json(
            &fixed,
            &out.findings,
            &out.notes,
            "diff",
            &[],
            &shown,
            &diff_at,
        );
    } else {
        print!("{}", args.console.stdout_paint().diff(&diff));
    }
    if !quiet {
        eprintln!("abiport: {summary}");
    }
    Ok(at_least(if diff.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Findings
    }))
}

#[derive(Serialize)]
struct JsonFix<'a> {
    /// What was done: `diff` (nothing written), `apply` or `format-patch`.
    mode: &'a str,
    /// The unified diff of every change, as `fix` prints it.
    diff: String,
    files: Vec<JsonFile<'a>>,
    dropped: Vec<JsonDropped<'a>>,
    patches: Vec<String>,
    findings: usize,
    resolved: usize,
    hidden_unsafe: usize,
    without_fix: usize,
    /// Inputs that could not be read (an error: the run is incomplete); absent when none
    /// or with --ignore-unreadable.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    unreadable: Vec<JsonUnreadable<'a>>,
}

#[derive(Serialize)]
struct JsonUnreadable<'a> {
    path: Cow<'a, str>,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonFile<'a> {
    path: Cow<'a, str>,
    fixes: Vec<Cow<'a, str>>,
    arches: Vec<&'static str>,
    resolves: Vec<JsonResolved<'a>>,
}

#[derive(Serialize)]
struct JsonResolved<'a> {
    rule: &'a str,
    path: Cow<'a, str>,
    line: usize,
    column: usize,
    message: Cow<'a, str>,
}

#[derive(Serialize)]
struct JsonDropped<'a> {
    path: Cow<'a, str>,
    title: Cow<'a, str>,
    reason: &'a str,
}

/// `--format json`: the plan and its result as one document on stdout.
fn print_json(
    fixed: &Fixed,
    findings: &[Finding],
    notes: &[Note],
    mode: &str,
    patches: &[PathBuf],
    shown: &DisplayPaths,
    diff_at: &DisplayPaths,
) {
    let changed: Vec<&str> = fixed.changes.iter().map(|c| c.path.as_str()).collect();
    let files = fixed
        .plan
        .files
        .iter()
        .filter(|(p, _)| changed.contains(&p.as_str()))
        .map(|(path, ff)| JsonFile {
            path: shown.show(path),
            fixes: ff.titles.iter().map(|t| shown.text(t)).collect(),
            arches: ff.arches.iter().map(|a| a.name()).collect(),
            resolves: ff
                .findings
                .iter()
                .map(|&i| {
                    let f = &findings[i];
                    JsonResolved {
                        rule: f.rule,
                        path: shown.show(&f.path),
                        line: f.span.line,
                        column: f.span.column,
                        message: shown.text(&f.message),
                    }
                })
                .collect(),
        })
        .collect();
    let doc = JsonFix {
        mode,
        diff: fixed.diff_at(diff_at),
        files,
        dropped: fixed
            .plan
            .dropped
            .iter()
            .map(|d| JsonDropped {
                path: shown.show(&d.path),
                title: shown.text(&d.title),
                reason: &d.reason,
            })
            .collect(),
        patches: patches.iter().map(|p| p.display().to_string()).collect(),
        findings: findings.len(),
        resolved: fixed.plan.files.values().map(|f| f.findings.len()).sum(),
        hidden_unsafe: fixed.plan.hidden_unsafe,
        without_fix: findings.iter().filter(|f| f.fix.is_none()).count(),
        unreadable: notes
            .iter()
            .filter(|n| n.is_unreadable())
            .map(|n| JsonUnreadable {
                path: shown.show(&n.path),
                message: &n.message,
            })
            .collect(),
    };
    match serde_json::to_string_pretty(&doc) {
        Ok(s) => println!("{s}"),
        Err(e) => eprintln!("abiport: cannot write JSON: {e}"),
    }
}

/// Findings no fix of the plan resolves (no fix, only an unsafe one not asked for, or a
/// dropped one).
fn uncovered(fixed: &Fixed, findings: &[Finding]) -> usize {
    let covered: std::collections::HashSet<usize> = fixed
        .plan
        .files
        .values()
        .flat_map(|f| f.findings.iter().copied())
        .collect();
    (0..findings.len()).filter(|i| !covered.contains(i)).count()
}

/// `n` and the noun in the number it needs: "1 fix", "5 fixes".
pub(crate) fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "5 fixes in 3 files for 7 of 9 findings; …".
fn summary(fixed: &Fixed, findings: &[Finding]) -> String {
    let resolved: usize = fixed.plan.files.values().map(|f| f.findings.len()).sum();
    let mut s = format!(
        "{} in {} for {resolved} of {}",
        count(fixed.plan.fix_count(), "fix", "fixes"),
        count(fixed.changes.len(), "file", "files"),
        count(findings.len(), "finding", "findings")
    );
    if fixed.plan.hidden_unsafe > 0 {
        let n = fixed.plan.hidden_unsafe;
        let _ = write!(
            s,
            "; {} only unsafe fixes (--unsafe-fixes)",
            count(n, "finding has", "findings have")
        );
    }
    if !fixed.plan.dropped.is_empty() {
        let n = fixed.plan.dropped.len();
        let _ = write!(s, "; {} dropped", count(n, "fix", "fixes"));
    }
    let without = findings.iter().filter(|f| f.fix.is_none()).count();
    if without > 0 {
        let _ = write!(
            s,
            "; {} without an automatic fix",
            count(without, "finding", "findings")
        );
    }
    s
}
