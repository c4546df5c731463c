//! `abiport.toml`: found at the scanned root or the nearest directory above it (or given
//! with `--config`), read with spans so that every unknown key and bad value is an error
//! naming the file, line and key. [`Settings`] holds what the file says, checked;
//! `cmd` lays the flags over it. [`Policy`] is the per-finding pass (per-rule severity,
//! per-path overrides) the scan runs after its findings are sorted.

use crate::arch::{Arch, ArchSet};
use crate::constraints::{BuildConfig, CgoSet};
use crate::error::{Result, UserError};
use crate::finding::{Finding, Severity};
use crate::rules;
use crate::walk::Exclude;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::Deserialize;
use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The config file's name, looked for at the scanned root and upwards.
pub const FILE_NAME: &str = "abiport.toml";

/// A rule's level: a finding's severity, or `off` (not reported).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
    Info,
    Off,
}

impl Level {
    pub fn severity(self) -> Option<Severity> {
        match self {
            Level::Error => Some(Severity::Error),
            Level::Warning => Some(Severity::Warning),
            Level::Info => Some(Severity::Info),
            Level::Off => None,
        }
    }
}

/// A list given as a TOML array or as one comma-separated string (`arch = "mips64le,riscv64"`).
#[derive(Debug, Default)]
struct List(Vec<String>);

impl<'de> Deserialize<'de> for List {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<List, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = List;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string or an array of strings")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> std::result::Result<List, E> {
                Ok(List(
                    s.split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(String::from)
                        .collect(),
                ))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> std::result::Result<List, A::Error> {
                let mut out = Vec::new();
                while let Some(s) = a.next_element::<String>()? {
                    out.push(s);
                }
                Ok(List(out))
            }
        }
        d.deserialize_any(V)
    }
}

/// The file as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct Raw {
    arch: Option<Spanned<List>>,
    #[serde(rename = "ref")]
    reference: Option<Spanned<String>>,
    cgo: Option<Spanned<String>>,
    tags: Option<List>,
    go: Option<Spanned<String>>,
    exclude: Option<Vec<Spanned<String>>>,
    extend_exclude: Option<Vec<Spanned<String>>>,
    select: Option<Vec<Spanned<String>>>,
    ignore: Option<Vec<Spanned<String>>>,
    extend_select: Option<Vec<Spanned<String>>>,
    severity: Option<HashMap<String, Spanned<Level>>>,
    fail_on: Option<Spanned<Level>>,
    doc_url: Option<Spanned<String>>,
    #[serde(default)]
    overrides: Vec<RawOverride>,
    /// `[[base-image]]`: entries of base-image-platform's table, checked by the rule.
    base_image: Option<Spanned<Vec<toml::Table>>>,
    /// A directory of local images (OCI layouts, image archives), as `--image-store`.
    image_store: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawOverride {
    path: Spanned<List>,
    select: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    extend_select: Vec<Spanned<String>>,
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
    #[serde(default)]
    severity: HashMap<String, Spanned<Level>>,
}

/// What a config file says, checked. `None` and empty lists: the file does not say.
#[derive(Debug, Default)]
pub struct Settings {
    /// The file read, as shown in messages (`None`: no file, or `--isolated`).
    pub path: Option<PathBuf>,
    pub targets: Option<ArchSet>,
    pub reference: Option<Arch>,
    pub configs: Option<CgoSet>,
    pub go_minor: Option<u32>,
    pub tags: Option<Vec<String>>,
    /// Glob patterns, relative to the file's directory.
    pub exclude: Option<Vec<String>>,
    pub extend_exclude: Vec<String>,
    pub select: Option<Vec<&'static str>>,
    pub ignore: Vec<&'static str>,
    pub extend_select: Vec<&'static str>,
    pub severity: HashMap<&'static str, Level>,
    pub fail_on: Option<Severity>,
    /// `doc-url`: where the rule docs are published (SARIF `helpUri`), `http(s)://…`.
    pub doc_url: Option<String>,
    pub overrides: Vec<Override>,
    /// What the file's arch names that are not GOARCHes mean (`abiport.toml `arch`
    /// mips64el means GOARCH=mips64le`), for the command line to say once.
    pub arch_notes: Vec<String>,
    /// `[[base-image]]` entries as TOML (`[[image]]` tables of
    /// `arch-tables/base-images.toml`), tried before the built-in table.
    pub base_images: Option<String>,
    /// `image-store`, resolved against the file's directory.
    pub image_store: Option<PathBuf>,
    /// `[[base-image]]` entries with `image` and `layout` (an OCI layout directory or an
    /// image archive, resolved against the file's directory): that image's platforms.
    pub image_layouts: Vec<(String, PathBuf)>,
}

