//! Findings are data: rules produce them, reporters render them, fixers apply them.
//!
//! A finding carries what its rule's fix builder needs from the check as a typed
//! [`Payload`], and why there is no fix as a [`NoFix`]; [`Finding::shown_fact`] is the one
//! place the fact is put together with the fix's caveat and that reason for display.

use crate::abi;
use crate::arch::ArchSet;
use crate::constraints::CgoSet;
use crate::index::{FileId, PkgId};
/// Spans are the tree's positions (`crate::syntax::tree`), named here with the findings.
pub use crate::syntax::tree::Span;
use serde::Serialize;
use std::borrow::Cow;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    /// Set by abiport.toml (`[severity]`): reported, never fails the run unless
    /// `fail-on = "info"`.
    Info,
}

impl Severity {
    /// Whether a finding of this severity is at or above `level` (`fail-on`).
    pub fn at_least(self, level: Severity) -> bool {
        // Declared most severe first.
        self <= level
    }
}

/// How safe a fix is to apply without review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    /// Keeps meaning on every arch; `fix --apply` applies it.
    Safe,
    /// Valid code that may change behaviour; applied only on request.
    Unsafe,
    /// Shown, never applied.
    DisplayOnly,
}

/// Replace `start..end` of the file with `text`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Edit {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

impl Edit {
    pub fn replace(start: usize, end: usize, text: impl Into<String>) -> Edit {
        Edit {
            start,
            end,
            text: text.into(),
        }
    }
    pub fn insert(at: usize, text: impl Into<String>) -> Edit {
        Edit::replace(at, at, text)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fix {
    /// Imperative, the whole story: "add mips64le to the build constraint of `x.go`; not
    /// arm: …" — the change, then what it leaves out and why.
    pub title: String,
    /// The change alone, in the title's first words: a patch's subject.
    #[serde(skip)]
    pub subject: String,
    /// A caveat about the fix, said after the finding's fact ("the fix is unsafe here: …").
    #[serde(skip)]
    pub note: Option<String>,
    pub applicability: Applicability,
    pub edits: Vec<Edit>,
    /// The file the edits apply to, relative to the scanned root, when it is not the
    /// finding's own file (a build constraint in the declaring file, a constant in x/sys).
    pub file: Option<String>,
}

impl Fix {
    /// A fix whose title is its subject (add to the title with [`Fix::detail`]).
    pub fn new(title: impl Into<String>, applicability: Applicability, edits: Vec<Edit>) -> Fix {
        let title = title.into();
        Fix {
            subject: title.clone(),
            title,
            note: None,
            applicability,
            edits,
            file: None,
        }
    }
    pub fn safe(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix::new(title, Applicability::Safe, edits)
    }
    pub fn unsafe_edit(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix::new(title, Applicability::Unsafe, edits)
    }
    pub fn display_only(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix::new(title, Applicability::DisplayOnly, edits)
    }
    /// Add to the title what the subject leaves out ("; not arm: …", " (unsafe: …)").
    pub fn detail(mut self, more: &str) -> Fix {
        self.title.push_str(more);
        self
    }
    /// A caveat shown after the finding's fact.
    pub fn with_note(mut self, note: impl Into<String>) -> Fix {
        self.note = Some(note.into());
        self
    }
    /// The edits apply to `path` (relative to the scanned root), not the finding's file.
    pub fn in_file(mut self, path: impl Into<String>) -> Fix {
        self.file = Some(path.into());
        self
    }
    /// The file the edits apply to, given the finding's own path.
    pub fn target<'a>(&'a self, finding_path: &'a str) -> &'a str {
        self.file.as_deref().unwrap_or(finding_path)
    }
}

/// Why a finding has no fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoFix {
    /// Shown as "no automatic fix: {why}", the words every rule uses.
    Why(String),
    /// Shown as "no fix: {why}": epoll-event-layout's wording, kept as its output has it.
    Terse(String),
}

/// What a rule's fix builder needs to know from the check (the builder has the file's tree
/// and source; the payload holds what only the analysis knew).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Payload {
    /// Nothing: the rule has no fix for this finding, or its fix reads only the tree.
    #[default]
    None,
    /// A package-level `name` of `package` (a package of the scanned tree) used where it is
    /// undefined: undefined-on-arch extends the declaring file's build constraint; a
    /// `SYS_*` name missing from a vendored x/sys gets its number added there.
    Undefined { package: PkgId, name: String },
    /// kernel-struct-mirror: the local `type_name` passed to raw `syscall` as the kernel's
    /// `struct kernel_struct`.
    Mirror {
        type_name: String,
        syscall: &'static str,
        kernel_struct: &'static str,
    },
    /// arch-constant-literal: the integer literal is `value`, the reference arch's `names`
    /// (or-ed) of `package`.
    Constants {
        value: i128,
        names: Vec<&'static str>,
        package: abi::Package,
    },
    /// arch-constant-literal: `const X = <literal>` whose value is the reference arch's
    /// table constant `name`.
    ConstDecl { name: String },
    /// syscall-number-literal: a literal trap that `replacement` (`unix.SYS_X`) names on
    /// every arch the file builds for.
    SyscallName { replacement: String },
    /// abi-struct-drift: a vendored `SYS_*` constant (spanned at its `const_spec`), the
    /// kernel's number on `arch`, and the copy's.
    SysnumValue {
        name: String,
        arch: crate::arch::Arch,
        want: i128,
        was: u64,
    },
    /// abi-struct-drift: a drifted struct `name` of the copy `package` (of table
    /// `table`), to rewrite for `arches`.
    StructRewrite {
        package: PkgId,
        table: abi::Package,
        name: String,
        arches: ArchSet,
    },
    /// epoll-event-layout: a positional `owner` literal; the reference arch's fields in
    /// order, each with why it is not a field of `owner` on every arch, if it is not.
    PositionalLiteral {
        owner: String,
        fields: Vec<(String, Option<String>)>,
    },
    /// struct-field-width: convert `start..end` (`shown`) to `ty`; `why` explains it in
    /// the nolint comment.
    Convert {
        start: usize,
        end: usize,
        ty: String,
        shown: String,
        why: String,
    },
    /// raw-syscall-abi: a raw `SYS_PIPE` (spanned at the trap).
    RawPipe,
    /// raw-syscall-abi: raw `sys` into a `qualifier.Stat_t` of table `package` (spanned at
    /// the `Stat_t` argument).
    RawStat {
        sys: String,
        qualifier: String,
        package: abi::Package,
    },
}

