//! Renderers over already-sorted findings: human (miette), JSON, SARIF, GitHub annotations.
//!
//! Reporters only format; they never sort, merge or filter. Human output reads the source
//! files again for snippets; every other format is built from the findings alone (SARIF
//! also reads lines with findings to convert byte columns to UTF-16 columns).

mod concise;
mod github;
pub mod group;
mod html;
mod human;
mod json;
mod paths;
mod sarif;
mod statistics;

pub use concise::{concise, ConciseOptions};
pub use github::{escape_data, escape_property, github};
pub use html::html;
pub use human::{fixable_line, human, human_with, ColorChoice, HumanOptions, DEFAULT_WIDTH};
pub use json::{json, json_with};
pub use paths::DisplayPaths;
pub use sarif::{sarif, sarif_with, SarifOptions};
pub use statistics::statistics;

use crate::arch::{Arch, ArchSet};
use crate::constraints::CgoSet;
use crate::finding::{Applicability, Finding};
use crate::walk::Note;
use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stats {
    /// Go files walked.
    pub files: usize,
    /// Files that needed a full tree-sitter parse.
    pub parsed_files: usize,
    pub bytes: u64,
    /// Build files read (Makefiles, scripts, Dockerfiles, go.mod and lock files).
    pub build_files: usize,
    pub seconds: f64,
    /// Where the time went, phase by phase (`scan --stats`).
    pub phases: Vec<Phase>,
}

/// One phase of a scan: its wall time, or for the per-file work done in parallel the CPU
/// time summed over the worker threads (`cpu`), with the files and bytes it handled.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Phase {
    pub name: String,
    pub seconds: f64,
    pub cpu: bool,
    /// For a wall-time phase: the CPU time of the whole process meanwhile (every thread,
    /// user and system), where the platform tells it: over `seconds`, how parallel it ran.
    pub process_cpu: Option<f64>,
    pub files: usize,
    pub bytes: u64,
}

/// `scan --stats`' table of phases: wall seconds and the process's CPU seconds meanwhile
/// (the indented per-file rows: CPU seconds summed over threads), files and MB handled,
/// and MB/s.
pub fn phases_table(phases: &[Phase]) -> String {
    let mut out = format!(
        "{:<44} {:>9} {:>7} {:>7} {:>9} {:>8}\n",
        "phase", "seconds", "cpu", "files", "MB", "MB/s"
    );
    for p in phases {
        let mb = p.bytes as f64 / 1e6;
        let rate = if p.bytes > 0 && p.seconds > 0.0 {
            format!("{:.0}", mb / p.seconds)
        } else {
            String::new()
        };
        let mb = if p.bytes > 0 {
            format!("{mb:.1}")
        } else {
            String::new()
        };
        let (wall, cpu) = match (p.cpu, p.process_cpu) {
            (true, _) => (String::new(), format!("{:.3}", p.seconds)),
            (false, Some(c)) => (format!("{:.3}", p.seconds), format!("{c:.3}")),
            (false, None) => (format!("{:.3}", p.seconds), String::new()),
        };
        let _ = writeln!(
            out,
            "{:<44} {:>9} {:>7} {:>7} {:>9} {:>8}",
            p.name, wall, cpu, p.files, mb, rate
        );
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleInfo {
    pub id: &'static str,
    pub summary: &'static str,
}

pub struct Report<'a> {
    /// Sorted (`finding::normalize`).
    pub findings: &'a [Finding],
    pub notes: &'a [Note],
    pub stats: &'a Stats,
    pub rules: &'a [RuleInfo],
    /// The scanned root (a directory, or the single `.go` file scanned).
    pub root: &'a Path,
    /// The cgo settings the scan judged (a finding breaking under fewer says so).
    pub configs: CgoSet,
    /// `scan --baseline`: what the baseline hid and what is gone since.
    pub baseline: Option<BaselineSummary>,
    /// How paths are shown (relative to the current directory for the command line).
    pub paths: DisplayPaths,
}

/// How a scan compared with its baseline (`scan --baseline`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct BaselineSummary {
    /// Findings the baseline records (for all their arches): not reported.
    pub known: usize,
    /// Findings the baseline records for fewer arches than they now break on: reported.
    pub new_arches: usize,
    /// Recorded findings (of the rules and arches scanned) no finding matches any more.
    pub fixed: usize,
}

