//! `--format concise`: one line per finding, `path:line:col: rule: message [arches]`
//! (rustc's `short`, ruff's `concise`), then the notes and the summary.

use super::{breaks_on, escape_controls, human::notes_and_summary, DisplayPaths, Report};
use crate::constraints::CgoSet;
use crate::finding::Finding;
use std::fmt::Write as _;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ConciseOptions {
    /// Findings only: no notes, no summary.
    pub quiet: bool,
}

pub fn concise(r: &Report, opts: ConciseOptions) -> String {
    let mut out = String::new();
    for f in r.findings {
        let _ = writeln!(out, "{}", site_line(f, &r.paths, r.configs, true));
    }
    if !opts.quiet {
        if !r.findings.is_empty() {
            out.push('\n');
        }
        out.push_str(&notes_and_summary(r));
    }
    out
}

/// `path:line:col: [rule: ]message [arches]`: a finding on one line (the arches it breaks
/// on, with the cgo setting when only one breaks; none for a suppression finding, which
/// breaks nothing).
pub(crate) fn site_line(
    f: &Finding,
    paths: &DisplayPaths,
    judged: CgoSet,
    with_rule: bool,
) -> String {
    let mut line = format!(
        "{}:{}:{}: ",
        escape_controls(&paths.show(&f.path)),
        f.span.line,
        f.span.column
    );
    if with_rule {
        line.push_str(f.rule);
        line.push_str(": ");
    }
    line.push_str(&escape_controls(&paths.text(&f.message)));
    if !crate::suppress::is_suppression_rule(f.rule) && !f.arches.is_empty() {
        let _ = write!(line, " [{}]", breaks_on(f, judged));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    #[test]
    fn one_line_per_finding_then_summary() {
        let dir = root();
        let (f, n, s) = (findings(), notes(), stats());
        let r = report(&f, &n, &s, dir.path());
        assert_eq!(
            concise(&r, ConciseOptions::default()),
            "demo/demo.go:6:14: undefined-on-arch: `syscall.SYS_EPOLL_WAIT` is undefined on \
             arm64, riscv64 [arm64, riscv64]\n\
             demo/demo.go:3:9: struct-field-width: 100% odd: a, b\\r\\nc [mips64le]\n\
             \n\
             note: vendor/x/bin.go: binary file (NUL byte at offset 3); skipped\n\
             \n\
             2 findings (arm64: 1, mips64le: 1, riscv64: 1) in 12 files (3 parsed) in 0.25 s; 1 note\n\
             [*] 1 fixable with `abiport fix --unsafe-fixes`\n"
        );
        let quiet = concise(&r, ConciseOptions { quiet: true });
        assert_eq!(quiet.lines().count(), 2, "{quiet}");
    }
}
