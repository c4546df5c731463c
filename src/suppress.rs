//! Accepting findings, with a reason: inline directives (`//abiport:ignore RULE -- why` on
//! the finding's line or the line above, `//abiport:file-ignore RULE -- why` in a file's
//! header) and the reviewed ignore file (`abiport-ignore.toml`, [`IgnoreFile`]).
//!
//! A suppression narrows a finding to the arches and cgo settings it does not accept
//! (accepting a finding for mips64le leaves it reported for arm64) and drops it when none
//! remain. Malformed directives are `invalid-suppression` findings and accept nothing;
//! directives and entries that accept nothing are `unused-suppression` findings, judged only
//! for the rules that ran, the arches scanned and the cgo settings judged.

use crate::arch::ArchSet;
use crate::constraints::CgoSet;
use crate::error::UserError;
use crate::finding::{Edit, Finding, Fix, NoFix, Severity, Span};
use crate::index::FileId;
use crate::rules;
use globset::{GlobBuilder, GlobMatcher};
use std::collections::HashMap;
use std::path::Path;

pub const INVALID: &str = "invalid-suppression";
pub const UNUSED: &str = "unused-suppression";
/// The reviewed ignore file looked for at the scanned root.
pub const IGNORE_FILE: &str = "abiport-ignore.toml";
/// The `file` of a finding in the ignore file, which is not a Go file of the index.
pub const NOT_INDEXED: FileId = FileId::MAX;

/// Where a directive applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Findings starting on this line (1-based).
    Line(usize),
    /// Every finding of the file.
    File,
}

/// One `//abiport:` comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Directive {
    pub scope: Scope,
    /// `abiport:ignore` or `abiport:file-ignore`, as written.
    pub verb: &'static str,
    /// The comment.
    pub span: Span,
    pub rules: Vec<&'static str>,
    /// Bytes of the rule list, for a fix that keeps only some ids.
    pub rules_at: (usize, usize),
    /// `arch=LIST`: the arches it accepts findings for (`None`: every arch).
    pub arches: Option<ArchSet>,
    /// `cgo=on|off`: the settings it accepts findings under (`None`: both).
    pub configs: Option<CgoSet>,
    /// Why the directive is void (it then accepts nothing): the message and a help.
    pub problem: Option<(String, String)>,
    /// Deletes it: the whole line when it is alone on its line, else the trailing comment.
    pub delete: Edit,
}

/// The directives of a Go file's source (empty, and cheap, when it has none).
/// What every directive's comment holds: a file without it has none.
pub const MARKER: &str = "abiport:";

pub fn directives(src: &[u8]) -> Vec<Directive> {
    if memchr::memmem::find(src, MARKER.as_bytes()).is_none() {
        return Vec::new();
    }
    let (comments, header_end) = line_comments(src);
    let lines = LineStarts::new(src);
    comments
        .into_iter()
        .filter_map(|(start, end)| directive(src, &lines, start, end, header_end, "//"))
        .collect()
}

/// The directives of a build file whose comments start with `#` (Makefiles, shell,
/// Dockerfiles, YAML, TOML, `vendor/modules.txt`): `# abiport:ignore RULE -- reason` and,
/// above the first line that is not a comment, `# abiport:file-ignore RULE -- reason`.
pub fn hash_directives(src: &[u8]) -> Vec<Directive> {
    if memchr::memmem::find(src, MARKER.as_bytes()).is_none() {
        return Vec::new();
    }
    let (comments, header_end) = hash_comments(src);
    let lines = LineStarts::new(src);
    comments
        .into_iter()
        .filter_map(|(start, end)| directive(src, &lines, start, end, header_end, "#"))
        .collect()
}

/// The `#` comments of a build file (a `#` at the start of a line or after a blank) as
/// byte ranges up to the newline, and where the first line that is not a comment starts.
fn hash_comments(src: &[u8]) -> (Vec<(usize, usize)>, usize) {
    let mut comments = Vec::new();
    let mut first_code = None;
    let mut line_start = 0;
    while line_start < src.len() {
        let line_end =
            memchr::memchr(b'\n', &src[line_start..]).map_or(src.len(), |i| line_start + i);
        let line = &src[line_start..line_end];
        let hash = (0..line.len())
            .find(|&i| line[i] == b'#' && (i == 0 || line[i - 1] == b' ' || line[i - 1] == b'\t'));
        let blank_before = |upto: usize| line[..upto].iter().all(|b| b.is_ascii_whitespace());
        match hash {
            Some(i) => {
                if !blank_before(i) {
                    first_code.get_or_insert(line_start);
                }
                comments.push((line_start + i, line_end));
            }
            None if !blank_before(line.len()) => {
                first_code.get_or_insert(line_start);
            }
            None => {}
        }
        line_start = line_end + 1;
    }
    (comments, first_code.unwrap_or(src.len()))
}