/// `[[overrides]]`: rules selected, ignored and levels changed under some paths.
#[derive(Debug, Clone)]
pub struct Override {
    pub paths: Vec<String>,
    /// Under these paths only these rules (plus `extend_select`) report.
    pub select: Option<Vec<&'static str>>,
    /// Rules that report under these paths even when the run does not select them.
    pub extend_select: Vec<&'static str>,
    pub ignore: Vec<&'static str>,
    pub severity: HashMap<&'static str, Level>,
}

/// Where to take the config from (`--config FILE`, `--isolated`, or found from the root).
pub enum Source<'a> {
    Isolated,
    File(&'a Path),
    Discover(&'a Path),
}

/// Read the config `source` names; no file found is an empty [`Settings`].
pub fn load(source: Source) -> Result<Settings> {
    let path = match source {
        Source::Isolated => return Ok(Settings::default()),
        Source::File(p) => p.to_path_buf(),
        Source::Discover(root) => match discover(root) {
            Some(p) => p,
            None => return Ok(Settings::default()),
        },
    };
    let text = std::fs::read_to_string(&path).map_err(|e| {
        UserError::new(format!("{}: cannot read config: {e}", path.display()))
            .with_help("give a readable abiport.toml with --config, or --isolated to use none")
    })?;
    parse(&path, &text)
}

/// The nearest `abiport.toml` at `root` (a directory or a file's directory) or above it,
/// as ruff finds `ruff.toml`: up to the filesystem root.
pub fn discover(root: &Path) -> Option<PathBuf> {
    let abs = std::path::absolute(root).ok()?;
    let start = if abs.is_file() {
        abs.parent()?.to_path_buf()
    } else {
        abs
    };
    let found = start
        .ancestors()
        .map(|d| d.join(FILE_NAME))
        .find(|p| p.is_file())?;
    // Shown relative to the current directory when it is below it.
    let shown = std::env::current_dir()
        .ok()
        .and_then(|cwd| found.strip_prefix(&cwd).ok().map(Path::to_path_buf))
        .unwrap_or(found);
    Some(shown)
}

/// Parse and check a config file's text; `path` names it in errors.
pub fn parse(path: &Path, text: &str) -> Result<Settings> {
    let at = |span: Range<usize>, message: String| located(path, text, span, &message);
    let raw: Raw = toml::from_str(text).map_err(|e| {
        let message = e
            .message()
            .replace("unknown field", "unknown key")
            .replace("unknown variant", "unknown value");
        match e.span() {
            Some(span) => at(span, message),
            None => UserError::new(format!("{}: {message}", path.display())),
        }
    })?;
    let mut s = Settings {
        path: Some(path.to_path_buf()),
        ..Settings::default()
    };
    if let Some(a) = &raw.arch {
        let (set, names) = ArchSet::parse_names(&a.get_ref().0.join(","))
            .map_err(|e| at(a.span(), e.to_string()))?;
        let what = format!("{} `arch`", path.display());
        s.arch_notes
            .extend(names.iter().filter_map(|n| n.note(&what)));
        if set.is_empty() {
            return Err(at(a.span(), "no target architecture given".into()));
        }
        s.targets = Some(set);
    }
    if let Some(r) = &raw.reference {
        let name = Arch::parse_name(r.get_ref()).map_err(|e| at(r.span(), e.to_string()))?;
        s.arch_notes
            .extend(name.note(&format!("{} `ref`", path.display())));
        s.reference = Some(name.arch);
    }
    if let Some(c) = &raw.cgo {
        s.configs = Some(CgoSet::parse(c.get_ref()).map_err(|e| at(c.span(), e))?);
    }
    if let Some(g) = &raw.go {
        s.go_minor = Some(BuildConfig::parse_go_version(g.get_ref()).map_err(|e| at(g.span(), e))?);
    }
    s.tags = raw.tags.map(|t| t.0);
    let globs = |list: &[Spanned<String>]| -> Result<Vec<String>> {
        list.iter()
            .map(|g| {
                Exclude::check(g.get_ref()).map_err(|e| at(g.span(), e))?;
                Ok(g.get_ref().clone())
            })
            .collect()
    };
    if let Some(e) = &raw.exclude {
        s.exclude = Some(globs(e)?);
    }
    if let Some(e) = &raw.extend_exclude {
        s.extend_exclude = globs(e)?;
    }
    let ids = |list: &[Spanned<String>]| -> Result<Vec<&'static str>> {
        let mut out = Vec::new();
        for id in list {
            let found = rule_ids(id.get_ref()).map_err(|e| at(id.span(), e))?;
            out.extend(found);
        }
        Ok(out)
    };
    if let Some(l) = &raw.select {
        s.select = Some(ids(l)?);
    }
    if let Some(l) = &raw.ignore {
        s.ignore = ids(l)?;
    }
    if let Some(l) = &raw.extend_select {
        s.extend_select = ids(l)?;
    }
    let levels = |table: &HashMap<String, Spanned<Level>>| -> Result<HashMap<&'static str, Level>> {
        let mut out = HashMap::new();
        for (id, level) in table {
            let rule = rules::by_id(id).ok_or_else(|| at(level.span(), unknown_rule(id)))?;
            out.insert(rule.meta().id, *level.get_ref());
        }
        Ok(out)
    };
    if let Some(t) = &raw.severity {
        s.severity = levels(t)?;
    }
    if let Some(f) = &raw.fail_on {
        s.fail_on = Some(f.get_ref().severity().ok_or_else(|| {
            at(
                f.span(),
                "`off` is not a level to fail on; use error, warning or info".into(),
            )
        })?);
    }
    if let Some(u) = &raw.doc_url {
        let url = u.get_ref().trim_end_matches('/');
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(at(
                u.span(),
                format!("`doc-url`: `{url}` is not an http(s) URL"),
            ));
        }
        s.doc_url = Some(url.to_string());
    }
    for o in &raw.overrides {
        let paths = &o.path.get_ref().0;
        if paths.is_empty() {
            return Err(at(o.path.span(), "an override needs a path glob".into()));
        }
        for p in paths {
            Exclude::check(p).map_err(|e| at(o.path.span(), e))?;
        }
        s.overrides.push(Override {
            paths: paths.clone(),
            select: o.select.as_ref().map(|l| ids(l)).transpose()?,
            extend_select: ids(&o.extend_select)?,
            ignore: ids(&o.ignore)?,
            severity: levels(&o.severity)?,
        });
    }
    // Relative paths in the file are relative to its directory.
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    if let Some(store) = &raw.image_store {
        s.image_store = Some(dir.join(store.get_ref()));
    }
    if let Some(images) = &raw.base_image {
        let mut doc = toml::Table::new();
        let mut list = Vec::new();
        for t in images.get_ref() {
            if !t.contains_key("layout") {
                list.push(toml::Value::Table(t.clone()));
                continue;
            }
            let text = |k: &str| t.get(k).and_then(toml::Value::as_str);
            match (text("image"), text("layout"), t.len()) {
                (Some(image), Some(layout), 2) => {
                    s.image_layouts.push((image.to_string(), dir.join(layout)));
                }
                _ => {
                    return Err(at(
                        images.span(),
                        "`base-image`: an entry with `layout` has exactly `image` (the \
                         reference, as in FROM) and `layout` (a path), both strings"
                            .into(),
                    ))
                }
            }
        }
        let has_table_entries = !list.is_empty();
        doc.insert("image".into(), toml::Value::Array(list));
        let text = toml::to_string(&doc).map_err(|e| at(images.span(), e.to_string()))?;
        rules::base_image_platform::check_extra_images(&text)
            .map_err(|e| at(images.span(), format!("`base-image`: {e}")))?;
        if has_table_entries {
            s.base_images = Some(text);
        }
    }
    Ok(s)
}

