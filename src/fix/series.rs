//! `fix --format-patch DIR`: one patch series per upstream unit, as its maintainers take
//! them: `DIR/<unit>/0000-cover-letter.patch` and `0001-<subject>.patch`…, one patch per
//! logical change (a rule's fixes), numbered per unit, subjects in the `area: summary`
//! style within 72 characters, `--signoff` trailers.
//!
//! DIR must be empty (stale patches beside new ones would be applied too); `--force`
//! first removes what an earlier run wrote there — the files its manifest
//! ([`MANIFEST`]) lists that still hold abiport's patch text — and never anything else.

use super::changes::{describe, steps_by_rule, Change, Fixed};
use super::patch;
use crate::error::{Result, UserError};
use crate::finding::Finding;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The list of files and directories a run wrote into DIR, one `/`-separated path a line.
pub const MANIFEST: &str = ".abiport-patches";

/// The longest subject line (`area: summary`), git's convention for a shortlog line.
pub const MAX_SUBJECT: usize = 72;

/// How to write the series.
#[derive(Debug, Clone, Default)]
pub struct SeriesOptions {
    /// Add `Signed-off-by:` with the author (the DCO sign-off runc, containerd and moby
    /// require).
    pub signoff: bool,
    /// Write into a non-empty DIR after removing what abiport wrote there before.
    pub force: bool,
}

/// One unit's series as written.
#[derive(Debug, Clone)]
pub struct UnitSeries {
    /// Module or repository path.
    pub name: String,
    /// Root-relative directory of the unit ("" for the scanned root).
    pub dir: String,
    /// The cover letter, then the patches, in order.
    pub cover: PathBuf,
    pub patches: Vec<PathBuf>,
}

impl UnitSeries {
    /// `git am` in the unit's own repository (upstream), and in the tree scanned when the
    /// unit lies below its top (`prefix`: the way from the git work tree's top to the
    /// root, see [`super::changes::diff_paths`]): `--directory=vendor/…`.
    pub fn git_am(&self, prefix: &str) -> (String, Option<String>) {
        let files: Vec<String> = self
            .patches
            .iter()
            .map(|p| shell_word(&p.display().to_string()))
            .collect();
        let upstream = format!("git am {}", files.join(" "));
        let at = format!("{prefix}{}", self.dir);
        let at = at.trim_end_matches('/');
        let here = (!at.is_empty())
            .then(|| format!("git am --directory={} {}", shell_word(at), files.join(" ")));
        (upstream, here)
    }
}

