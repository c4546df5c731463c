//! Human output: one miette diagnostic per root cause (snippet, labelled span, rule id as
//! code, the ABI fact as help; the other findings of the same cause listed under it, one
//! line each), then the notes (`error:` for an input that could not be read), then a
//! summary line and how many findings `abiport fix` can fix.

use super::{breaks_on, concise::site_line};
use super::{count_by_arch, escape_controls, group, DisplayPaths, Report, Sources};
use crate::constraints::CgoSet;
use crate::finding::{Finding, Severity};
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};
use std::collections::HashMap;
use std::fmt::{self, Write as _};
use std::io::IsTerminal;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HumanOptions {
    pub color: bool,
    /// Wrap width of messages and help.
    pub width: usize,
    /// Findings of one root cause under one heading ([`group::by_cause`]).
    pub group: bool,
    /// Findings only: no notes, no summary.
    pub quiet: bool,
}

/// Wrap width when the output is not a terminal (a file, a pipe, a snapshot).
pub const DEFAULT_WIDTH: usize = 100;

impl HumanOptions {
    /// No colour, [`DEFAULT_WIDTH`], grouped, with notes and summary.
    pub fn plain() -> Self {
        HumanOptions {
            color: false,
            width: DEFAULT_WIDTH,
            group: true,
            quiet: false,
        }
    }

    /// For stdout: colour as `color` decides for it, the terminal's width when stdout is
    /// one (else [`DEFAULT_WIDTH`]).
    pub fn detect(color: ColorChoice) -> Self {
        let tty = std::io::stdout().is_terminal();
        let width = if tty {
            terminal_size::terminal_size_of(std::io::stdout())
                .map_or(DEFAULT_WIDTH, |(w, _)| usize::from(w.0).max(40))
        } else {
            DEFAULT_WIDTH
        };
        HumanOptions {
            color: color.enabled(tty),
            width,
            ..HumanOptions::plain()
        }
    }
}

/// `--color`: `auto` colours a terminal unless `NO_COLOR` is set (non-empty), or any
/// output when `FORCE_COLOR` is set (non-empty, not `0`/`false`); `NO_COLOR` wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether to colour an output that is (`is_terminal`) or is not a terminal.
    pub fn enabled(self, is_terminal: bool) -> bool {
        let var = |name| std::env::var(name).ok().filter(|v| !v.is_empty());
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => auto_color(
                var("NO_COLOR").is_some(),
                var("FORCE_COLOR").as_deref(),
                is_terminal,
            ),
        }
    }
}

fn auto_color(no_color: bool, force_color: Option<&str>, is_terminal: bool) -> bool {
    if no_color {
        return false;
    }
    match force_color {
        Some("0" | "false") => false,
        Some(_) => true,
        None => is_terminal,
    }
}

/// Render for stdout ([`HumanOptions::detect`] with `--color auto`).
pub fn human(r: &Report) -> String {
    human_with(r, HumanOptions::detect(ColorChoice::Auto))
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
    // Line starts per file, computed once: a snippet costs its own lines, not the file.
    let mut line_starts: HashMap<String, Vec<usize>> = HashMap::new();
    let mut out = String::new();
    let groups = if opts.group {
        group::by_cause(r.findings)
    } else {
        (0..r.findings.len()).map(|i| vec![i]).collect()
    };
    for members in groups {
        let finding = &r.findings[members[0]];
        let source = sources.get(&finding.path).map(|text| {
            let starts = line_starts
                .entry(finding.path.clone())
                .or_insert_with(|| line_starts_of(text));
            (text, starts.as_slice())
        });
        let shown = r.paths.show(&finding.path);
        let mut diag = FindingDiagnostic::new(finding, &shown, &r.paths, r.configs, source);
        let more = members.len() - 1;
        if more > 0 {
            if !diag.help.is_empty() {
                diag.help.push('\n');
            }
            let _ = write!(
                diag.help,
                "same cause at {more} more site{}:",
                if more == 1 { "" } else { "s" }
            );
        }
        if handler.render_report(&mut out, &diag).is_err() {
            // Rendering into a String only fails on a formatter bug; keep the finding.
            let _ = writeln!(out, "{}", diag.plain());
        }
        for &i in &members[1..] {
            let _ = writeln!(
                out,
                "        {}",
                site_line(&r.findings[i], &r.paths, r.configs, false)
            );
        }
        out.push('\n');
    }
    if opts.quiet {
        return out;
    }
    out.push_str(&notes_and_summary(r));
    out
}