/// Whether a finding carries a fix that `abiport fix` can apply.
pub fn is_fixable(f: &Finding) -> bool {
    f.fix
        .as_ref()
        .is_some_and(|fix| fix.applicability != Applicability::DisplayOnly && !fix.edits.is_empty())
}

/// (findings `abiport fix` fixes, findings only `abiport fix --unsafe-fixes` fixes).
pub fn fixable_counts(findings: &[Finding]) -> (usize, usize) {
    let mut counts = (0, 0);
    for fix in findings.iter().filter_map(|f| f.fix.as_ref()) {
        if fix.edits.is_empty() {
            continue;
        }
        match fix.applicability {
            Applicability::Safe => counts.0 += 1,
            Applicability::Unsafe => counts.1 += 1,
            Applicability::DisplayOnly => {}
        }
    }
    counts
}

/// Findings per arch, in arch order, arches without findings left out. Suppression
/// findings break no arch and are not counted.
pub fn count_by_arch(findings: &[Finding]) -> Vec<(Arch, usize)> {
    let breaking = |f: &&Finding| !crate::suppress::is_suppression_rule(f.rule);
    Arch::ALL
        .iter()
        .map(|&a| {
            let n = findings
                .iter()
                .filter(breaking)
                .filter(|f| f.arches.contains(a));
            (a, n.count())
        })
        .filter(|&(_, n)| n > 0)
        .collect()
}

pub fn arch_list(arches: ArchSet) -> String {
    arches.names().join(", ")
}

/// What a finding breaks: "mips64le", or "mips64le (CGO_ENABLED=1 only)" when it breaks
/// under fewer cgo settings than the scan judged.
pub fn breaks_on(f: &Finding, judged: CgoSet) -> String {
    let arches = arch_list(f.arches);
    if f.configs == judged || f.configs.is_empty() {
        return arches;
    }
    format!("{arches} ({} only)", f.configs.names().join(", "))
}

/// Sources of files with findings, read once each. Unreadable files map to `None`.
pub(crate) struct Sources<'a> {
    root: &'a Path,
    root_is_file: bool,
    cache: HashMap<String, Option<String>>,
}

impl<'a> Sources<'a> {
    pub(crate) fn new(root: &'a Path) -> Self {
        Sources {
            root,
            root_is_file: root.is_file(),
            cache: HashMap::new(),
        }
    }

    fn path_of(&self, rel: &str) -> PathBuf {
        if self.root_is_file {
            self.root.to_path_buf()
        } else {
            crate::walk::rel_to_path(self.root, rel)
        }
    }

    pub(crate) fn get(&mut self, rel: &str) -> Option<&str> {
        if !self.cache.contains_key(rel) {
            let text = std::fs::read(self.path_of(rel))
                .ok()
                .and_then(|b| String::from_utf8(b).ok());
            self.cache.insert(rel.to_string(), text);
        }
        self.cache.get(rel).and_then(|t| t.as_deref())
    }
}

/// 1-based UTF-16 column of 1-based byte column `byte_col` on 1-based line `line`;
/// `None` when the position is not in the text.
pub(crate) fn utf16_column(text: &str, line: usize, byte_col: usize) -> Option<usize> {
    let line_text = text.split('\n').nth(line.checked_sub(1)?)?;
    let prefix = line_text.get(..byte_col.checked_sub(1)?)?;
    Some(prefix.encode_utf16().count() + 1)
}

