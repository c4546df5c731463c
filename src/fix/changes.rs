//! A scan's fixes applied in memory ([`Fixed`]): the files' text before and after, as one
//! unified diff, or as patch series per upstream unit (`fix --format-patch`, [`super::series`]).

use super::patch;
use super::plan::{self, Dropped, Plan};
use crate::edit;
use crate::finding::Finding;
use crate::report::DisplayPaths;
use std::fmt::Write as _;
use std::path::Path;

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
    /// Files with fixes that are reached through a symlink leading out of the tree: their
    /// fixes are dropped (in `plan.dropped`); no diff, patch or write touches them.
    pub outside: Vec<String>,
}

impl Fixed {
    /// Every change as one diff `git apply` accepts at the root; "" when nothing changes.
    pub fn diff(&self) -> String {
        self.diff_at(&DisplayPaths::tree_relative())
    }

    /// [`Fixed::diff`] with paths as `paths` shows them ([`diff_paths`]).
    pub fn diff_at(&self, paths: &DisplayPaths) -> String {
        self.changes
            .iter()
            .map(|c| patch::file_diff(&paths.show(&c.path), &c.old, &c.new))
            .collect()
    }
}

/// Where the paths of `fix`'s diff start, so that `abiport fix ROOT | git apply` works:
/// at the top of the git work tree holding the root (git applies a diff relative to its
/// top from any directory of the repository), else at the current directory when the root
/// is below it. Else (a root above or beside the current directory, outside any work tree,
/// where `git apply` and `patch` refuse `../` names) at the root itself, and the second
/// value says so.
pub fn diff_paths(root: &Path) -> (DisplayPaths, Option<String>) {
    if let Some(top) = git_top(root) {
        if let (Ok(top), Ok(real)) = (top.canonicalize(), root.canonicalize()) {
            if let Ok(rel) = real.strip_prefix(&top) {
                let rel = crate::walk::escape_path(rel.as_os_str());
                return (DisplayPaths::with_prefix(&rel, Some(top)), None);
            }
        }
    }
    let from_cwd = DisplayPaths::from_cwd(root);
    if from_cwd.prefix().starts_with("../") || from_cwd.prefix().starts_with('/') {
        let note = format!(
            "the diff's paths are relative to {} (not in a git work tree, nor below the \
             current directory): apply it there",
            root.display()
        );
        return (DisplayPaths::tree_relative(), Some(note));
    }
    (from_cwd, None)
}

/// The top of the git work tree holding `dir`, if any (`git rev-parse --show-toplevel`).
fn git_top(dir: &Path) -> Option<std::path::PathBuf> {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["rev-parse", "--show-toplevel"])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()
        .filter(|o| o.status.success())?;
    let text = String::from_utf8(out.stdout).ok()?;
    let top = text.trim_end_matches('\n');
    (!top.is_empty()).then(|| std::path::PathBuf::from(top))
}

/// The changed files whose text, as [`fix_in_memory`] read it, is not the text the scan
/// analysed (`analysed`: [`crate::scan::ScanOutput::analysed`]): their fixes were computed
/// for other bytes and must not be written.
pub fn stale<'a>(
    fixed: &'a Fixed,
    analysed: &std::collections::HashMap<String, crate::walk::Digest>,
) -> Vec<&'a str> {
    fixed
        .changes
        .iter()
        .filter(|c| analysed.get(&c.path) != Some(&crate::walk::digest(c.old.as_bytes())))
        .map(|c| c.path.as_str())
        .collect()
}