/// The rules an id names: one rule, or every rule for `all`.
pub fn rule_ids(id: &str) -> std::result::Result<Vec<&'static str>, String> {
    let id = id.trim();
    if id.eq_ignore_ascii_case("all") {
        return Ok(rules::ids().collect());
    }
    rules::by_id(id)
        .map(|r| vec![r.meta().id])
        .ok_or_else(|| unknown_rule(id))
}

fn unknown_rule(id: &str) -> String {
    let near = crate::suggest::closest(id, rules::ids(), 2);
    if near.is_empty() {
        format!(
            "unknown rule `{id}` (rules: {})",
            rules::ids().collect::<Vec<_>>().join(", ")
        )
    } else {
        format!(
            "unknown rule `{id}` (did you mean `{}`?)",
            near.join("`, `")
        )
    }
}

/// An error at `span` of the file: `FILE:LINE:COL: KEY: message`, the line as help.
fn located(path: &Path, text: &str, span: Range<usize>, message: &str) -> UserError {
    let start = span.start.min(text.len());
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line_no = text[..start].matches('\n').count() + 1;
    let column = text[line_start..start].chars().count() + 1;
    let line = &text[line_start..line_end];
    // The key is named once: not again when the message already does (unknown key).
    let names_key =
        |key: &str| message.contains(&format!("`{}`", key.rsplit('.').next().unwrap_or("")));
    let title = match key_of(text, line_start, line) {
        Some(key) if !names_key(&key) => {
            format!("{}:{line_no}:{column}: `{key}`: {message}", path.display())
        }
        _ => format!("{}:{line_no}:{column}: {message}", path.display()),
    };
    let end = span.end.clamp(start, line_end.max(start));
    UserError::new(title).with_located(crate::error::Located {
        name: path.display().to_string(),
        text: text.to_string(),
        span: start..end,
        // The title says it all; the mark says what is wrong, without the alternatives.
        label: message
            .split(", expected")
            .next()
            .unwrap_or(message)
            .to_string(),
    })
}