/// The notes (`error:` for an input that could not be read), a blank line after them,
/// the summary line and the fixable line.
pub(crate) fn notes_and_summary(r: &Report) -> String {
    let mut out = String::new();
    for note in r.notes {
        let _ = writeln!(
            out,
            "{}: {}: {}",
            if note.is_unreadable() {
                "error"
            } else {
                "note"
            },
            escape_controls(&r.paths.show(&note.path)),
            escape_controls(&note.message)
        );
    }
    if !r.notes.is_empty() {
        out.push('\n');
    }
    out.push_str(&closing_lines(r));
    out
}

/// The summary line and, when `fix` would fix something, the fixable line: the end of
/// the full and the statistics reports.
pub fn closing_lines(r: &Report) -> String {
    let mut out = summary(r);
    out.push('\n');
    if let Some(line) = fixable_line(r.findings) {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// How many findings `abiport fix` fixes ("[*] 5 fixable with `abiport fix`"), and how
/// many more `--unsafe-fixes` adds; `None` when neither fixes any.
pub fn fixable_line(findings: &[Finding]) -> Option<String> {
    let (safe, unsafe_only) = super::fixable_counts(findings);
    match (safe, unsafe_only) {
        (0, 0) => None,
        (0, u) => Some(format!("[*] {u} fixable with `abiport fix --unsafe-fixes`")),
        (s, 0) => Some(format!("[*] {s} fixable with `abiport fix`")),
        (s, u) => Some(format!(
            "[*] {s} fixable with `abiport fix` ({u} more with `--unsafe-fixes`)"
        )),
    }
}

/// `N findings (arch: n, …) in F files (P parsed) [and B build files] in S s`
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
        " in {} file{} ({} parsed)",
        r.stats.files,
        if r.stats.files == 1 { "" } else { "s" },
        r.stats.parsed_files,
    );
    // Makefiles, scripts, Dockerfiles and pins are read too, without a parse.
    let b = r.stats.build_files;
    if b > 0 {
        let _ = write!(s, " and {b} build file{}", if b == 1 { "" } else { "s" });
    }
    let _ = write!(s, " in {:.2} s", r.stats.seconds);
    let unread = r.notes.iter().filter(|n| n.is_unreadable()).count();
    if unread > 0 {
        let _ = write!(
            s,
            "; {unread} unreadable input{} not scanned",
            if unread == 1 { "" } else { "s" }
        );
    }
    let k = r.notes.len() - unread;
    if k > 0 {
        let _ = write!(s, "; {k} note{}", if k == 1 { "" } else { "s" });
    }
    if let Some(b) = r.baseline {
        let _ = write!(s, "; {} in the baseline not shown", b.known);
        if b.new_arches > 0 {
            let _ = write!(s, ", {} shown for new arches", b.new_arches);
        }
        let _ = write!(s, "; {} fixed since baseline", b.fixed);
    }
    s
}

/// Longest line a snippet shows whole; a finding on (or next to) a longer line gets only a
/// window of its own line around the span (miette cannot pad past column 65,535, and a
/// minified line is unreadable anyway).
const MAX_LINE: usize = 1024;
/// Bytes of a long line kept on either side of the span.
const CUT_CONTEXT: usize = 60;
/// Bytes of the span itself kept from a long line.
const CUT_SPAN: usize = 200;
/// Whole lines kept around the span in an excerpt, beyond miette's one context line: the
/// excerpt then renders exactly as the whole file would.
const MARGIN_LINES: usize = 3;