/// One problem at one span, for every arch it breaks on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    /// The file of the index the finding is in.
    pub file: FileId,
    /// Path relative to the scanned root, `/` separated.
    pub path: String,
    pub span: Span,
    pub arches: ArchSet,
    /// The cgo settings it breaks under (of those the scan judged): a finding in a file that
    /// builds only with cgo breaks only with `CGO_ENABLED=1`.
    pub configs: CgoSet,
    /// May cite paths of the tree ([`cite`]): shown through `report::DisplayPaths::text`,
    /// or [`uncited`] (relative to the scanned root), as are the fact and the fix's title.
    pub message: String,
    /// The ABI fact behind the finding, with its source. Shown with the fix's caveat and
    /// why there is no fix: [`Finding::shown_fact`].
    pub fact: String,
    /// What the rule's fix builder needs from the check.
    pub payload: Payload,
    /// Why there is no fix, when the rule says.
    pub no_fix: Option<NoFix>,
    pub fix: Option<Fix>,
    /// Where the finding sits in the code, without line numbers: set by the scan, read by
    /// [`Finding::fingerprint`].
    pub anchor: Option<Anchor>,
}

/// A finding's code identity (README "Baseline"): its enclosing top-level declaration and
/// its whitespace-collapsed text (`syntax::anchor::Anchors::code_anchor`), and how many findings of
/// the same rule, file and code come before it in that declaration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Anchor {
    pub code: String,
    pub occurrence: usize,
}

impl Finding {
    /// An error of `rule` at `span` of `file` (`path`), under every cgo setting judged,
    /// without payload or fix yet.
    pub fn at(
        rule: &'static str,
        file: FileId,
        path: String,
        span: Span,
        arches: ArchSet,
        message: String,
        fact: String,
    ) -> Finding {
        Finding {
            rule,
            severity: Severity::Error,
            file,
            path,
            span,
            arches,
            configs: crate::constraints::CgoSet::BOTH,
            message,
            fact,
            payload: Payload::None,
            no_fix: None,
            fix: None,
            anchor: None,
        }
    }

