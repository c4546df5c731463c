//! `abiport verify`: apply a patch set to a temporary copy of the tree, rescan it, and
//! report the patches that do not apply, the findings left and the findings introduced.

use super::scan::{self, ScanArgs};
use crate::arch::ArchSet;
use crate::error::{Outcome, Result, UserError};
use crate::finding::Finding;
use crate::fix::build::{self, BuildReport, BuildRequest, CellVerdict};
use crate::fix::verify::{verify_and_build, Policy, Verdict, DEFAULT_BUDGET};
use clap::Args;
use std::path::PathBuf;

#[derive(Args, Debug, Clone)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub scan: ScanArgs,
    /// Patches, applied in order: diffs relative to PATH (`abiport fix`), or
    /// `fix --format-patch` files (applied in the one directory holding their files); a
    /// directory stands for the `.patch`/`.diff` files below it, sorted (cover letters
    /// left out)
    #[arg(long, required = true, num_args = 1.., value_name = "PATCH")]
    pub patches: Vec<PathBuf>,
    /// Apply binary patches too (refused by default: they cannot be reviewed)
    #[arg(long)]
    pub allow_binary: bool,
    /// Most bytes the patch set may write into the copy (added lines, binary sizes); a
    /// patch that would pass it is not applied
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_BUDGET)]
    pub max_patch_bytes: u64,
    /// Output format (sarif and github carry the patches that do not apply and the
    /// findings left or introduced; the --build matrix is in human and json)
    #[arg(long, value_enum, default_value_t = VerifyFormat::Human)]
    pub format: VerifyFormat,
    /// Also compile the tree before and after the patches with the installed Go, for every
    /// --arch and the --ref arch under each --cgo setting; fail on a package the patches
    /// break or that still fails for a target
    #[arg(long)]
    pub build: bool,
    #[command(flatten)]
    pub console: super::ConsoleArgs,
}

/// `--patches` with each directory replaced by the `.patch` and `.diff` files below it
/// (recursively, sorted by path: `fix --format-patch` series in unit then number order),
/// leaving out cover letters (`0000-cover-letter.patch`, no diff to apply). Symlinks are
/// not followed into other directories.
fn expand_patch_dirs(given: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in given {
        if !p.is_dir() {
            out.push(p.clone());
            continue;
        }
        let mut found = Vec::new();
        let mut stack = vec![p.clone()];
        while let Some(dir) = stack.pop() {
            let entries = std::fs::read_dir(&dir)
                .map_err(|e| UserError::new(format!("{}: {e}", dir.display())))?;
            for e in entries.flatten() {
                let path = e.path();
                let Ok(kind) = e.file_type() else { continue };
                let name = e.file_name().to_string_lossy().into_owned();
                if kind.is_dir() {
                    stack.push(path);
                } else if (name.ends_with(".patch") || name.ends_with(".diff"))
                    && name != "0000-cover-letter.patch"
                {
                    found.push(path);
                }
            }
        }
        if found.is_empty() {
            return Err(UserError::new(format!(
                "{}: no .patch or .diff file below it",
                p.display()
            ))
            .with_help("give patch files, or the directory `fix --format-patch` wrote"));
        }
        found.sort();
        out.extend(found);
    }
    Ok(out)
}

/// `verify --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum VerifyFormat {
    Human,
    Json,
    Sarif,
    /// GitHub Actions workflow annotations
    Github,
}

