//! Human output: one miette diagnostic per finding (snippet, labelled span, rule id as
//! code, the ABI fact as help), then the notes, then a summary line.

use super::{arch_list, count_by_arch, Report, Sources};
use crate::finding::{Finding, Severity};
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode,
};
use std::fmt::{self, Write as _};
use std::io::IsTerminal;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HumanOptions {
    pub color: bool,
    /// Fixed wrap width, so output does not depend on the terminal.
    pub width: usize,
}

impl HumanOptions {
    /// Colour only on a terminal and when `NO_COLOR` is unset or empty.
    pub fn detect() -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        HumanOptions {
            color: !no_color && std::io::stdout().is_terminal(),
            width: 100,
        }
    }
}

/// Render for stdout (colour decided by [`HumanOptions::detect`]).
pub fn human(r: &Report) -> String {
    human_with(r, HumanOptions::detect())
}

pub fn human_with(r: &Report, opts: HumanOptions) -> String {
    let theme = if opts.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(opts.width)
        .with_links(false)
        .with_urls(false);
    let mut sources = Sources::new(r.root);
    let mut out = String::new();
    for finding in r.findings {
        let source = sources.get(&finding.path);
        let diag = FindingDiagnostic::new(finding, source);
        if handler.render_report(&mut out, &diag).is_err() {
            // Rendering into a String only fails on a formatter bug; keep the finding.
            let _ = writeln!(out, "{}", diag.plain());
        }
        out.push('\n');
    }
    for note in r.notes {
        let _ = writeln!(out, "note: {}: {}", note.path, note.message);
    }
    if !r.notes.is_empty() {
        out.push('\n');
    }
    out.push_str(&summary(r));
    out.push('\n');
    out
}

/// `N findings (arch: n, …) in F files (P parsed) in S s`
pub fn summary(r: &Report) -> String {
    let n = r.findings.len();
    let mut s = format!("{n} finding{}", if n == 1 { "" } else { "s" });
    let counts = count_by_arch(r.findings);
    if !counts.is_empty() {
        let parts: Vec<String> = counts.iter().map(|(a, n)| format!("{a}: {n}")).collect();
        let _ = write!(s, " ({})", parts.join(", "));
    }
    let _ = write!(
        s,
        " in {} file{} ({} parsed) in {:.2} s",
        r.stats.files,
        if r.stats.files == 1 { "" } else { "s" },
        r.stats.parsed_files,
        r.stats.seconds
    );
    if !r.notes.is_empty() {
        let k = r.notes.len();
        let _ = write!(s, "; {k} note{}", if k == 1 { "" } else { "s" });
    }
    s
}

struct FindingDiagnostic<'a> {
    finding: &'a Finding,
    /// Source and the checked byte span; `None` when the file or span is unusable.
    snippet: Option<(NamedSource<String>, usize, usize)>,
    help: String,
}

impl<'a> FindingDiagnostic<'a> {
    fn new(finding: &'a Finding, source: Option<&str>) -> Self {
        let snippet = source.and_then(|text| {
            let (start, end) = (finding.span.start, finding.span.end);
            let valid = start <= end
                && end <= text.len()
                && text.is_char_boundary(start)
                && text.is_char_boundary(end);
            valid.then(|| {
                (
                    NamedSource::new(finding.path.clone(), text.to_string()).with_language("go"),
                    start,
                    end - start,
                )
            })
        });
        let mut help = finding.shown_fact().into_owned();
        if let Some(fix) = &finding.fix {
            if !help.is_empty() {
                help.push('\n');
            }
            let _ = write!(help, "fix: {}", fix.title);
        }
        FindingDiagnostic {
            finding,
            snippet,
            help,
        }
    }

    fn plain(&self) -> String {
        let f = self.finding;
        format!(
            "{}:{}:{}: {} [{}]",
            f.path, f.span.line, f.span.column, f.message, f.rule
        )
    }
}

impl fmt::Debug for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.plain())
    }
}