    /// The finding's fingerprint: 32 hex digits of SHA-256 over the rule, the path and the
    /// anchor. Adding lines above it or moving its function keeps it; changing the
    /// offending code or renaming the enclosing declaration changes it. `None` when the
    /// scan could not place the finding in its file's tree.
    pub fn fingerprint(&self) -> Option<String> {
        use sha2::{Digest, Sha256};
        let anchor = self.anchor.as_ref()?;
        let mut h = Sha256::new();
        for part in [self.rule, &self.path, &anchor.code] {
            h.update(part.as_bytes());
            h.update([0]);
        }
        h.update(anchor.occurrence.to_string().as_bytes());
        let digest = h.finalize();
        Some(digest[..16].iter().map(|b| format!("{b:02x}")).collect())
    }

    /// The same finding carrying `payload` for its fix builder.
    pub fn with_payload(mut self, payload: Payload) -> Finding {
        self.payload = payload;
        self
    }

    /// Record why no fix is offered (shown after the fact as "no automatic fix: …").
    pub fn set_no_fix(&mut self, why: impl Into<String>) {
        debug_assert!(self.no_fix.is_none(), "{self:?}");
        self.no_fix = Some(NoFix::Why(why.into()));
    }

    /// The fact as every output shows it: the ABI fact, then the fix's caveat, then why
    /// there is no fix.
    pub fn shown_fact(&self) -> Cow<'_, str> {
        let note = self.fix.as_ref().and_then(|f| f.note.as_deref());
        if note.is_none() && self.no_fix.is_none() {
            return Cow::Borrowed(&self.fact);
        }
        let mut text = self.fact.clone();
        if let Some(note) = note {
            text.push_str("; ");
            text.push_str(note);
        }
        match &self.no_fix {
            Some(NoFix::Why(why)) => text.push_str(&format!("; no automatic fix: {why}")),
            Some(NoFix::Terse(why)) => text.push_str(&format!("; no fix: {why}")),
            None => {}
        }
        Cow::Owned(text)
    }

    /// The places of the tree the finding's texts cite (its message, the fact as shown,
    /// its fix's title), each once, in that order.
    pub fn related(&self) -> Vec<Related> {
        let mut out = Vec::new();
        cited_in(&self.message, &mut out);
        cited_in(&self.shown_fact(), &mut out);
        if let Some(fix) = &self.fix {
            cited_in(&fix.title, &mut out);
        }
        // A file cited with a line and without (a fix naming the declaring file): once.
        let with_line: Vec<String> = out
            .iter()
            .filter(|r| r.line.is_some())
            .map(|r| r.path.clone())
            .collect();
        out.retain(|r| r.line.is_some() || !with_line.contains(&r.path));
        out
    }

    /// The finding with its path and the paths its texts cite put below `prefix` (a root
    /// merged with others: the way from the current directory to it).
    pub fn prefix_paths(mut self, prefix: &str) -> Finding {
        let at = |p: &str| cite(&format!("{prefix}{p}"));
        self.path = format!("{prefix}{}", self.path);
        self.message = show_cited(&self.message, at).into_owned();
        self.fact = show_cited(&self.fact, at).into_owned();
        self.no_fix = self.no_fix.map(|n| match n {
            NoFix::Why(w) => NoFix::Why(show_cited(&w, at).into_owned()),
            NoFix::Terse(w) => NoFix::Terse(show_cited(&w, at).into_owned()),
        });
        if let Some(fix) = &mut self.fix {
            for text in [&mut fix.title, &mut fix.subject] {
                *text = show_cited(text, at).into_owned();
            }
            if let Some(note) = &mut fix.note {
                *note = show_cited(note, at).into_owned();
            }
            if let Some(file) = &mut fix.file {
                *file = format!("{prefix}{file}");
            }
        }
        self
    }

    /// Output order: path, position, rule.
    pub fn sort_key(&self) -> (&str, usize, usize, &str, usize, usize) {
        (
            &self.path,
            self.span.line,
            self.span.column,
            self.rule,
            self.span.end_line,
            self.span.end_column,
        )
    }
}