/// Byte offsets where each line of `text` starts.
fn line_starts_of(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

/// Snippet text made safe for a terminal without moving a byte: control characters other
/// than tab, LF and CR-before-LF become `?` (C1 controls, two bytes, become `??`).
fn defang_snippet(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        match c {
            '\t' | '\n' => out.push(c),
            '\r' if bytes.get(i + 1) == Some(&b'\n') => out.push(c),
            c if c.is_control() => (0..c.len_utf8()).for_each(|_| out.push('?')),
            c => out.push(c),
        }
    }
    out
}

/// The part of a file a snippet shows, with where it sits in the file: miette reads spans in
/// the excerpt's coordinates and reports lines and columns in the file's.
struct Excerpt {
    name: String,
    text: String,
    /// 0-based file line of the excerpt's first line.
    first_line: usize,
    /// Byte column (0-based) in the file that the excerpt's first byte stands for.
    first_column: usize,
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.text.as_str().read_span(span, before, after)?;
        let column = if inner.line() == 0 {
            inner.column() + self.first_column
        } else {
            inner.column()
        };
        Ok(Box::new(
            MietteSpanContents::new_named(
                self.name.clone(),
                inner.data(),
                *inner.span(),
                inner.line() + self.first_line,
                column,
                inner.line_count(),
            )
            .with_language("go"),
        ))
    }
}

/// A snippet: the excerpt, the span in it, and a note when the line was cut.
struct Snippet {
    excerpt: Excerpt,
    start: usize,
    len: usize,
    cut: Option<String>,
}

impl Snippet {
    /// `None` when the span does not fit the text.
    fn new(path: &str, text: &str, starts: &[usize], start: usize, end: usize) -> Option<Self> {
        let valid = start <= end
            && end <= text.len()
            && text.is_char_boundary(start)
            && text.is_char_boundary(end);
        if !valid {
            return None;
        }
        let line_of = |off: usize| starts.partition_point(|&s| s <= off) - 1;
        // End of line `l` (before its newline), and where the next line starts.
        let line_end = |l: usize| starts.get(l + 1).map_or(text.len(), |&next| next - 1);
        let l0 = line_of(start);
        let l1 = line_of(end.saturating_sub(1).max(start));
        let last = starts.len() - 1;
        let too_long =
            (l0.saturating_sub(1)..=(l1 + 1).min(last)).any(|l| line_end(l) - starts[l] > MAX_LINE);
        let name = escape_controls(path).into_owned();
        if !too_long {
            let from = starts[l0.saturating_sub(MARGIN_LINES)];
            let to = starts
                .get(l1 + MARGIN_LINES + 1)
                .copied()
                .unwrap_or(text.len());
            return Some(Snippet {
                excerpt: Excerpt {
                    name,
                    text: defang_snippet(&text[from..to]),
                    first_line: l0.saturating_sub(MARGIN_LINES),
                    first_column: 0,
                },
                start: start - from,
                len: end - start,
                cut: None,
            });
        }
        // Cut a window of the span's first line.
        let (ls, le) = (starts[l0], line_end(l0));
        let mut ws = start.saturating_sub(CUT_CONTEXT).max(ls);
        while !text.is_char_boundary(ws) {
            ws -= 1;
        }
        let mut span_end = end.min(le).min(start + CUT_SPAN);
        while !text.is_char_boundary(span_end) {
            span_end -= 1;
        }
        let mut we = (span_end + CUT_CONTEXT).min(le);
        while !text.is_char_boundary(we) {
            we -= 1;
        }
        let mut window = String::new();
        if ws > ls {
            window.push('…');
        }
        let prefix = window.len();
        window.push_str(&text[ws..we]);
        if we < le {
            window.push('…');
        }
        let mut cut = format!(
            "snippet cut: line {} is {} bytes long; showing bytes {}..{} of it",
            l0 + 1,
            le - ls,
            ws - ls + 1,
            we - ls
        );
        if span_end < end {
            let _ = write!(cut, " (the span goes on past byte {})", span_end - ls);
        }
        Some(Snippet {
            excerpt: Excerpt {
                name,
                text: defang_snippet(&window),
                first_line: l0,
                // The excerpt's first byte stands for file column `ws - ls`, less the `…`.
                first_column: (ws - ls) - prefix,
            },
            start: start - ws + prefix,
            len: span_end - start,
            cut: Some(cut),
        })
    }
}