/// The `//` comments of Go source as byte ranges (up to the newline), and where the first
/// token outside comments starts (the package clause: the end of the header).
fn line_comments(src: &[u8]) -> (Vec<(usize, usize)>, usize) {
    let mut comments = Vec::new();
    let mut first_token = None;
    let until =
        |from: usize, byte: u8| memchr::memchr(byte, &src[from..]).map_or(src.len(), |i| from + i);
    // The end of a quoted literal opened at `from - 1` (escapes skipped; ends at a newline).
    let quoted = |mut i: usize, quote: u8| {
        while i < src.len() && src[i] != quote && src[i] != b'\n' {
            i += if src[i] == b'\\' { 2 } else { 1 };
        }
        (i + 1).min(src.len())
    };
    let mut i = 0;
    while i < src.len() {
        match (src[i], src.get(i + 1)) {
            (b'/', Some(b'/')) => {
                let end = until(i, b'\n');
                comments.push((i, end));
                i = end;
            }
            (b'/', Some(b'*')) => {
                i = memchr::memmem::find(&src[i + 2..], b"*/").map_or(src.len(), |e| i + 2 + e + 2);
            }
            (b' ' | b'\t' | b'\r' | b'\n', _) => i += 1,
            (c, _) => {
                first_token.get_or_insert(i);
                i = match c {
                    b'"' | b'\'' => quoted(i + 1, c),
                    b'`' => (until(i + 1, b'`') + 1).min(src.len()),
                    _ => i + 1,
                };
            }
        }
    }
    (comments, first_token.unwrap_or(src.len()))
}

/// Byte offsets of line starts, for 1-based lines and columns.
struct LineStarts(Vec<usize>);

impl LineStarts {
    fn new(src: &[u8]) -> LineStarts {
        LineStarts(crate::syntax::tree::line_starts(src))
    }
    /// 1-based line of a byte offset.
    fn line(&self, at: usize) -> usize {
        self.0.partition_point(|&s| s <= at)
    }
    fn start(&self, line: usize) -> usize {
        self.0[line - 1]
    }
    fn span(&self, start: usize, end: usize) -> Span {
        let (line, end_line) = (self.line(start), self.line(end));
        Span {
            start,
            end,
            line,
            column: start - self.start(line) + 1,
            end_line,
            end_column: end - self.start(end_line) + 1,
        }
    }
}

/// The text after the comment marker (`//` or `#`) when the comment is an abiport
/// directive (`//abiport:` or `// abiport:`).
fn directive_text<'c>(comment: &'c str, marker: &str) -> Option<&'c str> {
    let body = comment.strip_prefix(marker)?;
    let body = body.strip_prefix(' ').unwrap_or(body);
    body.starts_with("abiport:").then_some(body)
}