/// Marks around a path of the scanned tree cited in a finding's text (message, fact, why
/// there is no fix, fix title): the path stays relative to the scanned root, as the
/// finding's own path does (fingerprints, baselines and globs read those), and each output
/// shows it as it shows that path ([`show_cited`]). Private-use characters, which no
/// message holds.
const CITE_OPEN: char = '\u{E000}';
const CITE_CLOSE: char = '\u{E001}';

/// `path` (relative to the scanned root) marked as cited, to put in a finding's text.
pub fn cite(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 2 * CITE_OPEN.len_utf8());
    push_cited(&mut out, path);
    out
}

/// [`cite`] onto the end of `out` (one allocation for a fact citing many files).
pub fn push_cited(out: &mut String, path: &str) {
    out.push(CITE_OPEN);
    if path.contains([CITE_OPEN, CITE_CLOSE]) {
        // A file name holding the marks themselves must not end the citation early.
        let path = path
            .replace(CITE_OPEN, "\\u{e000}")
            .replace(CITE_CLOSE, "\\u{e001}");
        out.push_str(&path);
    } else {
        out.push_str(path);
    }
    out.push(CITE_CLOSE);
}

/// `text` with every cited path as `show` gives it (unmarked as it is: `|p| p.into()`).
pub fn show_cited<'a>(text: &'a str, show: impl Fn(&str) -> String) -> Cow<'a, str> {
    if !text.contains(CITE_OPEN) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(CITE_OPEN) {
        out.push_str(&rest[..start]);
        let after = &rest[start + CITE_OPEN.len_utf8()..];
        match after.find(CITE_CLOSE) {
            Some(end) => {
                out.push_str(&show(&after[..end]));
                rest = &after[end + CITE_CLOSE.len_utf8()..];
            }
            None => {
                rest = after;
                break;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// `text` with its cited paths as they are, relative to the scanned root.
pub fn uncited(text: &str) -> Cow<'_, str> {
    show_cited(text, |p| p.to_string())
}

/// A place in the tree a finding's text cites (a declaration, a use): SARIF's
/// `relatedLocations`, JSON's `related`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Related {
    /// Relative to the scanned root, as [`Finding::path`].
    pub path: String,
    /// When the text names one (`path:line`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

/// The places `text` cites, in order.
fn cited_in(text: &str, out: &mut Vec<Related>) {
    let mut rest = text;
    while let Some(start) = rest.find(CITE_OPEN) {
        let after = &rest[start + CITE_OPEN.len_utf8()..];
        let Some(end) = after.find(CITE_CLOSE) else {
            return;
        };
        let tail = &after[end + CITE_CLOSE.len_utf8()..];
        let digits: String = tail
            .strip_prefix(':')
            .unwrap_or("")
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        let related = Related {
            path: after[..end].to_string(),
            line: digits.parse().ok(),
        };
        if !out.contains(&related) {
            out.push(related);
        }
        rest = tail;
    }
}

/// Sort findings deterministically and merge duplicates of (rule, path, span) found under
/// the same cgo settings into one finding carrying the union of their arches; then merge
/// copies found under different cgo settings for the same arches (one finding per
/// configuration set, so no arch is claimed for a setting it does not break under).
pub fn normalize(findings: &mut Vec<Finding>) {
    let same_place =
        |a: &Finding, b: &Finding| a.rule == b.rule && a.path == b.path && a.span == b.span;
    findings.sort_by(|a, b| {
        a.sort_key()
            .cmp(&b.sort_key())
            .then_with(|| a.configs.cmp(&b.configs))
            .then_with(|| a.message.cmp(&b.message))
    });
    findings.dedup_by(|later, first| {
        if same_place(later, first) && later.configs == first.configs {
            first.arches = first.arches.union(later.arches);
            true
        } else {
            false
        }
    });
    findings.dedup_by(|later, first| {
        if same_place(later, first) && later.arches == first.arches {
            first.configs = first.configs.union(later.configs);
            // One finding for every setting keeps a fix only if every setting builds with
            // it: a fix one refuses (its build would break) or makes otherwise is dropped.
            if first.fix != later.fix {
                first.no_fix = match (&first.fix, &later.fix) {
                    (Some(_), None) => later.no_fix.take(),
                    (None, _) => first.no_fix.take(),
                    (Some(_), Some(_)) => {
                        Some(NoFix::Why("the cgo settings need different fixes".into()))
                    }
                };
                first.fix = None;
            }
            true
        } else {
            false
        }
    });
}

/// Number the anchors of sorted findings: the n-th finding (in output order) of one rule
/// and path with the same code gets occurrence n, so identical snippets in one
/// declaration keep distinct fingerprints.
pub fn number_occurrences(findings: &mut [Finding]) {
    let mut seen: std::collections::HashMap<(&str, String, String), usize> =
        std::collections::HashMap::new();
    let mut numbers = Vec::with_capacity(findings.len());
    for f in findings.iter() {
        numbers.push(f.anchor.as_ref().map(|a| {
            let n = seen
                .entry((f.rule, f.path.clone(), a.code.clone()))
                .or_insert(0);
            *n += 1;
            *n - 1
        }));
    }
    for (f, n) in findings.iter_mut().zip(numbers) {
        if let (Some(a), Some(n)) = (&mut f.anchor, n) {
            a.occurrence = n;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One finding per cgo setting at one place: merged, with a fix only if both agree.
    #[test]
    fn settings_merge_with_a_fix_only_when_they_agree() {
        use crate::constraints::{Cgo, CgoSet};
        let base = crate::report::test_support::findings().remove(0);
        let per_setting = |cgo: Cgo, fix: Option<Fix>, no_fix: Option<NoFix>| Finding {
            configs: CgoSet::single(cgo),
            fix,
            no_fix,
            ..base.clone()
        };
        let fix = base.fix.clone().unwrap();
        let other = Fix {
            title: "another".into(),
            ..fix.clone()
        };
        let refused = Some(NoFix::Why("it breaks the build".into()));
        let merged = |a: Finding, b: Finding| {
            let mut v = vec![a, b];
            normalize(&mut v);
            assert_eq!(v.len(), 1);
            assert_eq!(v[0].configs, CgoSet::BOTH);
            v.remove(0)
        };
        let same = merged(
            per_setting(Cgo::Off, Some(fix.clone()), None),
            per_setting(Cgo::On, Some(fix.clone()), None),
        );
        assert_eq!(same.fix, Some(fix.clone()));
        for (a, b) in [(Some(fix.clone()), None), (None, Some(fix.clone()))] {
            let (na, nb) = (
                a.is_none().then(|| refused.clone()).flatten(),
                b.is_none().then(|| refused.clone()).flatten(),
            );
            let m = merged(per_setting(Cgo::Off, a, na), per_setting(Cgo::On, b, nb));
            assert_eq!((m.fix, m.no_fix), (None, refused.clone()));
        }
        let differ = merged(
            per_setting(Cgo::Off, Some(fix), None),
            per_setting(Cgo::On, Some(other), None),
        );
        assert_eq!(differ.fix, None);
        assert_eq!(
            differ.no_fix,
            Some(NoFix::Why("the cgo settings need different fixes".into()))
        );
    }

    #[test]
    fn cited_paths_are_shown_as_asked_and_listed_once() {
        let text = format!(
            "`X` is declared in {}:8, {}",
            cite("a/x.go"),
            cite("b/y.go")
        );
        assert_eq!(uncited(&text), "`X` is declared in a/x.go:8, b/y.go");
        assert_eq!(
            show_cited(&text, |p| format!("../{p}")),
            "`X` is declared in ../a/x.go:8, ../b/y.go"
        );
        assert!(matches!(uncited("plain"), Cow::Borrowed("plain")));
        // A name holding a mark cannot end the citation early.
        assert_eq!(uncited(&cite("a\u{E001}b")), "a\\u{e001}b");
        let mut out = Vec::new();
        cited_in(&text, &mut out);
        cited_in(&format!("fix `{}`", cite("a/x.go")), &mut out);
        assert_eq!(
            out,
            vec![
                Related {
                    path: "a/x.go".into(),
                    line: Some(8)
                },
                Related {
                    path: "b/y.go".into(),
                    line: None
                },
                Related {
                    path: "a/x.go".into(),
                    line: None
                },
            ]
        );
    }
}
