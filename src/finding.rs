//! Findings are data: rules produce them, reporters render them, fixers apply them.

use crate::arch::ArchSet;
use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A byte range in a file plus its 1-based line/column positions (columns in bytes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl Span {
    pub fn from_node(node: &tree_sitter::Node<'_>) -> Span {
        let s = node.start_position();
        let e = node.end_position();
        Span {
            start: node.start_byte(),
            end: node.end_byte(),
            line: s.row + 1,
            column: s.column + 1,
            end_line: e.row + 1,
            end_column: e.column + 1,
        }
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
    /// Imperative: "add mips64le to the build constraint of `x.go`".
    pub title: String,
    pub applicability: Applicability,
    pub edits: Vec<Edit>,
    /// The file the edits apply to, relative to the scanned root, when it is not the
    /// finding's own file (a build constraint in the declaring file, a constant in x/sys).
    pub file: Option<String>,
}

impl Fix {
    pub fn new(title: impl Into<String>, applicability: Applicability, edits: Vec<Edit>) -> Fix {
        Fix {
            title: title.into(),
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

/// One problem at one span, for every arch it breaks on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    /// Path relative to the scanned root, `/` separated.
    pub path: String,
    pub span: Span,
    pub arches: ArchSet,
    pub message: String,
    /// The ABI fact behind the finding, with its source.
    pub fact: String,
    pub fix: Option<Fix>,
}

impl Finding {
    /// Say in the fact why no fix is offered, in the words every rule uses.
    pub fn add_no_fix_reason(&mut self, why: &str) {
        self.fact.push_str(&format!("; no automatic fix: {why}"));
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

/// Sort findings deterministically and merge duplicates of (rule, path, span) into one
/// finding carrying the union of their arches.
pub fn normalize(findings: &mut Vec<Finding>) {
    findings.sort_by(|a, b| {
        a.sort_key()
            .cmp(&b.sort_key())
            .then_with(|| a.message.cmp(&b.message))
    });
    findings.dedup_by(|later, first| {
        if later.rule == first.rule && later.path == first.path && later.span == first.span {
            first.arches = first.arches.union(later.arches);
            true
        } else {
            false
        }
    });
}