fn directive(
    src: &[u8],
    lines: &LineStarts,
    start: usize,
    end: usize,
    header_end: usize,
    marker: &str,
) -> Option<Directive> {
    let comment = std::str::from_utf8(&src[start..end]).ok()?;
    let comment = comment.trim_end_matches('\r');
    // A comment after the directive (`-- reason // TODO`) is not part of it.
    let after_marker = format!(" {marker}");
    let comment = &comment[..comment[marker.len()..]
        .find(&after_marker)
        .map_or(comment.len(), |i| i + marker.len())];
    let comment = comment.trim_end();
    let end = start + comment.len();
    let after = src[end..]
        .iter()
        .take_while(|b| **b == b' ' || **b == b'\t')
        .count();
    // What follows on the line: a comment kept when the directive goes.
    let rest_of_line = !matches!(src.get(end + after), None | Some(b'\n') | Some(b'\r'));
    let body = directive_text(comment, marker)?;
    let line = lines.line(start);
    let line_start = lines.start(line);
    let own_line = src[line_start..start]
        .iter()
        .all(|b| *b == b' ' || *b == b'\t');
    let delete = if rest_of_line {
        Edit::replace(start, end + after, "")
    } else if own_line {
        let next = if src.get(end) == Some(&b'\n') {
            end + 1
        } else {
            end
        };
        let next = if src.get(end) == Some(&b'\r') && src.get(end + 1) == Some(&b'\n') {
            end + 2
        } else {
            next
        };
        Edit::replace(line_start, next, "")
    } else {
        let code_end = start
            - src[line_start..start]
                .iter()
                .rev()
                .take_while(|b| **b == b' ' || **b == b'\t')
                .count();
        Edit::replace(code_end, end, "")
    };
    let mut d = Directive {
        scope: Scope::Line(line),
        verb: "abiport:ignore",
        span: lines.span(start, end),
        rules: Vec::new(),
        rules_at: (end, end),
        arches: None,
        configs: None,
        problem: None,
        delete,
    };
    let word_end = body.find(char::is_whitespace).unwrap_or(body.len());
    let verb = &body[..word_end];
    match verb {
        "abiport:ignore" => {
            if own_line {
                d.scope = Scope::Line(target_line(src, lines, line, marker));
            }
        }
        "abiport:file-ignore" => {
            d.verb = "abiport:file-ignore";
            d.scope = Scope::File;
            if start > header_end {
                d.problem = Some((
                    "`abiport:file-ignore` after the package clause accepts nothing".into(),
                    "move it into the file's header, above the package clause".into(),
                ));
                return Some(d);
            }
        }
        _ => {
            d.problem = Some((
                format!("unknown directive `{verb}`"),
                "abiport reads `//abiport:ignore RULE -- reason` and \
                 `//abiport:file-ignore RULE -- reason`"
                    .into(),
            ));
            return Some(d);
        }
    }
    // Offset of `body` in the file, to locate the rule list.
    let body_at = end - body.len();
    let rest = &body[word_end..];
    let (head, reason) = match rest.find("--") {
        Some(i) => (&rest[..i], rest[i + 2..].trim()),
        None => (rest, ""),
    };
    let mut words = head.split_whitespace();
    let Some(list) = words.next().filter(|w| !w.contains('=')) else {
        d.problem = Some((
            format!("`{}` names no rule", d.verb),
            format!(
                "name the rules it accepts: `//{} undefined-on-arch -- reason`",
                d.verb
            ),
        ));
        return Some(d);
    };
    let list_at = body_at + word_end + (list.as_ptr() as usize - head.as_ptr() as usize);
    d.rules_at = (list_at, list_at + list.len());
    for id in list.split(',').filter(|s| !s.is_empty()) {
        match rule_id(id) {
            Ok(id) => d.rules.push(id),
            Err(problem) => {
                d.problem = Some(problem);
                return Some(d);
            }
        }
    }
    for word in words {
        let problem = match word.split_once('=') {
            Some(("arch", list)) => match ArchSet::parse_list(list) {
                Ok(set) if !set.is_empty() => {
                    d.arches = Some(set);
                    continue;
                }
                Ok(_) => (
                    "`arch=` names no arch".into(),
                    "give arch=mips64le,…".into(),
                ),
                Err(e) => (e.to_string(), "the names are GOARCH values".into()),
            },
            Some(("cgo", setting)) => match CgoSet::parse(setting) {
                Ok(set) => {
                    d.configs = Some(set);
                    continue;
                }
                Err(e) => (e, "give cgo=on or cgo=off".into()),
            },
            _ => (
                format!("unexpected `{word}` in `{}`", d.verb),
                "after the rules come only `arch=LIST`, `cgo=on|off` and ` -- reason`".into(),
            ),
        };
        d.problem = Some(problem);
        return Some(d);
    }
    if reason.is_empty() {
        d.problem = Some((
            format!("`{}` without a reason accepts nothing", d.verb),
            format!(
                "say why the finding is accepted after ` -- `: `//{} {list} -- reason`",
                d.verb
            ),
        ));
    }
    Some(d)
}

/// A directive alone on line `line` accepts the findings of the next line that is not
/// itself a directive (several may stand above one line).
fn target_line(src: &[u8], lines: &LineStarts, line: usize, marker: &str) -> usize {
    let mut next = line + 1;
    while next <= lines.0.len() {
        let from = lines.start(next);
        let to = lines.0.get(next).copied().unwrap_or(src.len());
        let text = String::from_utf8_lossy(&src[from..to]);
        if directive_text(text.trim(), marker).is_none() {
            break;
        }
        next += 1;
    }
    next
}