pub fn run(args: &VerifyArgs) -> Result<Outcome> {
    let mut opts = scan::single_tree_options(&args.scan, "verify")?;
    if !opts.root.is_dir() {
        return Err(UserError::new(format!(
            "{}: no such directory",
            opts.root.display()
        )));
    }
    // The rescanned copy is not where the tree is: keep the import path its place gives.
    if opts.import_path.is_none() {
        opts.import_path = crate::index::location_import_path(&opts.root);
    }
    let policy = Policy {
        allow_binary: args.allow_binary,
        budget: args.max_patch_bytes,
    };
    // The toolchain first: a missing `go` is an error before any work.
    let toolchain = if args.build {
        Some(build::toolchain(
            opts.targets.union(ArchSet::single(opts.reference)).iter(),
        )?)
    } else {
        None
    };
    let request = BuildRequest {
        targets: opts.targets,
        reference: opts.reference,
        configs: opts.configs,
        tags: opts.build.tags.clone(),
        jobs: opts.walk.jobs,
        import_path: opts.import_path.clone(),
    };
    let progress =
        super::progress::Progress::start("verify", "scanning the tree", args.console.quiet);
    opts.progress = progress.hook();
    let patches = expand_patch_dirs(&args.patches)?;
    let mut v = verify_and_build(
        &opts,
        &patches,
        policy,
        toolchain.as_ref().map(|t| (t, &request)),
    )?;
    progress.finish();
    // Paths relative to the current directory, as every output shows them.
    let shown = crate::report::DisplayPaths::from_cwd(&opts.root);
    match args.format {
        VerifyFormat::Sarif => print!("{}", sarif(&v, &opts.root, &shown)),
        VerifyFormat::Github => print!("{}", github(&v, &opts.root, &shown)),
        VerifyFormat::Json | VerifyFormat::Human => {
            // The findings left and introduced are not compared any more: show them.
            for f in v.left.iter_mut().chain(v.introduced.iter_mut()) {
                f.path = shown.show(&f.path).into_owned();
                f.message = shown.text(&f.message).into_owned();
            }
            if args.format == VerifyFormat::Json {
                println!("{}", json(&v));
            } else {
                human(&v, args.console.quiet, args.console.stdout_paint());
                if let Some(b) = &v.build {
                    print!("{}", build_table(b));
                }
            }
        }
    }
    if args.console.quiet {
        return Ok(if v.passed() {
            Outcome::Clean
        } else {
            Outcome::Findings
        });
    }
    eprintln!(
        "abiport: {} of {} {}; {} of {} left, {} introduced",
        v.applied.len(),
        super::counted(patches.len(), "patch", "patches"),
        if patches.len() == 1 {
            "applies"
        } else {
            "apply"
        },
        v.left.len(),
        super::counted(v.before, "finding", "findings"),
        v.introduced.len()
    );
    if let Some(b) = &v.build {
        eprintln!(
            "abiport: build ({}, {}): {} fixed, {} broken, {} still failing, {} broken upstream",
            b.go_version,
            super::counted(b.columns.len(), "column", "columns"),
            b.count(CellVerdict::Fixed),
            b.count(CellVerdict::Broken),
            b.count(CellVerdict::StillFails),
            b.count(CellVerdict::BrokenUpstream),
        );
    }
    Ok(if v.passed() {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}

/// The findings the patched tree still has, left and introduced, in output order, each
/// with which it is.
fn remaining(v: &Verdict) -> (Vec<Finding>, Vec<&'static str>) {
    let mut all: Vec<(Finding, &'static str)> = v
        .left
        .iter()
        .map(|f| (f.clone(), "left"))
        .chain(v.introduced.iter().map(|f| (f.clone(), "introduced")))
        .collect();
    all.sort_by(|a, b| a.0.sort_key().cmp(&b.0.sort_key()));
    all.into_iter().unzip()
}

/// The scan report of what is left, as `render` gives it, with the patches that did not
/// apply as notes.
fn remaining_report(
    v: &Verdict,
    with_patches: bool,
    root: &std::path::Path,
    paths: &crate::report::DisplayPaths,
    render: impl Fn(&crate::report::Report) -> String,
) -> (String, Vec<&'static str>) {
    use crate::report::{Report, RuleInfo, Stats};
    let (findings, kinds) = remaining(v);
    let notes: Vec<crate::walk::Note> = v
        .not_applied
        .iter()
        .filter(|_| with_patches)
        .map(|(p, why)| crate::walk::Note {
            path: p.display().to_string(),
            message: format!("patch does not apply: {why}"),
        })
        .collect();
    let rules: Vec<RuleInfo> = crate::rules::RULES
        .iter()
        .map(|r| RuleInfo {
            id: r.meta().id,
            summary: r.meta().summary,
        })
        .collect();
    let stats = Stats::default();
    let r = Report {
        findings: &findings,
        notes: &notes,
        stats: &stats,
        rules: &rules,
        root,
        configs: crate::constraints::CgoSet::BOTH,
        baseline: None,
        paths: paths.clone(),
    };
    (render(&r), kinds)
}

/// SARIF 2.1.0: the findings left and introduced (`properties.verify`), and each patch
/// that does not apply as an `error` notification (the run then did not succeed).
pub fn sarif(v: &Verdict, root: &std::path::Path, paths: &crate::report::DisplayPaths) -> String {
    let (text, kinds) = remaining_report(v, true, root, paths, crate::report::sarif);
    let Ok(mut doc) = serde_json::from_str::<serde_json::Value>(&text) else {
        return text;
    };
    let run = &mut doc["runs"][0];
    if let Some(results) = run["results"].as_array_mut() {
        for (result, kind) in results.iter_mut().zip(kinds) {
            result["properties"]["verify"] = serde_json::json!(kind);
        }
    }
    let invocation = &mut run["invocations"][0];
    if let Some(notes) = invocation["toolExecutionNotifications"].as_array_mut() {
        for n in notes.iter_mut() {
            n["level"] = serde_json::json!("error");
        }
    }
    invocation["executionSuccessful"] = serde_json::json!(v.not_applied.is_empty());
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// GitHub annotations: `::error` on each patch that does not apply, then one annotation
/// per finding left or introduced (its title says which).
pub fn github(v: &Verdict, root: &std::path::Path, paths: &crate::report::DisplayPaths) -> String {
    use crate::report::{escape_data, escape_property};
    let mut out = String::new();
    for (p, why) in &v.not_applied {
        out.push_str(&format!(
            "::error file={},title={}::{}\n",
            escape_property(&p.display().to_string()),
            escape_property("abiport verify: patch does not apply"),
            escape_data(why)
        ));
    }
    let (text, kinds) = remaining_report(v, false, root, paths, crate::report::github);
    for (line, kind) in text.lines().zip(kinds) {
        // `title=abiport RULE` → `title=abiport RULE (left|introduced by the patches)`.
        let line = match line.find(",title=abiport ") {
            Some(at) => {
                let end = line[at..].find("::").map_or(line.len(), |e| at + e);
                let note = if kind == "left" {
                    " (left after the patches)"
                } else {
                    " (introduced by the patches)"
                };
                format!("{}{}{}", &line[..end], escape_property(note), &line[end..])
            }
            None => line.to_string(),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// `{"version":1,"passed","applied":[…],"not_applied":[{"patch","reason"}],"left":[…],
/// "introduced":[…],"before"}`, findings as `{"rule","path","line","column","arches","message"}`.
/// With `--build`, also `"build"`: see [`build_json`].
pub fn json(v: &Verdict) -> String {
    let finding = |f: &Finding| {
        serde_json::json!({
            "rule": f.rule,
            "path": f.path,
            "line": f.span.line,
            "column": f.span.column,
            "arches": f.arches.names(),
            "message": crate::finding::uncited(&f.message),
        })
    };
    let doc = serde_json::json!({
        "version": 1,
        "passed": v.passed(),
        "applied": v.applied.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
        "not_applied": v.not_applied.iter().map(|(p, why)| serde_json::json!({
            "patch": p.display().to_string(),
            "reason": why,
        })).collect::<Vec<_>>(),
        "left": v.left.iter().map(finding).collect::<Vec<_>>(),
        "introduced": v.introduced.iter().map(finding).collect::<Vec<_>>(),
        "before": v.before,
    });
    let mut doc = doc;
    if let Some(b) = &v.build {
        doc["build"] = build_json(b);
    }
    serde_json::to_string_pretty(&doc).unwrap_or_default()
}

/// `{"passed","go","mode":"module"|"gopath","columns":[{"arch","cgo"}],
/// "skipped":[{"arch","cgo","reason"}],"notes":[…],"packages":[{"package","import_path",
/// "cells":[{"arch","cgo","before","after","verdict","errors"}]}]}`: one cell per column,
/// `before`/`after` one of `ok`, `fail`, `dep` (a dependency fails), `none` (no package for
/// that arch); `verdict` one of `ok`, `fixed`, `broken`, `still-fails` (both fatal),
/// `broken-upstream`; `errors` the compiler's first lines after (before, when it builds
/// after), or for a `dep`, `dependency`: the failing dependency (or go's load error about
/// it). A tree that does not load at all (`go list` fails: inconsistent vendoring) is one
/// row, `"package": "(go list)"`.
pub fn build_json(b: &BuildReport) -> serde_json::Value {
    use build::Status;
    let word = |s: &Status| match s {
        Status::Ok => "ok",
        Status::Fail(_) => "fail",
        Status::Dep(_) => "dep",
        Status::None => "none",
    };
    let packages: Vec<_> = b
        .rows
        .iter()
        .map(|r| {
            let cells: Vec<_> = r
                .cells
                .iter()
                .zip(&b.columns)
                .map(|(c, col)| {
                    let shown = if c.after.fails() { &c.after } else { &c.before };
                    let mut cell = serde_json::json!({
                        "arch": col.arch.name(),
                        "cgo": col.cgo.name(),
                        "before": word(&c.before),
                        "after": word(&c.after),
                        "verdict": c.verdict.name(),
                    });
                    match shown {
                        Status::Fail(lines) => cell["errors"] = serde_json::json!(lines),
                        Status::Dep(d) => cell["dependency"] = serde_json::json!(d),
                        _ => {}
                    }
                    cell
                })
                .collect();
            serde_json::json!({
                "package": r.package,
                "import_path": r.import_path,
                "cells": cells,
            })
        })
        .collect();
    serde_json::json!({
        "passed": b.passed(),
        "go": b.go_version,
        "mode": b.mode,
        "columns": b.columns.iter().map(|c| serde_json::json!({
            "arch": c.arch.name(),
            "cgo": c.cgo.name(),
        })).collect::<Vec<_>>(),
        "skipped": b.skipped.iter().map(|(a, c, why)| serde_json::json!({
            "arch": a.name(),
            "cgo": c.name(),
            "reason": why,
        })).collect::<Vec<_>>(),
        "notes": b.notes,
        "packages": packages,
    })
}

/// The arch × package matrix: rows of packages that did not build before and after in every
/// column (the rest are counted), then why each fatal or upstream-broken cell failed.
pub fn build_table(b: &BuildReport) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "build ({}, {} mode): before→after the patches",
        b.go_version, b.mode
    );
    let shown: Vec<_> = b
        .rows
        .iter()
        .filter(|r| r.cells.iter().any(|c| c.text() != "ok"))
        .collect();
    let width = |s: &str| s.chars().count();
    let first = shown
        .iter()
        .map(|r| width(&r.package))
        .chain([width("package")])
        .max()
        .unwrap_or(0);
    let labels: Vec<String> = b.columns.iter().map(build::Column::label).collect();
    let widths: Vec<usize> = labels
        .iter()
        .enumerate()
        .map(|(i, l)| {
            shown
                .iter()
                .map(|r| width(&r.cells[i].text()))
                .chain([width(l)])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |out: &mut String, first_cell: &str, cells: Vec<String>| {
        let mut l = format!("{first_cell}{}", " ".repeat(first - width(first_cell)));
        for (c, w) in cells.iter().zip(&widths) {
            let _ = write!(l, "  {c}{}", " ".repeat(w - width(c)));
        }
        let _ = writeln!(out, "{}", l.trim_end());
    };
    if !shown.is_empty() {
        line(&mut out, "package", labels.clone());
        for r in &shown {
            line(
                &mut out,
                &r.package,
                r.cells.iter().map(|c| c.text()).collect(),
            );
        }
    }
    let quiet = b.rows.len() - shown.len();
    if quiet > 0 {
        let _ = writeln!(
            out,
            "{} build before and after for {}",
            super::counted(quiet, "package", "packages"),
            labels.join(", ")
        );
    }
    // One message per package and verdict, naming its columns; the first one's errors.
    // Packages broken upstream only through a dependency are counted: the dependency's
    // own row says why.
    let mut upstream_dependents = 0;
    for r in &b.rows {
        for verdict in [
            CellVerdict::Broken,
            CellVerdict::StillFails,
            CellVerdict::BrokenUpstream,
        ] {
            let cells: Vec<_> = r
                .cells
                .iter()
                .zip(&b.columns)
                .filter(|(c, _)| c.verdict == verdict)
                .collect();
            let Some((first_cell, _)) = cells.first() else {
                continue;
            };
            if verdict == CellVerdict::BrokenUpstream
                && cells
                    .iter()
                    .all(|(c, _)| matches!(c.after, build::Status::Dep(_)))
            {
                upstream_dependents += 1;
                continue;
            }
            let on = cells
                .iter()
                .map(|(_, col)| format!("{} ({})", col.arch.name(), col.cgo.name()))
                .collect::<Vec<_>>()
                .join(", ");
            let p = &r.package;
            let _ = match verdict {
                CellVerdict::Broken => {
                    writeln!(
                        out,
                        "error: {p} fails for {on} after the patches; it built before"
                    )
                }
                CellVerdict::StillFails => writeln!(
                    out,
                    "error: {p} still fails for {on} after the patches (it did not fail for {} before)",
                    b.reference.name()
                ),
                _ => writeln!(
                    out,
                    "note: {p} fails for {on} before and after the patches, and for {} before: \
                     broken upstream, not counted",
                    b.reference.name()
                ),
            };
            match &first_cell.after {
                build::Status::Fail(lines) => {
                    for l in lines {
                        let _ = writeln!(out, "  {l}");
                    }
                }
                build::Status::Dep(d) => {
                    let _ = writeln!(out, "  a dependency fails: {d}");
                }
                _ => {}
            }
        }
    }
    if upstream_dependents > 0 {
        let _ = writeln!(
            out,
            "note: {} only because a dependency broken upstream does",
            if upstream_dependents == 1 {
                "1 more package fails".to_string()
            } else {
                format!("{upstream_dependents} more packages fail")
            }
        );
    }
    for (arch, cgo, why) in &b.skipped {
        let _ = writeln!(
            out,
            "note: {} not built for {}: {why}",
            cgo.name(),
            arch.name()
        );
    }
    for n in &b.notes {
        let _ = writeln!(out, "note: {n}");
    }
    out
}

/// With `quiet`, only what fails: the patches that do not apply, the findings left and
/// introduced.
fn human(v: &Verdict, quiet: bool, paint: super::Paint) {
    for p in v.applied.iter().filter(|_| !quiet) {
        println!("{} {}", paint.green("applies:"), p.display());
    }
    for (p, why) in &v.not_applied {
        println!("{} {}: {why}", paint.red("does not apply:"), p.display());
    }
    let line = |f: &Finding| {
        format!(
            "{}:{}:{}: {} [{}] ({})",
            f.path,
            f.span.line,
            f.span.column,
            crate::finding::uncited(&f.message),
            f.rule,
            f.arches
        )
    };
    for f in &v.left {
        println!("{} {}", paint.red("left:"), line(f));
    }
    for f in &v.introduced {
        println!("{} {}", paint.red("introduced:"), line(f));
    }
}
