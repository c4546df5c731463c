//! `abiport fix`: print the fixes as one unified diff, apply them (`--apply`), or write one
//! `git am` patch per upstream unit (`--format-patch DIR`).

use super::plan::{self, Dropped, Plan};
use super::{apply, patch};
use crate::cli::{FixArgs, ScanFormat};
use crate::edit;
use crate::error::{Outcome, Result, UserError};
use crate::finding::Finding;
use crate::scan::{analyze, ScanOptions};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// One file's content before and after its fixes.
#[derive(Debug, Clone)]
pub struct Change {
    /// Root-relative, `/` separated.
    pub path: String,
    pub old: String,
    pub new: String,
}

/// The fixes of a scan, applied in memory.
#[derive(Debug, Default)]
pub struct Fixed {
    pub plan: Plan,
    pub changes: Vec<Change>,
}

impl Fixed {
    /// Every change as one diff `git apply` accepts at the root; "" when nothing changes.
    pub fn diff(&self) -> String {
        self.changes
            .iter()
            .map(|c| patch::file_diff(&c.path, &c.old, &c.new))
            .collect()
    }
}

/// Plan the findings' fixes and apply them in memory. A file whose fixed text does not
/// parse where it parsed before loses its fixes (reported in `plan.dropped`).
pub fn fix_in_memory(root: &Path, findings: &[Finding], unsafe_fixes: bool) -> Fixed {
    let mut plan = plan::plan(findings, unsafe_fixes);
    let mut changes = Vec::new();
    let mut bad: Vec<(String, String)> = Vec::new();
    for (path, ff) in &plan.files {
        let result = std::fs::read(root.join(path))
            .map_err(|e| format!("cannot read: {e}"))
            .and_then(|src| {
                let old = String::from_utf8(src).map_err(|_| "not UTF-8".to_string())?;
                let new = edit::apply(old.as_bytes(), &ff.edits)?;
                let new = String::from_utf8(new).map_err(|_| "result is not UTF-8".to_string())?;
                let new = if path.ends_with(".go") {
                    edit::align::realign(&new, &ff.edits)
                } else {
                    new
                };
                if path.ends_with(".go") && breaks_parse(&old, &new) {
                    return Err("the fixed file no longer parses".into());
                }
                Ok((old, new))
            });
        match result {
            Ok((old, new)) if old != new => changes.push(Change {
                path: path.clone(),
                old,
                new,
            }),
            Ok(_) => {}
            Err(why) => bad.push((path.clone(), why)),
        }
    }
    for (path, why) in bad {
        if let Some(ff) = plan.files.remove(&path) {
            for title in ff.titles {
                plan.dropped.push(Dropped {
                    path: path.clone(),
                    title,
                    reason: why.clone(),
                });
            }
        }
    }
    Fixed { plan, changes }
}

fn breaks_parse(old: &str, new: &str) -> bool {
    let errs =
        |s: &str| crate::parse::parse_go(s.as_bytes()).is_none_or(|t| t.root_node().has_error());
    errs(new) && !errs(old)
}

pub fn run(args: &FixArgs) -> Result<Outcome> {
    let mut opts = ScanOptions::from_args(&args.scan)?;
    opts.unsafe_fixes = args.unsafe_fixes;
    if !opts.root.exists() {
        return Err(UserError::new(format!(
            "{}: no such file or directory",
            opts.root.display()
        )));
    }
    let out = analyze(&opts)?;
    let fixed = fix_in_memory(&opts.root, &out.findings, args.unsafe_fixes);
    for d in &fixed.plan.dropped {
        eprintln!(
            "abiport: {}: fix not applied ({}): {}",
            d.path, d.reason, d.title
        );
    }
    let summary = summary(&fixed, &out.findings);
    let json = match args.scan.format {
        ScanFormat::Human => false,
        ScanFormat::Json => true,
        other => {
            return Err(UserError::new(format!(
                "`fix` has no {} output",
                format!("{other:?}").to_lowercase()
            ))
            .with_help("use --format human (a diff) or --format json"))
        }
    };
    if let Some(dir) = &args.format_patch {
        let author = match &args.author {
            Some(a) => patch::Author::parse(a).map_err(|e| {
                UserError::new(format!("--author: {e}"))
                    .with_help("e.g. --author 'Jane Doe <jane@example.org>'")
            })?,
            None => patch::Author::from_git(&opts.root),
        };
        let written = write_patches(&opts.root, dir, &author, &fixed, &out.findings)?;
        if json {
            print_json(&fixed, &out.findings, "format-patch", &written);
        } else {
            for p in &written {
                println!("{}", p.display());
            }
        }
        eprintln!(
            "abiport: {summary}; {} patch file(s) in {}",
            written.len(),
            dir.display()
        );
        return Ok(Outcome::Clean);
    }
    if args.apply {
        let mut failed = Vec::new();
        for c in &fixed.changes {
            match apply::write_atomic(&opts.root, &c.path, c.new.as_bytes()) {
                Ok(()) => {
                    if !json {
                        for t in &fixed.plan.files[&c.path].titles {
                            println!("fixed {}: {t}", c.path);
                        }
                    }
                }
                Err(e) => failed.push(e),
            }
        }
        if json {
            print_json(&fixed, &out.findings, "apply", &[]);
        }
        eprintln!("abiport: {summary}");
        if !failed.is_empty() {
            return Err(UserError::new(failed.join("; "))
                .with_help("the other files were written; nothing was written through a symlink out of the tree"));
        }
        return Ok(Outcome::Clean);
    }
    let diff = fixed.diff();
    if json {
        print_json(&fixed, &out.findings, "diff", &[]);
    } else {
        print!("{diff}");
    }
    eprintln!("abiport: {summary}");
    Ok(if diff.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
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
}

#[derive(Serialize)]
struct JsonFile<'a> {
    path: &'a str,
    fixes: &'a [String],
    arches: Vec<&'static str>,
    resolves: Vec<JsonResolved<'a>>,
}

