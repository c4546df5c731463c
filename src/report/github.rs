//! GitHub Actions workflow commands: one `::error`/`::warning` annotation per finding,
//! then one `::warning` per note (`::error` for an input that could not be read).

use super::{breaks_on, Report};
use crate::finding::Severity;
use std::fmt::Write as _;

/// Escape a command's message (data): `%`, CR, LF.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a property value: as data, plus `:` and `,`.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn github(r: &Report) -> String {
    let mut out = String::new();
    for f in r.findings {
        let level = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let shown = r.paths.text(&f.message);
        let mut message = if crate::suppress::is_suppression_rule(f.rule) {
            shown.into_owned()
        } else {
            format!("{shown} ({})", breaks_on(f, r.configs))
        };
        let fact = f.shown_fact();
        let fact = r.paths.text(&fact);
        if !fact.is_empty() {
            message.push('\n');
            message.push_str(&fact);
        }
        let s = &f.span;
        let _ = writeln!(
            out,
            "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_property(&r.paths.show(&f.path)),
            s.line,
            s.column,
            s.end_line,
            s.end_column,
            escape_property(&format!("abiport {}", f.rule)),
            escape_data(&message)
        );
    }
    for n in r.notes {
        let (level, title) = if n.is_unreadable() {
            ("error", "abiport unreadable input")
        } else {
            ("warning", "abiport note")
        };
        let _ = writeln!(
            out,
            "::{level} file={},title={}::{}",
            escape_property(&r.paths.show(&n.path)),
            escape_property(title),
            escape_data(&n.message)
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    #[test]
    fn escaping_rules() {
        assert_eq!(escape_data("100% a:b,c\r\nd"), "100%25 a:b,c%0D%0Ad");
        assert_eq!(
            escape_property("100% a:b,c\r\nd"),
            "100%25 a%3Ab%2Cc%0D%0Ad"
        );
        // `%` first, so escapes are not escaped twice.
        assert_eq!(escape_property("%3A"), "%253A");
    }

    #[test]
    fn annotations() {
        let dir = root();
        let (f, n, s) = (findings(), notes(), stats());
        let r = report(&f, &n, &s, dir.path());
        let out = github(&r);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 3, "{out}");
        assert_eq!(
            lines[0],
            "::error file=demo/demo.go,line=6,col=14,endLine=6,endColumn=28,title=abiport undefined-on-arch::`syscall.SYS_EPOLL_WAIT` is undefined on arm64, riscv64 (arm64, riscv64)%0Aarm64, riscv64 have only `SYS_EPOLL_PWAIT` (asm-generic syscall table)"
        );
        assert!(
            lines[1].starts_with("::warning file=demo/demo.go,line=3,col=9,"),
            "{}",
            lines[1]
        );
        assert!(
            lines[1].ends_with("::100%25 odd: a, b%0D%0Ac (mips64le)%0Aline one%0Aline two"),
            "{}",
            lines[1]
        );
        assert_eq!(
            lines[2],
            "::warning file=vendor/x/bin.go,title=abiport note::binary file (NUL byte at offset 3); skipped"
        );
    }
}