/// A word as a POSIX shell reads it back: quoted when it holds anything but plain
/// characters.
fn shell_word(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+=:,@%".contains(c))
    {
        return s.to_string();
    }
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// Write one series per upstream unit of `fixed` into `dir`.
pub fn write_series(
    root: &Path,
    dir: &Path,
    author: &patch::Author,
    fixed: &Fixed,
    findings: &[Finding],
    opts: &SeriesOptions,
) -> Result<Vec<UnitSeries>> {
    let io = |p: &Path, e: std::io::Error| UserError::new(format!("{}: {e}", p.display()));
    std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    super::apply::remove_stale_temps(dir);
    prepare(dir, opts.force)?;

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
    let mut written: Vec<String> = Vec::new();
    let mut series = Vec::new();
    let mut used_dirs: Vec<String> = Vec::new();
    for (unit, changes) in &units {
        let mut unit_slug = slug_of_module(&unit.name);
        // Two module paths may give one slug (`a.b/c`, `a-b/c`): number the later ones.
        let base = unit_slug.clone();
        let mut k = 2;
        while used_dirs.contains(&unit_slug) {
            unit_slug = format!("{base}-{k}");
            k += 1;
        }
        used_dirs.push(unit_slug.clone());
        let unit_dir = dir.join(&unit_slug);
        make_own_dir(&unit_dir)?;
        written.push(unit_slug.clone());

        let diff_of = |changes: &[&Change]| -> String {
            changes
                .iter()
                .map(|c| patch::file_diff(unit.relative(&c.path), &c.old, &c.new))
                .collect()
        };
        let diff = diff_of(changes);
        // One patch per logical change: a rule's fixes, in rule order; the whole unit as
        // one patch when one rule fixes it.
        let steps = steps_by_rule(changes, fixed, findings);
        let parts: Vec<(Option<&str>, Vec<&Change>)> = match &steps {
            Some(steps) => steps
                .iter()
                .map(|(rule, step)| (Some(*rule), step.iter().collect()))
                .collect(),
            None => vec![(None, changes.clone())],
        };
        let (_, _, facts) = describe(unit, changes, fixed, findings, None);
        let total = parts.len();
        let mut subjects = Vec::new();
        let mut patches = Vec::new();
        for (k, (rule, part)) in parts.iter().enumerate() {
            let (subject, mut body, _) = describe(unit, part, fixed, findings, *rule);
            // Escaped first (a name may hold a line break), so the limit holds as written.
            let subject = fit_subject(&patch::header_value(&subject));
            if opts.signoff {
                let _ = write!(body, "\n{}", signoff(author));
            }
            let text = patch::mbox_numbered(
                author,
                &subject,
                &body,
                &date,
                &diff_of(part),
                (k + 1, total),
            );
            let name = format!("{:04}-{}.patch", k + 1, slug_of_subject(&subject));
            let path = unit_dir.join(&name);
            write_new_file(&path, text.as_bytes())?;
            written.push(format!("{unit_slug}/{name}"));
            subjects.push(subject);
            patches.push(path);
        }

        let cover_text = cover_letter(author, unit, &date, &subjects, &facts, &diff, opts);
        let cover = unit_dir.join("0000-cover-letter.patch");
        write_new_file(&cover, cover_text.as_bytes())?;
        written.push(format!("{unit_slug}/0000-cover-letter.patch"));
        series.push(UnitSeries {
            name: unit.name.clone(),
            dir: unit.dir.clone(),
            cover,
            patches,
        });
    }
    let mut manifest = String::new();
    for w in &written {
        manifest.push_str(w);
        manifest.push('\n');
    }
    super::changes::write_new(&dir.join(MANIFEST), manifest.as_bytes()).map_err(|e| io(dir, e))?;
    Ok(series)
}

/// `Signed-off-by: Name <email>`, as `git commit -s` writes it.
fn signoff(author: &patch::Author) -> String {
    format!(
        "Signed-off-by: {} <{}>\n",
        patch::header_value(&author.name),
        patch::header_value(&author.email)
    )
}

/// The cover letter of a unit's series: what is fixed, for which arches, the findings,
/// and the shortlog and diffstat `git format-patch --cover-letter` would show.
fn cover_letter(
    author: &patch::Author,
    unit: &patch::Unit,
    date: &str,
    subjects: &[String],
    facts: &CoverFacts,
    diff: &str,
    opts: &SeriesOptions,
) -> String {
    let name = patch::header_value(&unit.name);
    let version = unit
        .version
        .as_deref()
        .map(|v| format!(" {}", patch::header_value(v)))
        .unwrap_or_default();
    let cover_subject = fit_subject(&format!("{name}: build for {}", facts.arches));
    let mut body = String::new();
    let _ = writeln!(
        body,
        "This series makes {name}{version} build and run on {} (abiport {}).",
        facts.arches,
        env!("CARGO_PKG_VERSION")
    );
    let _ = writeln!(body);
    let _ = writeln!(body, "Findings fixed ({}):", facts.findings.len());
    for f in facts.findings.iter().take(50) {
        let _ = writeln!(body, "  {f}");
    }
    if facts.findings.len() > 50 {
        let _ = writeln!(body, "  and {} more", facts.findings.len() - 50);
    }
    let _ = writeln!(body);
    let _ = writeln!(body, "Arches: {}", facts.arches);
    let _ = writeln!(body, "Rules: {}", facts.rules.join(", "));
    let _ = writeln!(body);
    let _ = writeln!(
        body,
        "{} ({}):",
        patch::header_value(&author.name),
        subjects.len()
    );
    for subject in subjects {
        let _ = writeln!(body, "  {subject}");
    }
    if opts.signoff {
        let _ = write!(body, "\n{}", signoff(author));
    }
    let prefix = format!("[PATCH 0/{}]", subjects.len());
    let mut out = patch::mail_header(author, date, &prefix, &cover_subject, &body);
    out.push_str(&body);
    let _ = writeln!(out);
    out.push_str(&patch::diffstat_line(diff));
    let _ = writeln!(out);
    out.push_str(&patch::signature());
    out
}

/// What a unit's cover letter lists, gathered by [`describe`].
#[derive(Debug, Default)]
pub struct CoverFacts {
    pub arches: crate::arch::ArchSet,
    pub rules: Vec<&'static str>,
    /// `path:line: [rule] message (arches)`, paths as in the scanned tree.
    pub findings: Vec<String>,
}

/// `subject` within [`MAX_SUBJECT`] characters, keeping its `area: ` and cutting the
/// summary at a word with `...` (ASCII, so the header needs no encoding).
pub fn fit_subject(subject: &str) -> String {
    if subject.chars().count() <= MAX_SUBJECT {
        return subject.to_string();
    }
    let (area, summary) = match subject.split_once(": ") {
        Some((a, s)) if a.chars().count() <= MAX_SUBJECT / 2 => (format!("{a}: "), s),
        _ => (String::new(), subject),
    };
    let room = MAX_SUBJECT - area.chars().count() - 3;
    let mut cut = String::new();
    for word in summary.split(' ') {
        let next = if cut.is_empty() {
            word.to_string()
        } else {
            format!("{cut} {word}")
        };
        if next.chars().count() > room {
            break;
        }
        cut = next;
    }
    if cut.is_empty() {
        cut = summary.chars().take(room).collect();
    }
    // An odd number of backticks would leave a code span open.
    if cut.matches('`').count() % 2 == 1 {
        if let Some(i) = cut.rfind('`') {
            cut.truncate(i);
            cut = cut.trim_end().to_string();
        }
    }
    format!("{area}{cut}...")
}

/// The file-name part of a subject, as `git format-patch` makes it: letters, digits, `.`
/// and `_` kept, runs of anything else one `-`, at most 52 characters.
fn slug_of_subject(subject: &str) -> String {
    let mut out = String::new();
    for c in subject.chars() {
        if c.is_ascii_alphanumeric() || c == '.' || c == '_' {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let mut out = out.trim_matches(['-', '.']).to_string();
    if out.len() > 52 {
        out.truncate(52);
        out = out.trim_end_matches(['-', '.']).to_string();
    }
    if out.is_empty() {
        "fix".into()
    } else {
        out
    }
}

/// A unit's directory name: its module path, non-alphanumerics as dashes; over
/// [`MAX_SLUG`] bytes, cut and followed by a hash of the whole path, so any module path
/// gives a valid, distinct name.
fn slug_of_module(module: &str) -> String {
    let slug: String = module
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    if slug.len() > MAX_SLUG {
        let hash = crate::walk::digest(module.as_bytes());
        let hex: String = hash[..8].iter().map(|b| format!("{b:02x}")).collect();
        format!("{}-{hex}", &slug[..MAX_SLUG - 17])
    } else {
        slug
    }
}

/// The longest module slug kept whole in a directory name (names end at 255 bytes).
const MAX_SLUG: usize = 100;

/// Whether `path` holds a patch abiport wrote: its `From` line of zeros and abiport's
/// signature (`-- \nabiport VERSION`).
fn looks_like_ours(path: &Path) -> bool {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return false;
    };
    if !meta.file_type().is_file() || meta.len() > 64 << 20 {
        return false;
    }
    std::fs::read(path).is_ok_and(|b| {
        b.starts_with(b"From 0000000000000000000000000000000000000000 ")
            && b.windows(12).any(|w| w == b"\n-- \nabiport")
    })
}

/// DIR empty (temporary files of dead runs aside), or with `force`, emptied of what an
/// earlier run wrote (its manifest's files that still look like ours, then its
/// directories left empty). Anything else is kept; DIR is then refused only without
/// `force`.
fn prepare(dir: &Path, force: bool) -> Result<()> {
    let entries = |d: &Path| -> Vec<String> {
        std::fs::read_dir(d)
            .map(|rd| {
                rd.flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default()
    };
    let present = entries(dir);
    if present.is_empty() {
        return Ok(());
    }
    if !force {
        let mut shown = present.clone();
        shown.sort();
        return Err(UserError::new(format!(
            "{}: not empty ({}{}); stale patches beside new ones would be applied too",
            dir.display(),
            shown.iter().take(3).cloned().collect::<Vec<_>>().join(", "),
            if shown.len() > 3 { ", …" } else { "" }
        ))
        .with_help(
            "give an empty or new directory, or --force to replace the patches abiport \
             wrote there (other files are kept)",
        ));
    }
    let manifest = dir.join(MANIFEST);
    let listed = if std::fs::symlink_metadata(&manifest).is_ok_and(|m| m.file_type().is_file()) {
        std::fs::read_to_string(&manifest).unwrap_or_default()
    } else {
        String::new()
    };
    let mut dirs = Vec::new();
    for rel in listed.lines().filter(|l| safe_relative(l)) {
        let path = dir.join(rel);
        if rel.ends_with(".patch") {
            if looks_like_ours(&path) {
                let _ = std::fs::remove_file(&path);
            }
        } else {
            dirs.push(path);
        }
    }
    for d in dirs {
        // Only when nothing else was put there: remove_dir fails on a non-empty one.
        if std::fs::symlink_metadata(&d).is_ok_and(|m| m.file_type().is_dir()) {
            super::apply::remove_stale_temps(&d);
            let _ = std::fs::remove_dir(&d);
        }
    }
    let _ = std::fs::remove_file(&manifest);
    Ok(())
}

/// A manifest line that names something inside DIR: relative, no `..`.
fn safe_relative(line: &str) -> bool {
    !line.is_empty()
        && !line.starts_with('/')
        && line
            .split('/')
            .all(|c| !c.is_empty() && c != "." && c != "..")
}

/// Create a unit's directory; an entry of that name that is not a plain directory (a
/// symlink leading elsewhere, a file) is refused.
fn make_own_dir(path: &Path) -> Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_dir() => Ok(()),
        Ok(_) => Err(UserError::new(format!(
            "{}: exists and is not a directory abiport wrote; not written through",
            path.display()
        ))
        .with_help("remove it, or write the patches into another directory")),
        Err(_) => std::fs::create_dir(path)
            .map_err(|e| UserError::new(format!("{}: {e}", path.display()))),
    }
}

/// Write a new file of the series; a file of that name that abiport did not write is
/// never replaced.
fn write_new_file(path: &Path, bytes: &[u8]) -> Result<()> {
    if std::fs::symlink_metadata(path).is_ok() {
        return Err(UserError::new(format!(
            "{}: exists and abiport did not write it; not replaced",
            path.display()
        ))
        .with_help("remove it, or write the patches into another directory"));
    }
    super::changes::write_new(path, bytes)
        .map_err(|e| UserError::new(format!("{}: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_fit_72_columns_and_keep_their_area() {
        let short = "system: add mips64le to the build constraint";
        assert_eq!(fit_subject(short), short);
        let long = "system: add mips64le to the build constraint of `setuid_linux.go` and \
                    `other_file_with_a_long_name.go`";
        let fit = fit_subject(long);
        assert!(fit.chars().count() <= MAX_SUBJECT, "{fit}");
        assert!(fit.starts_with("system: add mips64le"), "{fit}");
        assert!(fit.ends_with("..."), "{fit}");
        assert_eq!(fit.matches('`').count() % 2, 0, "{fit}");
        let one_word = format!("x: {}", "a".repeat(100));
        assert!(fit_subject(&one_word).chars().count() <= MAX_SUBJECT);
    }

    #[test]
    fn file_names_as_git_makes_them() {
        assert_eq!(
            slug_of_subject("system: add mips64le to `setuid_linux.go`"),
            "system-add-mips64le-to-setuid_linux.go"
        );
        assert!(slug_of_subject(&"word ".repeat(40)).len() <= 52);
        assert_eq!(slug_of_module("example.com/system"), "example-com-system");
        let long = format!("example.com/{}", "a".repeat(300));
        assert!(slug_of_module(&long).len() <= MAX_SLUG);
    }

    #[test]
    fn git_am_commands() {
        let s = UnitSeries {
            name: "example.com/system".into(),
            dir: "vendor/example.com/system".into(),
            cover: PathBuf::from("out/example-com-system/0000-cover-letter.patch"),
            patches: vec![PathBuf::from("out/example-com-system/0001-a b.patch")],
        };
        let (up, here) = s.git_am("sub/");
        assert_eq!(up, "git am 'out/example-com-system/0001-a b.patch'");
        assert_eq!(
            here.as_deref(),
            Some(
                "git am --directory=sub/vendor/example.com/system \
                 'out/example-com-system/0001-a b.patch'"
            )
        );
        let main = UnitSeries {
            dir: String::new(),
            ..s
        };
        assert_eq!(main.git_am("").1, None);
    }

    #[test]
    fn manifest_lines_stay_inside_the_directory() {
        assert!(safe_relative("unit/0001-x.patch"));
        assert!(!safe_relative("../x.patch"));
        assert!(!safe_relative("/etc/passwd"));
        assert!(!safe_relative("a//b"));
    }
}