#[derive(Serialize)]
struct JsonResolved<'a> {
    rule: &'a str,
    path: &'a str,
    line: usize,
    column: usize,
    message: &'a str,
}

#[derive(Serialize)]
struct JsonDropped<'a> {
    path: &'a str,
    title: &'a str,
    reason: &'a str,
}

/// `--format json`: the plan and its result as one document on stdout.
fn print_json(fixed: &Fixed, findings: &[Finding], mode: &str, patches: &[PathBuf]) {
    let changed: Vec<&str> = fixed.changes.iter().map(|c| c.path.as_str()).collect();
    let files = fixed
        .plan
        .files
        .iter()
        .filter(|(p, _)| changed.contains(&p.as_str()))
        .map(|(path, ff)| JsonFile {
            path,
            fixes: &ff.titles,
            arches: ff.arches.iter().map(|a| a.name()).collect(),
            resolves: ff
                .findings
                .iter()
                .map(|&i| {
                    let f = &findings[i];
                    JsonResolved {
                        rule: f.rule,
                        path: &f.path,
                        line: f.span.line,
                        column: f.span.column,
                        message: &f.message,
                    }
                })
                .collect(),
        })
        .collect();
    let doc = JsonFix {
        mode,
        diff: fixed.diff(),
        files,
        dropped: fixed
            .plan
            .dropped
            .iter()
            .map(|d| JsonDropped {
                path: &d.path,
                title: &d.title,
                reason: &d.reason,
            })
            .collect(),
        patches: patches.iter().map(|p| p.display().to_string()).collect(),
        findings: findings.len(),
        resolved: fixed.plan.files.values().map(|f| f.findings.len()).sum(),
        hidden_unsafe: fixed.plan.hidden_unsafe,
        without_fix: findings.iter().filter(|f| f.fix.is_none()).count(),
    };
    match serde_json::to_string_pretty(&doc) {
        Ok(s) => println!("{s}"),
        Err(e) => eprintln!("abiport: cannot write JSON: {e}"),
    }
}

fn summary(fixed: &Fixed, findings: &[Finding]) -> String {
    let resolved: usize = fixed.plan.files.values().map(|f| f.findings.len()).sum();
    let mut s = format!(
        "{} fix(es) in {} file(s) for {resolved} of {} finding(s)",
        fixed.plan.fix_count(),
        fixed.changes.len(),
        findings.len()
    );
    if fixed.plan.hidden_unsafe > 0 {
        let _ = write!(
            s,
            "; {} finding(s) have only unsafe fixes (--unsafe-fixes)",
            fixed.plan.hidden_unsafe
        );
    }
    if !fixed.plan.dropped.is_empty() {
        let _ = write!(s, "; {} fix(es) dropped", fixed.plan.dropped.len());
    }
    let without = findings.iter().filter(|f| f.fix.is_none()).count();
    if without > 0 {
        let _ = write!(s, "; {without} finding(s) without an automatic fix");
    }
    s
}