/// A rule id a suppression may name, or why not.
fn rule_id(id: &str) -> Result<&'static str, (String, String)> {
    if id == "all" || id == "*" {
        return Err((
            format!("`{id}` is not a rule: a suppression names the rules it accepts"),
            format!("rules: {}", checked_rules().collect::<Vec<_>>().join(", ")),
        ));
    }
    if id == INVALID || id == UNUSED {
        return Err((
            format!("`{id}` cannot be suppressed"),
            "fix the directive or entry, or deselect the rule with --rules".into(),
        ));
    }
    if let Some(known) = checked_rules().find(|r| *r == id) {
        return Ok(known);
    }
    let near = crate::suggest::closest(id, checked_rules(), 3);
    let help = if near.is_empty() {
        format!("rules: {}", checked_rules().collect::<Vec<_>>().join(", "))
    } else {
        format!("did you mean {}?", near.join(", "))
    };
    Err((format!("unknown rule `{id}`"), help))
}

/// The rules whose findings a suppression can accept.
fn checked_rules() -> impl Iterator<Item = &'static str> {
    rules::ids().filter(|id| *id != INVALID && *id != UNUSED)
}

/// The directives of one file the scan read.
#[derive(Clone, Debug)]
pub struct FileDirectives {
    pub file: FileId,
    /// Root-relative, as findings name it.
    pub path: String,
    /// The arches it builds for under any judged cgo setting: directives of a file that
    /// builds for no scanned arch are never judged unused.
    pub arches: ArchSet,
    pub directives: Vec<Directive>,
    /// The bytes read, for `fix --apply`'s check that the file did not change since.
    pub digest: crate::walk::Digest,
}

/// One `[[ignore]]` entry of the ignore file.
#[derive(Clone, Debug)]
pub struct Entry {
    pub rule: &'static str,
    pub path: String,
    glob: GlobMatcher,
    pub reason: String,
    pub arches: Option<ArchSet>,
    pub configs: Option<CgoSet>,
    /// Only the finding with this fingerprint (`abiport scan --format json` prints it):
    /// one accepted occurrence, not every finding of the rule under the path.
    pub fingerprint: Option<String>,
    /// The entry's `rule = …` line.
    pub span: Span,
    /// Deletes the entry: its `[[ignore]]` table up to the next table.
    pub delete: Edit,
}

impl Entry {
    /// The glob matches the path or a directory above it (`vendor/github.com/x` covers
    /// everything below it).
    fn matches(&self, finding: &Finding) -> bool {
        let path = finding.path.as_str();
        if self
            .fingerprint
            .as_ref()
            .is_some_and(|want| finding.fingerprint().as_ref() != Some(want))
        {
            return false;
        }
        self.glob.is_match(path)
            || path
                .match_indices('/')
                .any(|(i, _)| self.glob.is_match(&path[..i]))
    }
}

/// The reviewed ignore file: entries accepting a rule's findings under a path glob, with a
/// reason, for trees whose sources should not carry directives (vendored code).
#[derive(Clone, Debug)]
pub struct IgnoreFile {
    /// As findings name it: root-relative when inside the root, else absolute.
    pub path: String,
    /// Inside the scanned root: its stale entries get a fix deleting them.
    pub in_tree: bool,
    pub entries: Vec<Entry>,
    pub digest: crate::walk::Digest,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    ignore: Vec<RawEntry>,
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    rule: toml::Spanned<String>,
    path: toml::Spanned<String>,
    reason: Option<toml::Spanned<String>>,
    arches: Option<toml::Spanned<Vec<String>>>,
    cgo: Option<toml::Spanned<String>>,
    fingerprint: Option<toml::Spanned<String>>,
}