struct FindingDiagnostic<'a> {
    finding: &'a Finding,
    /// The finding's path as shown (relative to the current directory).
    path: &'a str,
    /// The message, the paths it cites shown as `path` is.
    message: String,
    /// The cgo settings the scan judged.
    judged: CgoSet,
    /// `None` when the file or span is unusable.
    snippet: Option<Snippet>,
    help: String,
}

impl<'a> FindingDiagnostic<'a> {
    fn new(
        finding: &'a Finding,
        path: &'a str,
        paths: &DisplayPaths,
        judged: CgoSet,
        source: Option<(&str, &[usize])>,
    ) -> Self {
        let snippet = source.and_then(|(text, starts)| {
            Snippet::new(path, text, starts, finding.span.start, finding.span.end)
        });
        let mut help = escape_controls(&paths.text(&finding.shown_fact())).into_owned();
        if let Some(fix) = &finding.fix {
            if !help.is_empty() {
                help.push('\n');
            }
            let _ = write!(help, "fix: {}", escape_controls(&paths.text(&fix.title)));
        }
        if let Some(cut) = snippet.as_ref().and_then(|s| s.cut.as_ref()) {
            if !help.is_empty() {
                help.push('\n');
            }
            help.push_str(cut);
        }
        FindingDiagnostic {
            finding,
            path,
            message: escape_controls(&paths.text(&finding.message)).into_owned(),
            judged,
            snippet,
            help,
        }
    }