/// Write one mbox patch per upstream unit into `dir`; returns the files written.
pub fn write_patches(
    root: &Path,
    dir: &Path,
    author: &patch::Author,
    fixed: &Fixed,
    findings: &[Finding],
) -> Result<Vec<std::path::PathBuf>> {
    let io = |e: std::io::Error| UserError::new(format!("{}: {e}", dir.display()));
    std::fs::create_dir_all(dir).map_err(io)?;
    let mut units: BTreeMap<patch::Unit, Vec<&Change>> = BTreeMap::new();
    for c in &fixed.changes {
        units
            .entry(patch::unit_of(root, &c.path))
            .or_default()
            .push(c);
    }
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64)
        });
    let date = patch::rfc2822(secs);
    let mut written = Vec::new();
    for (n, (unit, changes)) in units.iter().enumerate() {
        let diff: String = changes
            .iter()
            .map(|c| patch::file_diff(unit.relative(&c.path), &c.old, &c.new))
            .collect();
        let (subject, body) = describe(unit, changes, fixed, findings);
        let text = patch::mbox(author, &subject, &body, &date, &diff);
        let slug: String = unit
            .name
            .chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
            .collect();
        let path = dir.join(format!("{:04}-{slug}.patch", n + 1));
        std::fs::write(&path, text).map_err(io)?;
        written.push(path);
    }
    Ok(written)
}

/// Subject and body of a unit's patch: what the fix does (paths relative to the unit),
/// the ABI fact behind it, the arches, and where the breakage shows.
fn describe(
    unit: &patch::Unit,
    changes: &[&Change],
    fixed: &Fixed,
    findings: &[Finding],
) -> (String, String) {
    // Paths inside the unit, as its maintainers see them.
    let local = |t: &str| {
        let mut t = t.to_string();
        for c in changes {
            t = t.replace(
                &format!("`{}`", c.path),
                &format!("`{}`", unit.relative(&c.path)),
            );
        }
        if !unit.dir.is_empty() {
            t = t.replace(&format!("{}/", unit.dir), "");
        }
        t
    };
    let mut titles: Vec<String> = Vec::new();
    let mut subjects: Vec<String> = Vec::new();
    let mut facts: Vec<String> = Vec::new();
    let mut uses: Vec<String> = Vec::new();
    let mut arches = crate::arch::ArchSet::EMPTY;
    let mut rules: Vec<&str> = Vec::new();
    for c in changes {
        let ff = &fixed.plan.files[&c.path];
        titles.extend(ff.titles.iter().map(|t| local(t)));
        subjects.extend(ff.subjects.iter().map(|t| local(t)));
        arches = arches.union(ff.arches);
        for &i in &ff.findings {
            let f = &findings[i];
            let fact = local(&f.shown_fact());
            if !facts.contains(&fact) {
                facts.push(fact);
            }
            uses.push(format!("{}:{}: {}", f.path, f.span.line, f.message));
            if !rules.contains(&f.rule) {
                rules.push(f.rule);
            }
        }
    }
    titles.dedup();
    let first_dir = changes
        .first()
        .map(|c| unit.relative(&c.path))
        .and_then(|p| p.rfind('/').map(|i| p[..i].to_string()))
        .unwrap_or_else(|| {
            unit.name
                .rsplit('/')
                .next()
                .unwrap_or(&unit.name)
                .to_string()
        });
    let what = if titles.len() == 1 {
        subjects[0].clone()
    } else {
        format!("build for {arches} ({} fixes)", titles.len())
    };
    let subject = format!("{first_dir}: {what}");
    let mut body = String::new();
    for t in &titles {
        let _ = writeln!(body, "{}", wrap(&format!("- {t}"), "  "));
    }
    let _ = writeln!(body);
    let _ = writeln!(
        body,
        "{}",
        wrap(
            &format!("Code that builds for {arches} breaks without this:"),
            ""
        )
    );
    for f in &facts {
        let _ = writeln!(body, "{}", wrap(f, ""));
    }
    let _ = writeln!(body);
    let _ = writeln!(
        body,
        "Seen from these uses (paths in the tree that vendors {}):",
        unit.name
    );
    for u in uses.iter().take(10) {
        let _ = writeln!(body, "  {u}");
    }
    if uses.len() > 10 {
        let _ = writeln!(body, "  and {} more", uses.len() - 10);
    }
    let _ = writeln!(body);
    let version = unit
        .version
        .as_deref()
        .map(|v| format!(" {v}"))
        .unwrap_or_default();
    let _ = writeln!(
        body,
        "Found by abiport ({}) in {}{version}.",
        rules.join(", "),
        unit.name
    );
    (subject, body)
}

/// Word-wrap a paragraph at 72 columns (git's convention), continuation lines indented.
fn wrap(text: &str, indent: &str) -> String {
    let mut out = String::new();
    let mut col = 0;
    for word in text.split(' ') {
        if col > 0 && col + 1 + word.chars().count() > 72 {
            out.push('\n');
            out.push_str(indent);
            col = indent.len();
        } else if col > 0 {
            out.push(' ');
            col += 1;
        }
        out.push_str(word);
        col += word.chars().count();
    }
    out
}