/// Read the ignore file at `file` (shown as `shown`; `in_tree`: it lies inside the scanned
/// root). Syntax errors, unknown keys and bad values name the file, line and key.
pub fn load_ignore_file(
    file: &Path,
    shown: String,
    in_tree: bool,
) -> Result<IgnoreFile, UserError> {
    let bytes = std::fs::read(file)
        .map_err(|e| UserError::new(format!("{}: cannot read: {e}", file.display())))?;
    let text = String::from_utf8(bytes.clone())
        .map_err(|_| UserError::new(format!("{shown}: not UTF-8")))?;
    let lines = LineStarts::new(text.as_bytes());
    let at = |range: std::ops::Range<usize>| lines.line(range.start.min(text.len()));
    // The key on a line, for messages about values.
    let key_on = |line: usize| -> String {
        let from = lines.start(line);
        let rest = &text[from..];
        let rest = &rest[..rest.find('\n').unwrap_or(rest.len())];
        rest.split_once('=')
            .map(|(k, _)| k.trim().to_string())
            .filter(|k| !k.starts_with(['[', '#']))
            .unwrap_or_default()
    };
    let error = |line: usize, key: &str, message: &str| {
        let key = if key.is_empty() {
            String::new()
        } else {
            format!(" key `{key}`:")
        };
        UserError::new(format!("{shown}:{line}:{key} {message}"))
            .with_help("entries are [[ignore]] tables: rule = \"ID\", path = \"GLOB\", reason = \"…\", optional arches = [\"mips64le\"], cgo = \"on\"|\"off\", fingerprint = \"<32 hex digits>\"")
    };
    let raw: RawFile = toml::from_str(&text).map_err(|e| {
        let line = e.span().map_or(1, &at);
        let message = e.message().trim().replace('\n', "; ");
        let key = key_on(line);
        error(line, &key, &message)
    })?;
    let mut entries = Vec::new();
    for e in raw.ignore {
        let line = at(e.rule.span());
        let rule = rule_id(e.rule.get_ref()).map_err(|(m, h)| {
            let mut err = error(line, "rule", &m);
            err.help = Some(h);
            err
        })?;
        let path_line = at(e.path.span());
        let pattern = e.path.get_ref().trim_end_matches('/');
        let glob = GlobBuilder::new(pattern)
            .literal_separator(true)
            .build()
            .map_err(|g| error(path_line, "path", &format!("bad glob: {}", g.kind())))?
            .compile_matcher();
        let reason = match &e.reason {
            Some(r) if !r.get_ref().trim().is_empty() => r.get_ref().trim().to_string(),
            Some(r) => {
                return Err(error(
                    at(r.span()),
                    "reason",
                    "is empty: say why the findings are accepted",
                ))
            }
            None => {
                return Err(error(
                    line,
                    "reason",
                    "missing: every entry says why its findings are accepted",
                ))
            }
        };
        let arches = match &e.arches {
            None => None,
            Some(list) => {
                let set = ArchSet::parse_list(&list.get_ref().join(","))
                    .map_err(|x| error(at(list.span()), "arches", &x.to_string()))?;
                if set.is_empty() {
                    return Err(error(at(list.span()), "arches", "names no arch"));
                }
                Some(set)
            }
        };
        let configs = match &e.cgo {
            None => None,
            Some(c) => {
                Some(CgoSet::parse(c.get_ref()).map_err(|x| error(at(c.span()), "cgo", &x))?)
            }
        };
        let fingerprint = match &e.fingerprint {
            None => None,
            Some(f) => {
                let text = f.get_ref().trim().to_ascii_lowercase();
                if text.len() != 32 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(error(
                        at(f.span()),
                        "fingerprint",
                        "is not a finding's fingerprint (32 hex digits, as `scan --format json` prints)",
                    ));
                }
                Some(text)
            }
        };
        let span = lines.span(e.rule.span().start, e.rule.span().end);
        entries.push(Entry {
            rule,
            path: e.path.get_ref().clone(),
            glob,
            reason,
            arches,
            configs,
            fingerprint,
            delete: table_deletion(&text, &lines, line),
            span,
        });
    }
    Ok(IgnoreFile {
        path: shown,
        in_tree,
        entries,
        digest: crate::walk::digest(&bytes),
    })
}

/// The edit deleting the `[[ignore]]` table holding `line`: from its header line to the
/// next table header (or the end).
fn table_deletion(text: &str, lines: &LineStarts, line: usize) -> Edit {
    let is_header = |l: usize| text[lines.start(l)..].trim_start().starts_with('[');
    let mut first = line;
    while first > 1 && !is_header(first) {
        first -= 1;
    }
    let mut next = line + 1;
    while next <= lines.0.len() && lines.start(next) < text.len() && !is_header(next) {
        next += 1;
    }
    let end = if next <= lines.0.len() {
        lines.start(next)
    } else {
        text.len()
    };
    Edit::replace(lines.start(first), end.min(text.len()), "")
}

/// What the scan judged: a suppression of another rule, arch or setting cannot be called
/// unused.
pub struct Judged<'a> {
    pub rules: &'a [&'static str],
    pub targets: ArchSet,
    pub configs: CgoSet,
    /// The whole tree was reported (not one file of it): ignore-file entries can be judged.
    pub whole_tree: bool,
}

impl Judged<'_> {
    /// The arches and settings a suppression was judged on.
    fn on(&self, reach: &Reach) -> (ArchSet, CgoSet) {
        (
            self.targets.intersect(reach.arches.unwrap_or(ArchSet::ALL)),
            self.configs
                .intersect(reach.configs.unwrap_or(CgoSet::BOTH)),
        )
    }
}