/// Plan the findings' fixes and apply them in memory. A file whose fixed text does not
/// parse where it parsed before loses its fixes (reported in `plan.dropped`).
pub fn fix_in_memory(root: &Path, findings: &[Finding], unsafe_fixes: bool) -> Fixed {
    let mut plan = plan::plan(findings, unsafe_fixes);
    let mut changes = Vec::new();
    let mut bad: Vec<(String, String)> = Vec::new();
    let mut outside = Vec::new();
    for (path, ff) in &plan.files {
        if let Some(real) = super::apply::outside_tree(root, path) {
            bad.push((
                path.clone(),
                format!(
                    "leads out of the scanned tree (to {}); not edited",
                    real.display()
                ),
            ));
            outside.push(path.clone());
            continue;
        }
        let result = std::fs::read(crate::walk::rel_to_path(root, path))
            .map_err(|e| format!("cannot read: {e}"))
            .and_then(|src| {
                let old = String::from_utf8(src).map_err(|_| "not UTF-8".to_string())?;
                let new = fixed_text(path, &old, &ff.edits)?;
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
    Fixed {
        plan,
        changes,
        outside,
    }
}

/// `old` (the text of `path`) with `edits` applied, realigned as gofmt would; Err when
/// the result is not UTF-8 or a Go file no longer parses.
fn fixed_text(path: &str, old: &str, edits: &[crate::finding::Edit]) -> Result<String, String> {
    let new = edit::apply(old.as_bytes(), edits)?;
    let new = String::from_utf8(new).map_err(|_| "result is not UTF-8".to_string())?;
    let new = if path.ends_with(".go") {
        edit::align::realign(&new, edits)
    } else {
        new
    };
    let new = keep_crlf(old, new);
    if path.ends_with(".go") && breaks_parse(old, &new) {
        return Err("the fixed file no longer parses".into());
    }
    Ok(new)
}

/// A unit's changes as one step per rule (rule ids sorted), each step's files going from
/// the text the steps before left to the text with that rule's fixes added: one patch per
/// logical change. `None` when fewer than two rules fix the unit, or when the steps would
/// not end at the text of the whole fix (then the unit is one patch).
pub(super) fn steps_by_rule(
    changes: &[&Change],
    fixed: &Fixed,
    findings: &[Finding],
) -> Option<Vec<(&'static str, Vec<Change>)>> {
    let mut resolved: Vec<usize> = changes
        .iter()
        .flat_map(|c| fixed.plan.files[&c.path].findings.iter().copied())
        .collect();
    resolved.sort_unstable();
    resolved.dedup();
    let mut rules: Vec<&'static str> = resolved.iter().map(|&i| findings[i].rule).collect();
    rules.sort_unstable();
    rules.dedup();
    if rules.len() < 2 {
        return None;
    }
    let mut current: std::collections::BTreeMap<&str, String> = changes
        .iter()
        .map(|c| (c.path.as_str(), c.old.clone()))
        .collect();
    let mut steps = Vec::new();
    for k in 0..rules.len() {
        // The fixes of the rules so far, planned alone: they were accepted with the
        // others, so none collides and each keeps its own edits.
        let so_far: Vec<Finding> = resolved
            .iter()
            .filter(|&&i| rules[..=k].contains(&findings[i].rule))
            .map(|&i| findings[i].clone())
            .collect();
        let planned = plan::plan(&so_far, true);
        let mut step = Vec::new();
        for c in changes {
            let text = match planned.files.get(&c.path) {
                Some(ff) => fixed_text(&c.path, &c.old, &ff.edits).ok()?,
                None => c.old.clone(),
            };
            let before = current.insert(c.path.as_str(), text.clone())?;
            if before != text {
                step.push(Change {
                    path: c.path.clone(),
                    old: before,
                    new: text,
                });
            }
        }
        if !step.is_empty() {
            steps.push((rules[k], step));
        }
    }
    changes
        .iter()
        .all(|c| current[c.path.as_str()] == c.new)
        .then_some(steps)
}

/// A file whose every line ends in CRLF keeps doing so: the lines the edits added with a
/// bare LF get a CR. Other files are left as the edits made them.
fn keep_crlf(old: &str, new: String) -> String {
    let crlf = old.matches("\r\n").count();
    if crlf == 0 || crlf != old.matches('\n').count() {
        return new;
    }
    let mut out = String::with_capacity(new.len() + new.len() / 32);
    let mut prev = '\0';
    for c in new.chars() {
        if c == '\n' && prev != '\r' {
            out.push('\r');
        }
        out.push(c);
        prev = c;
    }
    out
}

fn breaks_parse(old: &str, new: &str) -> bool {
    let errs =
        |s: &str| crate::syntax::parse_go(s.as_bytes()).is_none_or(|t| t.root_node().has_error());
    errs(new) && !errs(old)
}

/// Write `path` without following a symlink there or writing into a file someone else
/// prepared: a new temporary file in the same directory (`O_EXCL`, which never follows a
/// link), then a rename, which replaces a link or file named `path` itself, not its target.
/// Temporary files a killed run left in its directory are removed first.
pub(super) fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    super::apply::remove_stale_temps(dir);
    let (tmp, mut file) = super::apply::create_temp(dir, &name)?;
    let result = file
        .write_all(bytes)
        .and_then(|()| file.sync_all())
        .and_then(|()| std::fs::rename(&tmp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Subject and body of a unit's patch: what the fix does (paths relative to the unit),
/// the ABI fact behind it, the arches, and where the breakage shows; and what the
/// series' cover letter lists.
pub(super) fn describe(
    unit: &patch::Unit,
    changes: &[&Change],
    fixed: &Fixed,
    findings: &[Finding],
    only_rule: Option<&str>,
) -> (String, String, super::series::CoverFacts) {
    // Paths inside the unit, as its maintainers see them.
    let local = |t: &str| {
        let mut t = crate::finding::uncited(t).into_owned();
        for c in changes {
            t = t.replace(
                &format!("`{}`", c.path),
                &format!("`{}`", unit.relative(&c.path)),
            );
        }
        if !unit.dir.is_empty() {
            t = t.replace(&format!("{}/", unit.dir), "");
        }
        patch::header_value(&t)
    };
    let unit_name = patch::header_value(&unit.name);
    let mut titles: Vec<String> = Vec::new();
    let mut subjects: Vec<String> = Vec::new();
    let mut facts: Vec<String> = Vec::new();
    let mut uses: Vec<String> = Vec::new();
    let mut arches = crate::arch::ArchSet::EMPTY;
    let mut rules: Vec<&'static str> = Vec::new();
    let mut listed: Vec<String> = Vec::new();
    for c in changes {
        let ff = &fixed.plan.files[&c.path];
        let of_rule = |i: &&usize| only_rule.is_none_or(|r| findings[**i].rule == r);
        match only_rule {
            None => {
                titles.extend(ff.titles.iter().map(|t| local(t)));
                subjects.extend(ff.subjects.iter().map(|t| local(t)));
                arches = arches.union(ff.arches);
            }
            // One rule's patch: its findings' fixes, in finding order.
            Some(_) => {
                for fix in ff
                    .findings
                    .iter()
                    .filter(of_rule)
                    .filter_map(|&i| findings[i].fix.as_ref())
                {
                    let title = local(&fix.title);
                    if !titles.contains(&title) {
                        titles.push(title);
                        subjects.push(local(&fix.subject));
                    }
                }
            }
        }
        for &i in ff.findings.iter().filter(of_rule) {
            let f = &findings[i];
            if only_rule.is_some() {
                arches = arches.union(f.arches);
            }
            let fact = local(&f.shown_fact());
            if !facts.contains(&fact) {
                facts.push(fact);
            }
            uses.push(patch::header_value(&format!(
                "{}:{}: {}",
                f.path,
                f.span.line,
                crate::finding::uncited(&f.message)
            )));
            listed.push(patch::header_value(&format!(
                "{}:{}: [{}] {} ({})",
                f.path,
                f.span.line,
                f.rule,
                crate::finding::uncited(&f.message),
                f.arches.names().join(", ")
            )));
            if !rules.contains(&f.rule) {
                rules.push(f.rule);
            }
        }
    }
    titles.dedup();
    // The area is the directory every change lies in (`pkg` for pkg/a and pkg/b), as git
    // subjects name it; the unit's last path element when they share none.
    let dirs: Vec<Vec<&str>> = changes
        .iter()
        .map(|c| {
            let p = unit.relative(&c.path);
            let dir = p.rfind('/').map_or("", |i| &p[..i]);
            dir.split('/').filter(|s| !s.is_empty()).collect()
        })
        .collect();
    let common: Vec<&str> = match dirs.split_first() {
        Some((first, rest)) => first
            .iter()
            .enumerate()
            .take_while(|(i, part)| rest.iter().all(|d| d.get(*i) == Some(*part)))
            .map(|(_, part)| *part)
            .collect(),
        None => Vec::new(),
    };
    let area = if common.is_empty() {
        unit.name
            .rsplit('/')
            .next()
            .unwrap_or(&unit.name)
            .to_string()
    } else {
        common.join("/")
    };
    let what = match (titles.len(), only_rule) {
        (1, _) => subjects[0].clone(),
        (n, None) => format!("build for {arches} ({n} fixes)"),
        (n, Some(rule)) => format!("fix {rule} for {arches} ({n} fixes)"),
    };
    let subject = format!("{area}: {what}");
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
        "Seen from these uses (paths in the tree that vendors {unit_name}):"
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
        "Found by abiport ({}) in {unit_name}{version}.",
        rules.join(", ")
    );
    listed.dedup();
    let facts = super::series::CoverFacts {
        arches,
        rules,
        findings: listed,
    };
    (subject, body, facts)
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