/// The key a `key = value` line sets, qualified with its table (`severity.x`).
fn key_of(text: &str, line_start: usize, line: &str) -> Option<String> {
    let (key, _) = line.split_once('=')?;
    let key = key.trim().trim_matches('"');
    if key.is_empty() || key.starts_with('[') {
        return None;
    }
    let table = text[..line_start]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('['))
        .map(|l| l.trim_matches(|c| c == '[' || c == ']').trim().to_string());
    Some(match table {
        Some(t) => format!("{t}.{key}"),
        None => key.to_string(),
    })
}

/// The per-finding pass: per-rule levels, then `[[overrides]]` whose path matches (later
/// ones win); a finding whose level is `off`, or whose rule is not selected where it is
/// (the run's selection, narrowed or extended by the overrides), is dropped.
#[derive(Debug, Clone)]
pub struct Policy {
    /// The rules the run itself selects; others run only for an override's paths.
    selected: Vec<&'static str>,
    severity: HashMap<&'static str, Level>,
    overrides: Vec<(Exclude, Override)>,
}

impl Policy {
    /// The pass `settings` ask for under `root` when the run selects `selected`, or `None`
    /// when they change nothing.
    pub fn new(settings: &Settings, root: &Path, selected: &[&'static str]) -> Option<Policy> {
        if settings.severity.is_empty() && settings.overrides.is_empty() {
            return None;
        }
        let prefix = settings.root_prefix(root);
        Some(Policy {
            selected: selected.to_vec(),
            severity: settings.severity.clone(),
            overrides: settings
                .overrides
                .iter()
                .map(|o| {
                    let globs = Exclude::new(&prefix, &o.paths).expect("checked when read");
                    (globs, o.clone())
                })
                .collect(),
        })
    }

    /// Apply to the findings of one root (paths root-relative).
    pub fn apply(&self, findings: &mut Vec<Finding>) {
        findings.retain_mut(|f| {
            let mut level = self.severity.get(f.rule).copied();
            let mut selected = self.selected.contains(&f.rule);
            for (globs, o) in &self.overrides {
                if !globs.matches(&f.path) {
                    continue;
                }
                if let Some(only) = &o.select {
                    selected = only.contains(&f.rule);
                }
                if o.extend_select.contains(&f.rule) {
                    selected = true;
                }
                if o.ignore.contains(&f.rule) {
                    selected = false;
                }
                if let Some(l) = o.severity.get(f.rule) {
                    level = Some(*l);
                }
            }
            if !selected {
                return false;
            }
            match level {
                None => true,
                Some(l) => match l.severity() {
                    Some(s) => {
                        f.severity = s;
                        true
                    }
                    None => false,
                },
            }
        })
    }
}

impl Settings {
    /// The scanned root's place below the file's directory, `/`-terminated ("" when the
    /// root is that directory or not below it): prefixed to root-relative paths so the
    /// file's globs match relative to where the file is.
    pub fn root_prefix(&self, root: &Path) -> String {
        let Some(file) = &self.path else {
            return String::new();
        };
        let dir = std::path::absolute(file)
            .ok()
            .and_then(|f| f.parent().map(Path::to_path_buf));
        let root = std::path::absolute(root).ok();
        match (dir, root) {
            (Some(d), Some(r)) => match r.strip_prefix(&d) {
                Ok(rel) if !rel.as_os_str().is_empty() => {
                    format!("{}/", rel.to_string_lossy())
                }
                _ => String::new(),
            },
            _ => String::new(),
        }
    }