    fn plain(&self) -> String {
        let f = self.finding;
        format!(
            "{}:{}:{}: {} [{}]",
            escape_controls(self.path),
            f.span.line,
            f.span.column,
            self.message,
            f.rule
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
        let message = &self.message;
        if self.snippet.is_some() {
            f.write_str(message)
        } else {
            // No snippet to show where: say it in the message.
            let s = &self.finding.span;
            write!(
                f,
                "{}:{}:{}: {}",
                escape_controls(self.path),
                s.line,
                s.column,
                message
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
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        (!self.help.is_empty()).then(|| Box::new(&self.help) as Box<dyn fmt::Display + 'b>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.snippet.as_ref().map(|s| &s.excerpt as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let snippet = self.snippet.as_ref()?;
        let label = if crate::suppress::is_suppression_rule(self.finding.rule) {
            "accepts nothing".to_string()
        } else {
            format!("breaks on {}", breaks_on(self.finding, self.judged))
        };
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(Some(label), (snippet.start, snippet.len)),
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
        let r = report(findings, &notes, &stats, root);
        human_with(&r, HumanOptions::plain())
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
            "2 findings (arm64: 1, mips64le: 1, riscv64: 1) in 12 files (3 parsed) in 0.25 s; 1 note\n\
             [*] 1 fixable with `abiport fix --unsafe-fixes`\n"
        ), "{out}");
        // Deterministic.
        assert_eq!(out, render(dir.path(), &findings()));
    }

    #[test]
    fn one_cause_one_diagnostic_with_its_sites_listed() {
        let dir = root();
        let mut f = findings();
        let mut second = f[0].clone();
        second.span = span_of("EPOLL_WAIT");
        second.message = "`syscall.SYS_EPOLL_WAIT` again".into();
        second.fact = "another wording of it".into();
        f.insert(1, second);
        let out = render(dir.path(), &f);
        assert_eq!(out.matches("arm64, riscv64 have only").count(), 1, "{out}");
        assert_eq!(out.matches("fix: use `syscall.SYS_EPOLL_PWAIT`").count(), 1);
        assert!(!out.contains("another wording"), "help shown once:\n{out}");
        assert!(out.contains("same cause at 1 more site:"), "{out}");
        assert!(
            out.contains(
                "\n        demo/demo.go:6:18: `syscall.SYS_EPOLL_WAIT` again [arm64, riscv64]\n"
            ),
            "{out}"
        );
        // Ungrouped: a diagnostic each.
        let notes = notes();
        let stats = stats();
        let r = report(&f, &notes, &stats, dir.path());
        let flat = human_with(
            &r,
            HumanOptions {
                group: false,
                ..HumanOptions::plain()
            },
        );
        assert!(flat.contains("another wording"), "{flat}");
        assert!(!flat.contains("same cause at"), "{flat}");
        // Quiet: the findings only.
        let quiet = human_with(
            &r,
            HumanOptions {
                quiet: true,
                ..HumanOptions::plain()
            },
        );
        assert!(quiet.contains("same cause at 1 more site"), "{quiet}");
        assert!(
            !quiet.contains("note:") && !quiet.contains("findings ("),
            "{quiet}"
        );
    }

    #[test]
    fn colour_follows_flag_then_no_color_then_force_color_then_terminal() {
        assert!(auto_color(false, None, true));
        assert!(!auto_color(false, None, false));
        assert!(!auto_color(true, None, true), "NO_COLOR");
        assert!(!auto_color(true, Some("1"), true), "NO_COLOR wins");
        assert!(auto_color(false, Some("1"), false), "FORCE_COLOR");
        assert!(!auto_color(false, Some("0"), true), "FORCE_COLOR=0");
        assert!(ColorChoice::Always.enabled(false));
        assert!(!ColorChoice::Never.enabled(true));
        let dir = root();
        let notes = notes();
        let stats = stats();
        let f = findings();
        let r = report(&f, &notes, &stats, dir.path());
        let coloured = human_with(
            &r,
            HumanOptions {
                color: true,
                ..HumanOptions::plain()
            },
        );
        assert!(coloured.contains('\x1b'), "{coloured}");
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
        let r = report(&[], &[], &stats, dir.path());
        assert_eq!(
            human_with(
                &r,
                HumanOptions {
                    width: 80,
                    ..HumanOptions::plain()
                }
            ),
            "0 findings in 1 file (0 parsed) in 0.00 s\n"
        );
    }

    #[test]
    fn controls_are_escaped_and_snippets_defanged_in_place() {
        assert_eq!(escape_controls("plain/é.go"), "plain/é.go");
        assert_eq!(
            escape_controls("a\x1b[1m\n\r\t\x7f\u{9b}b"),
            r"a\x1b[1m\n\r\t\x7f\x9bb"
        );
        let text = "x\x1b]0;t\x07\r\n\ty\rz\u{85}";
        let safe = defang_snippet(text);
        assert_eq!(safe, "x?]0;t?\r\n\ty?z??");
        assert_eq!(safe.len(), text.len(), "offsets stay put");
    }

    #[test]
    fn long_line_is_cut_around_the_span_with_file_coordinates() {
        let text = format!("a\n{}SYS_X rest\nb\n", " ".repeat(70_000));
        let starts = line_starts_of(&text);
        let start = text.find("SYS_X").unwrap();
        let s = Snippet::new("m.go", &text, &starts, start, start + 5).unwrap();
        assert!(s.excerpt.text.starts_with('…') && s.excerpt.text.len() < 200);
        assert_eq!(&s.excerpt.text[s.start..s.start + s.len], "SYS_X");
        let c = s.excerpt.read_span(&(s.start, s.len).into(), 0, 0).unwrap();
        assert_eq!((c.line(), c.column()), (1, 70_000));
        assert!(s
            .cut
            .unwrap()
            .starts_with("snippet cut: line 2 is 70010 bytes long"));
        // Next to a long line: only the finding's own line, never the neighbour.
        let s = Snippet::new("m.go", &text, &starts, 0, 1).unwrap();
        assert_eq!((s.excerpt.text.as_str(), s.cut.is_some()), ("a", true));
        // Short lines: whole lines, no note.
        let short = "a\nb\n";
        let s = Snippet::new("m.go", short, &line_starts_of(short), 2, 3).unwrap();
        assert_eq!((s.excerpt.text.as_str(), s.cut.is_none()), (short, true));
    }
}