/// A suppression's reach.
struct Reach {
    /// Where it is, for the fact of a finding it narrows.
    origin: String,
    rules: Vec<&'static str>,
    arches: Option<ArchSet>,
    configs: Option<CgoSet>,
}

/// Apply the suppressions to the sorted findings (narrowing or dropping them), then add the
/// `invalid-suppression` and `unused-suppression` findings of the rules selected. Returns
/// the files those findings' fixes edit, with the digest of the bytes read.
pub fn apply(
    findings: &mut Vec<Finding>,
    files: &[FileDirectives],
    ignore: Option<&IgnoreFile>,
    judged: &Judged<'_>,
) -> Vec<(String, crate::walk::Digest)> {
    let by_path: HashMap<&str, &FileDirectives> =
        files.iter().map(|f| (f.path.as_str(), f)).collect();
    // Every suppression, in the order it is tried: a finding is taken by the most specific
    // first (its line, its file, the ignore file), so a redundant one shows as unused.
    let mut reach: Vec<Reach> = Vec::new();
    let mut inline_at: HashMap<(usize, usize), usize> = HashMap::new();
    for (fi, f) in files.iter().enumerate() {
        for (di, d) in f.directives.iter().enumerate() {
            if d.problem.is_none() {
                inline_at.insert((fi, di), reach.len());
                reach.push(Reach {
                    origin: format!("`{}` on line {}", d.verb, d.span.line),
                    rules: d.rules.clone(),
                    arches: d.arches,
                    configs: d.configs,
                });
            }
        }
    }
    let entries_from = reach.len();
    for e in ignore.map_or(&[][..], |i| &i.entries) {
        reach.push(Reach {
            origin: format!("{}:{}", ignore.map_or("", |i| &i.path), e.span.line),
            rules: vec![e.rule],
            arches: e.arches,
            configs: e.configs,
        });
    }
    let file_index: HashMap<&str, usize> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (f.path.as_str(), i))
        .collect();
    let mut used: Vec<Vec<bool>> = reach.iter().map(|r| vec![false; r.rules.len()]).collect();
    let mut kept = Vec::with_capacity(findings.len());
    for f in findings.drain(..) {
        let mut order: Vec<usize> = Vec::new();
        if let (Some(dirs), Some(&fi)) = (
            by_path.get(f.path.as_str()),
            file_index.get(f.path.as_str()),
        ) {
            for scope in [Scope::Line(f.span.line), Scope::File] {
                for (di, d) in dirs.directives.iter().enumerate() {
                    if d.scope == scope {
                        if let Some(&r) = inline_at.get(&(fi, di)) {
                            order.push(r);
                        }
                    }
                }
            }
        }
        if let Some(ignore) = ignore {
            for (i, e) in ignore.entries.iter().enumerate() {
                if e.matches(&f) {
                    order.push(entries_from + i);
                }
            }
        }
        // What is left of the finding, as (arches, cgo settings) pieces.
        let mut pieces = vec![(f.arches, f.configs)];
        let mut accepted = ArchSet::EMPTY;
        let mut by: Vec<&str> = Vec::new();
        for r in order {
            let Some(k) = reach[r].rules.iter().position(|id| *id == f.rule) else {
                continue;
            };
            let a = reach[r].arches.unwrap_or(ArchSet::ALL);
            let c = reach[r].configs.unwrap_or(CgoSet::BOTH);
            let mut next = Vec::new();
            for (pa, pc) in pieces {
                if pa.intersect(a).is_empty() || pc.intersect(c).is_empty() {
                    next.push((pa, pc));
                    continue;
                }
                used[r][k] = true;
                accepted = accepted.union(pa.intersect(a));
                if !by.contains(&reach[r].origin.as_str()) {
                    by.push(&reach[r].origin);
                }
                if !pa.minus(a).is_empty() {
                    next.push((pa.minus(a), pc));
                }
                if !pc.minus(c).is_empty() {
                    next.push((pa.intersect(a), pc.minus(c)));
                }
            }
            pieces = next;
        }
        // A finding left for some arches says which were accepted, and by what. Its fix was
        // built for every arch it broke on: applied, it would change the accepted code too
        // (and leave the suppression unused), so it is withdrawn.
        let mut f = f;
        if !by.is_empty() && !pieces.is_empty() {
            f.fact = format!(
                "{}; accepted on {} by {}",
                f.fact,
                accepted.names().join(", "),
                by.join(", ")
            );
            if f.fix.take().is_some() {
                f.no_fix = Some(NoFix::Why(
                    "its fix would change the code for the accepted arches too".into(),
                ));
            }
        }
        for (arches, configs) in pieces {
            kept.push(Finding {
                arches,
                configs,
                ..f.clone()
            });
        }
    }
    *findings = kept;

    let mut edited = Vec::new();
    let selected = |id: &str| judged.rules.contains(&id);
    for (fi, f) in files.iter().enumerate() {
        for (di, d) in f.directives.iter().enumerate() {
            if let Some((message, help)) = &d.problem {
                if selected(INVALID) {
                    findings.push(pseudo(
                        INVALID,
                        Severity::Error,
                        f.file,
                        &f.path,
                        d.span,
                        (judged.targets, judged.configs),
                        message.clone(),
                        help.clone(),
                    ));
                }
                continue;
            }
            if !selected(UNUSED) || f.arches.intersect(judged.targets).is_empty() {
                continue;
            }
            let r = inline_at[&(fi, di)];
            let Some(unused) = unused_rules(&reach[r], &used[r], judged) else {
                continue;
            };
            let keep: Vec<&str> = d
                .rules
                .iter()
                .copied()
                .filter(|id| !unused.contains(id))
                .collect();
            let (fix, what) = if keep.is_empty() {
                (
                    Fix::safe("delete the unused suppression", vec![d.delete.clone()]),
                    "it".to_string(),
                )
            } else {
                (
                    Fix::safe(
                        format!("remove {} from the suppression", quoted(&unused)),
                        vec![Edit::replace(d.rules_at.0, d.rules_at.1, keep.join(","))],
                    ),
                    quoted(&unused),
                )
            };
            let whom = match d.scope {
                Scope::Line(l) => format!("line {l}"),
                Scope::File => "this file".into(),
            };
            let mut finding = pseudo(
                UNUSED,
                Severity::Warning,
                f.file,
                &f.path,
                d.span,
                judged.on(&reach[r]),
                format!(
                    "unused suppression: no {} finding on {whom} to accept",
                    quoted(&unused)
                ),
                format!(
                    "`{}` accepted nothing on the arches scanned ({}); delete {what}, or run \
                     the scan the directive was written for",
                    d.verb,
                    judged.targets.names().join(", ")
                ),
            );
            finding.fix = Some(fix);
            findings.push(finding);
            if !edited.iter().any(|(p, _)| p == &f.path) {
                edited.push((f.path.clone(), f.digest));
            }
        }
    }
    if let (Some(ignore), true, true) = (ignore, selected(UNUSED), judged.whole_tree) {
        for (i, e) in ignore.entries.iter().enumerate() {
            let r = entries_from + i;
            if unused_rules(&reach[r], &used[r], judged).is_none() {
                continue;
            }
            let mut finding = pseudo(
                UNUSED,
                Severity::Warning,
                NOT_INDEXED,
                &ignore.path,
                e.span,
                judged.on(&reach[r]),
                format!("stale ignore entry: no `{}` finding under `{}` to accept", e.rule, e.path),
                format!(
                    "the entry accepted nothing on the arches scanned ({}); delete it once reviewed",
                    judged.targets.names().join(", ")
                ),
            );
            let delete = vec![e.delete.clone()];
            if ignore.in_tree {
                finding.fix = Some(Fix::safe("delete the stale ignore entry", delete));
                if !edited.iter().any(|(p, _)| p == &ignore.path) {
                    edited.push((ignore.path.clone(), ignore.digest));
                }
            } else {
                // `fix` never writes outside the tree: the deletion is shown, not applied.
                finding.fix = Some(
                    Fix::display_only("delete the stale ignore entry", delete)
                        .with_note("the ignore file lies outside the scanned tree"),
                );
            }
            findings.push(finding);
        }
    }
    edited
}