    /// Whether a rule is turned off everywhere (no override turns it back on).
    /// The rules some override selects for its paths (they run, and report only there).
    pub fn path_selected(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.overrides
            .iter()
            .flat_map(|o| o.select.iter().flatten().chain(&o.extend_select))
            .copied()
    }

    pub fn off_everywhere(&self, id: &str) -> bool {
        self.severity.get(id) == Some(&Level::Off)
            && !self
                .overrides
                .iter()
                .any(|o| o.severity.get(id).is_some_and(|l| *l != Level::Off))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_key_names_line_and_key() {
        let e = parse(
            Path::new("a/abiport.toml"),
            "arch = \"mips64le\"\ncolour = 1\n",
        )
        .unwrap_err();
        assert!(e.title.starts_with("a/abiport.toml:2:1:"), "{}", e.title);
        assert!(e.title.contains("unknown key `colour`"), "{}", e.title);
    }

    #[test]
    fn bad_value_names_the_qualified_key() {
        let text = "[severity]\nundefined-on-arch = \"fatal\"\n";
        let e = parse(Path::new("abiport.toml"), text).unwrap_err();
        assert!(e.title.starts_with("abiport.toml:2:"), "{}", e.title);
        assert!(
            e.title.contains("`severity.undefined-on-arch`"),
            "{}",
            e.title
        );
    }

    #[test]
    fn lists_are_arrays_or_strings() {
        let s = parse(
            Path::new("x"),
            "arch = [\"mips64le\", \"riscv64\"]\ntags = \"a,b\"\n",
        )
        .unwrap();
        assert_eq!(s.targets.unwrap().iter().count(), 2);
        assert_eq!(s.tags.unwrap(), ["a", "b"]);
    }
}