impl fmt::Display for FindingDiagnostic<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.snippet.is_some() {
            f.write_str(&self.finding.message)
        } else {
            // No snippet to show where: say it in the message.
            let s = &self.finding.span;
            write!(
                f,
                "{}:{}:{}: {}",
                self.finding.path, s.line, s.column, self.finding.message
            )
        }
    }
}

impl std::error::Error for FindingDiagnostic<'_> {}

impl Diagnostic for FindingDiagnostic<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.finding.rule))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.finding.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        (!self.help.is_empty()).then(|| Box::new(&self.help) as Box<dyn fmt::Display + 'b>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.snippet.as_ref().map(|(s, _, _)| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let (_, start, len) = self.snippet.as_ref()?;
        let label = format!("breaks on {}", arch_list(self.finding.arches));
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(Some(label), (*start, *len)),
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use crate::report::Stats;

    fn render(root: &std::path::Path, findings: &[Finding]) -> String {
        let notes = notes();
        let stats = stats();
        let r = Report {
            findings,
            notes: &notes,
            stats: &stats,
            rules: RULES,
            root,
        };
        human_with(
            &r,
            HumanOptions {
                color: false,
                width: 100,
            },
        )
    }

    #[test]
    fn snippet_label_code_help_and_summary() {
        let dir = root();
        let out = render(dir.path(), &findings());
        assert!(!out.contains('\x1b'), "no colour codes:\n{out}");
        assert!(out.contains("undefined-on-arch"), "{out}");
        assert!(out.contains("`syscall.SYS_EPOLL_WAIT` is undefined on arm64, riscv64"));
        assert!(out.contains("[demo/demo.go:6:14]"), "{out}");
        assert!(out.contains("_ = syscall.SYS_EPOLL_WAIT // é"), "{out}");
        assert!(out.contains("breaks on arm64, riscv64"), "{out}");
        assert!(
            out.contains("arm64, riscv64 have only `SYS_EPOLL_PWAIT`"),
            "{out}"
        );
        assert!(out.contains("fix: use `syscall.SYS_EPOLL_PWAIT`"), "{out}");
        assert!(out.contains("note: vendor/x/bin.go: binary file"), "{out}");
        assert!(out.ends_with(
            "2 findings (arm64: 1, mips64le: 1, riscv64: 1) in 12 files (3 parsed) in 0.25 s; 1 note\n"
        ), "{out}");
        // Deterministic.
        assert_eq!(out, render(dir.path(), &findings()));
    }

    #[test]
    fn missing_source_or_bad_span_still_renders() {
        let dir = tempfile::tempdir().unwrap();
        let out = render(dir.path(), &findings());
        assert!(
            out.contains("demo/demo.go:6:14: `syscall.SYS_EPOLL_WAIT`"),
            "{out}"
        );
        let dir = root();
        let mut f = findings();
        f[0].span.start = 10_000;
        f[0].span.end = 10_005;
        f[1].span.start = SOURCE.find('é').unwrap() + 1; // inside a UTF-8 sequence
        let out = render(dir.path(), &f);
        assert!(out.contains("demo/demo.go:6:14:"), "{out}");
    }

    #[test]
    fn empty_and_multi_line_spans() {
        let dir = root();
        let mut f = findings();
        f[0].span.end = f[0].span.start; // zero width
        let start = SOURCE.find("func").unwrap();
        f[1].span.start = start;
        f[1].span.end = SOURCE.rfind('}').unwrap() + 1;
        let out = render(dir.path(), &f);
        assert!(out.contains("breaks on arm64, riscv64"), "{out}");
        assert!(out.contains("breaks on mips64le"), "{out}");
    }

    #[test]
    fn empty_report() {
        let dir = tempfile::tempdir().unwrap();
        let stats = Stats {
            files: 1,
            ..Stats::default()
        };
        let r = Report {
            findings: &[],
            notes: &[],
            stats: &stats,
            rules: RULES,
            root: dir.path(),
        };
        assert_eq!(
            human_with(
                &r,
                HumanOptions {
                    color: false,
                    width: 80
                }
            ),
            "0 findings in 1 file (0 parsed) in 0.00 s\n"
        );
    }
}