/// The rules of a suppression that accepted nothing, when it can be judged: each ran, on
/// every arch and cgo setting the suppression names. `None` when nothing is unused.
fn unused_rules(reach: &Reach, used: &[bool], judged: &Judged<'_>) -> Option<Vec<&'static str>> {
    if reach
        .arches
        .is_some_and(|a| !a.minus(judged.targets).is_empty())
        || reach
            .configs
            .is_some_and(|c| !c.minus(judged.configs).is_empty())
    {
        return None;
    }
    let unused: Vec<&'static str> = reach
        .rules
        .iter()
        .zip(used)
        .filter(|(id, used)| !**used && judged.rules.contains(id))
        .map(|(id, _)| *id)
        .collect();
    (!unused.is_empty()).then_some(unused)
}

fn quoted(ids: &[&str]) -> String {
    ids.iter()
        .map(|id| format!("`{id}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Whether findings of `rule` come from this module (they break no arch: their arches
/// are those they were judged on).
pub fn is_suppression_rule(rule: &str) -> bool {
    rule == INVALID || rule == UNUSED
}

/// A finding of this module, judged on `on` (the arches and cgo settings scanned, as far
/// as the suppression names them).
#[allow(clippy::too_many_arguments)]
fn pseudo(
    rule: &'static str,
    severity: Severity,
    file: FileId,
    path: &str,
    span: Span,
    on: (ArchSet, CgoSet),
    message: String,
    fact: String,
) -> Finding {
    Finding {
        rule,
        severity,
        file,
        path: path.to_string(),
        span,
        arches: on.0,
        configs: on.1,
        message,
        fact,
        payload: Default::default(),
        no_fix: None,
        fix: None,
        anchor: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_comments_outside_literals_are_directives() {
        let src = "//abiport:file-ignore raw-syscall-abi -- header\n\
                   package p\n\
                   var a = \"//abiport:ignore raw-syscall-abi -- in a string\"\n\
                   var b = `\n//abiport:ignore raw-syscall-abi -- in a raw string\n`\n\
                   var c = '\"' //abiport:ignore raw-syscall-abi -- after a rune\n\
                   /* //abiport:ignore raw-syscall-abi -- in a block comment */\n\
                   //abiport:file-ignore raw-syscall-abi -- too late\n";
        let got = directives(src.as_bytes());
        let lines: Vec<(usize, Scope, bool)> = got
            .iter()
            .map(|d| (d.span.line, d.scope, d.problem.is_none()))
            .collect();
        assert_eq!(
            lines,
            vec![
                (1, Scope::File, true),
                (7, Scope::Line(7), true),
                (9, Scope::File, false),
            ]
        );
    }

    #[test]
    fn directive_parts_and_deletions() {
        let src = "package p\n\n\t// abiport:ignore raw-syscall-abi,undefined-on-arch arch=mips64le,arm64 cgo=on -- why // more\nx()\n";
        let d = &directives(src.as_bytes())[0];
        assert_eq!(d.problem, None);
        assert_eq!(d.rules, vec!["raw-syscall-abi", "undefined-on-arch"]);
        assert_eq!(
            &src[d.rules_at.0..d.rules_at.1],
            "raw-syscall-abi,undefined-on-arch"
        );
        assert_eq!(d.arches.unwrap().names(), vec!["arm64", "mips64le"]);
        assert_eq!(d.configs, Some(CgoSet::single(crate::constraints::Cgo::On)));
        assert_eq!(d.scope, Scope::Line(4));
        // The trailing `// more` stays when the directive goes.
        let mut fixed = src.to_string();
        fixed.replace_range(d.delete.start..d.delete.end, &d.delete.text);
        assert_eq!(fixed, "package p\n\n\t// more\nx()\n");
        // Alone on its line (CRLF): the line goes.
        let src = "package p\r\n//abiport:ignore raw-syscall-abi -- why\r\nx()\r\n";
        let d = &directives(src.as_bytes())[0];
        assert_eq!(d.problem, None);
        let mut fixed = src.to_string();
        fixed.replace_range(d.delete.start..d.delete.end, "");
        assert_eq!(fixed, "package p\r\nx()\r\n");
    }

    #[test]
    fn reasons_and_ids_are_required() {
        let problem = |line: &str| {
            let src = format!("package p\n{line}\n");
            directives(src.as_bytes())[0]
                .problem
                .clone()
                .map(|p| p.0)
                .unwrap_or_default()
        };
        assert!(problem("//abiport:ignore raw-syscall-abi").contains("without a reason"));
        assert!(problem("//abiport:ignore raw-syscall-abi --   ").contains("without a reason"));
        assert!(problem("//abiport:ignore -- why").contains("names no rule"));
        assert!(problem("//abiport:ignore arch=arm64 -- why").contains("names no rule"));
        assert!(problem("//abiport:ignore all -- why").contains("`all` is not a rule"));
        assert!(problem("//abiport:ignore unused-suppression -- why").contains("cannot be"));
        assert!(problem("//abiport:ignore raw-syscall-abi cgo=maybe -- why").contains("maybe"));
        assert!(problem("//abiport:ignore raw-syscall-abi x -- why").contains("unexpected `x`"));
        assert_eq!(problem("//abiport:ignore raw-syscall-abi -- why"), "");
    }
}