/// `s` with control characters (C0, DEL, C1) written as escapes (`\n`, `\t`, `\x1b`), so
/// a file name or message can drive no terminal and end no line: human output and the
/// headers and message of a patch use it.
pub fn escape_controls(s: &str) -> Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x100 && c.is_control() => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;
    use crate::finding::{Edit, Fix, Payload, Severity, Span};

    pub const SOURCE: &str =
        "package demo\n\nimport \"syscall\"\n\nfunc f() {\n\t_ = syscall.SYS_EPOLL_WAIT // é\n}\n";

    /// A temp root holding `demo/demo.go` with [`SOURCE`].
    /// The report every test renders: the findings, notes and stats given, the test
    /// rules, both cgo settings judged, no baseline, paths relative to the root.
    pub fn report<'a>(
        findings: &'a [Finding],
        notes: &'a [Note],
        stats: &'a Stats,
        root: &'a Path,
    ) -> Report<'a> {
        Report {
            findings,
            notes,
            stats,
            rules: RULES,
            root,
            configs: crate::constraints::CgoSet::BOTH,
            baseline: None,
            paths: crate::report::DisplayPaths::tree_relative(),
        }
    }

    pub fn root() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join("demo")).expect("mkdir");
        std::fs::write(dir.path().join("demo/demo.go"), SOURCE).expect("write");
        dir
    }

    pub fn span_of(needle: &str) -> Span {
        let start = SOURCE.find(needle).expect("needle");
        let end = start + needle.len();
        let line = SOURCE[..start].matches('\n').count() + 1;
        let line_start = SOURCE[..start].rfind('\n').map_or(0, |i| i + 1);
        Span {
            start,
            end,
            line,
            column: start - line_start + 1,
            end_line: line,
            end_column: end - line_start + 1,
        }
    }

    pub fn findings() -> Vec<Finding> {
        use crate::arch::Arch::*;
        vec![
            Finding {
                rule: "undefined-on-arch",
                severity: Severity::Error,
                file: 0,
                path: "demo/demo.go".into(),
                span: span_of("SYS_EPOLL_WAIT"),
                arches: [Arm64, Riscv64].into_iter().collect(),
                configs: crate::constraints::CgoSet::BOTH,
                message: "`syscall.SYS_EPOLL_WAIT` is undefined on arm64, riscv64".into(),
                fact: "arm64, riscv64 have only `SYS_EPOLL_PWAIT` (asm-generic syscall table)"
                    .into(),
                payload: Payload::None,
                no_fix: None,
                fix: Some(Fix {
                    title: "use `syscall.SYS_EPOLL_PWAIT`".into(),
                    subject: "use `syscall.SYS_EPOLL_PWAIT`".into(),
                    note: None,
                    applicability: Applicability::Unsafe,
                    edits: vec![Edit {
                        start: 0,
                        end: 0,
                        text: String::new(),
                    }],
                    file: None,
                }),
                anchor: None,
            },
            Finding {
                rule: "struct-field-width",
                severity: Severity::Warning,
                file: 0,
                path: "demo/demo.go".into(),
                span: span_of("syscall\""),
                arches: ArchSet::single(Mips64le),
                configs: crate::constraints::CgoSet::BOTH,
                message: "100% odd: a, b\r\nc".into(),
                fact: "line one\nline two".into(),
                payload: Payload::None,
                no_fix: None,
                fix: None,
                anchor: None,
            },
        ]
    }

    pub fn notes() -> Vec<Note> {
        vec![Note {
            path: "vendor/x/bin.go".into(),
            message: "binary file (NUL byte at offset 3); skipped".into(),
        }]
    }

    pub const RULES: &[RuleInfo] = &[
        RuleInfo {
            id: "undefined-on-arch",
            summary: "name not declared for the target arch",
        },
        RuleInfo {
            id: "struct-field-width",
            summary: "struct field has another width on the target arch",
        },
    ];

    pub fn stats() -> Stats {
        Stats {
            files: 12,
            parsed_files: 3,
            bytes: 4096,
            build_files: 0,
            seconds: 0.25,
            phases: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_columns() {
        let text = "a\n\té x\n";
        assert_eq!(utf16_column(text, 2, 1), Some(1));
        // `é` is 2 bytes, 1 UTF-16 unit: byte column 5 (x) is UTF-16 column 4.
        assert_eq!(utf16_column(text, 2, 5), Some(4));
        assert_eq!(utf16_column(text, 2, 3), None); // inside `é`
        assert_eq!(utf16_column(text, 9, 1), None);
        assert_eq!(utf16_column(text, 0, 1), None);
    }

    #[test]
    fn counts_and_fixable() {
        let f = test_support::findings();
        let counts = count_by_arch(&f);
        assert_eq!(
            counts,
            vec![(Arch::Arm64, 1), (Arch::Mips64le, 1), (Arch::Riscv64, 1)]
        );
        assert!(is_fixable(&f[0]));
        assert!(!is_fixable(&f[1]));
    }
}
