//! `--format html`: one self-contained page (inline CSS, no script, no external resource)
//! for the person tracking a port: packages × arches coloured by findings, counts per rule,
//! the fixable share, and each finding with its snippet and its fix as a diff.

use super::{breaks_on, count_by_arch, fixable_counts, human::summary, Report, Sources};
use crate::arch::Arch;
use crate::finding::{Applicability, Finding};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Lines shown around a finding's line in its snippet.
const CONTEXT: usize = 2;
/// Longest line shown whole in a snippet or diff (minified code is cut).
const MAX_LINE: usize = 300;

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' && c != '\t' => out.push('?'),
            c => out.push(c),
        }
    }
    out
}

fn cut(line: &str) -> String {
    if line.len() <= MAX_LINE {
        return line.to_string();
    }
    let mut end = MAX_LINE;
    while !line.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &line[..end])
}

/// The package a finding is in: its file's directory (`.` at the root).
fn package_of(path: &str) -> &str {
    path.rsplit_once('/').map_or(".", |(dir, _)| dir)
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2em;color:#222}\
table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;padding:.2em .5em}\
th{background:#f3f3f3;text-align:left}td.n{text-align:right}\
td.c0{background:#e6f4ea}td.c1{background:#fde2c4}td.c2{background:#f9b98a}\
td.c3{background:#f28b6b;color:#fff}\
pre{background:#f7f7f7;padding:.5em;overflow-x:auto;font-size:.9em}\
.hl{background:#fff3b0;display:block}.add{color:#116329;display:block}\
.del{color:#82071e;display:block}details{margin:.4em 0}summary{cursor:pointer}\
.rule{font-family:monospace;color:#555}";

/// Intensity class of a cell with `n` findings.
fn cell_class(n: usize) -> &'static str {
    match n {
        0 => "c0",
        1 => "c1",
        2..=9 => "c2",
        _ => "c3",
    }
}

pub fn html(r: &Report) -> String {
    let mut sources = Sources::new(r.root);
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>abiport port report: {}</title><style>{STYLE}</style></head><body>\n",
        esc(&r.root.display().to_string())
    );
    let _ = writeln!(
        out,
        "<h1>abiport port report</h1>\n<p id=\"summary\">{}</p>",
        esc(&summary(r))
    );
    let (safe, unsafe_only) = fixable_counts(r.findings);
    let total = r.findings.len();
    let share = if total == 0 {
        0.0
    } else {
        100.0 * safe as f64 / total as f64
    };
    let _ = writeln!(
        out,
        "<p id=\"fixable\">{safe} of {total} findings fixable with <code>abiport fix</code> \
         ({share:.0}%); {unsafe_only} more with <code>--unsafe-fixes</code></p>"
    );
    matrix(&mut out, r);
    per_rule(&mut out, r);
    out.push_str("<h2>Findings</h2>\n<div id=\"findings\">\n");
    for f in r.findings {
        finding(&mut out, f, r, &mut sources);
    }
    out.push_str("</div>\n");
    if !r.notes.is_empty() {
        out.push_str("<h2>Notes</h2>\n<ul id=\"notes\">\n");
        for n in r.notes {
            let _ = writeln!(
                out,
                "<li>{}: {}</li>",
                esc(&r.paths.show(&n.path)),
                esc(&n.message)
            );
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</body></html>\n");
    out
}

/// Packages × arches: how many findings of each package break each arch.
fn matrix(out: &mut String, r: &Report) {
    let arches: Vec<Arch> = count_by_arch(r.findings)
        .into_iter()
        .map(|(a, _)| a)
        .collect();
    // Rows name packages as every output names paths (relative to the current directory).
    let mut rows: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for f in r.findings {
        let row = rows
            .entry(package_of(&r.paths.show(&f.path)).to_string())
            .or_insert_with(|| vec![0; arches.len()]);
        for (i, a) in arches.iter().enumerate() {
            if f.arches.contains(*a) && !crate::suppress::is_suppression_rule(f.rule) {
                row[i] += 1;
            }
        }
    }
    out.push_str("<h2>Packages × arches</h2>\n<table id=\"matrix\"><thead><tr><th>package</th>");
    for a in &arches {
        let _ = write!(out, "<th>{a}</th>");
    }
    out.push_str("</tr></thead><tbody>\n");
    for (pkg, counts) in rows {
        let _ = write!(out, "<tr><th>{}</th>", esc(&pkg));
        for n in counts {
            let _ = write!(out, "<td class=\"n {}\">{n}</td>", cell_class(n));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table>\n");
}

fn per_rule(out: &mut String, r: &Report) {
    let mut rules: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for f in r.findings {
        let e = rules.entry(f.rule).or_default();
        e.0 += 1;
        e.1 += fixable_counts(std::slice::from_ref(f)).0;
    }
    out.push_str(
        "<h2>Per rule</h2>\n<table id=\"rules\"><thead><tr><th>rule</th><th>findings</th>\
         <th>fixable</th></tr></thead><tbody>\n",
    );
    for (rule, (n, fixable)) in rules {
        let _ = writeln!(
            out,
            "<tr><th class=\"rule\">{rule}</th><td class=\"n\">{n}</td><td class=\"n\">{fixable}</td></tr>"
        );
    }
    out.push_str("</tbody></table>\n");
}

fn finding(out: &mut String, f: &Finding, r: &Report, sources: &mut Sources) {
    let _ = writeln!(
        out,
        "<details class=\"finding\"><summary><code>{}:{}:{}</code> <span class=\"rule\">{}</span> {} \
         <em>[{}]</em></summary>",
        esc(&r.paths.show(&f.path)),
        f.span.line,
        f.span.column,
        f.rule,
        esc(&r.paths.text(&f.message)),
        esc(&breaks_on(f, r.configs))
    );
    let fact = f.shown_fact();
    if !fact.is_empty() {
        let _ = writeln!(out, "<p>{}</p>", esc(&r.paths.text(&fact)));
    }
    if let Some(text) = sources.get(&f.path) {
        let lines: Vec<&str> = text.split('\n').collect();
        let at = f.span.line.saturating_sub(1);
        let from = at.saturating_sub(CONTEXT);
        let to = (f.span.end_line.max(f.span.line) + CONTEXT).min(lines.len());
        out.push_str("<pre class=\"snippet\">");
        for (i, line) in lines.iter().enumerate().take(to).skip(from) {
            let text = format!("{:>5} {}", i + 1, cut(line));
            if i + 1 >= f.span.line && i < f.span.end_line.max(f.span.line) {
                let _ = write!(out, "<span class=\"hl\">{}</span>", esc(&text));
            } else {
                let _ = writeln!(out, "{}", esc(&text));
            }
        }
        out.push_str("</pre>\n");
    }
    if let Some(fix) = &f.fix {
        let how = match fix.applicability {
            Applicability::Safe => "fix",
            Applicability::Unsafe => "unsafe fix (--unsafe-fixes)",
            Applicability::DisplayOnly => "suggested change (not applied)",
        };
        let _ = writeln!(out, "<p>{how}: {}</p>", esc(&r.paths.text(&fix.title)));
        let target = fix.target(&f.path).to_string();
        if let Some(text) = sources.get(&target) {
            if let Some(diff) = edit_diff(text, &fix.edits) {
                let _ = writeln!(
                    out,
                    "<pre class=\"diff\"><span class=\"rule\">{}</span>\n{diff}</pre>",
                    esc(&target)
                );
            }
        }
    }
    out.push_str("</details>\n");
}

/// The edits as removed and added lines (whole lines around each edit), HTML-escaped;
/// `None` when an edit does not fit the text.
fn edit_diff(text: &str, edits: &[crate::finding::Edit]) -> Option<String> {
    let mut out = String::new();
    for e in edits {
        if e.start > e.end || e.end > text.len() {
            return None;
        }
        if !text.is_char_boundary(e.start) || !text.is_char_boundary(e.end) {
            return None;
        }
        let line_start = text[..e.start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[e.end..].find('\n').map_or(text.len(), |i| e.end + i);
        let old = &text[line_start..line_end];
        let new = format!(
            "{}{}{}",
            &text[line_start..e.start],
            e.text,
            &text[e.end..line_end]
        );
        for l in old.lines().filter(|_| !old.is_empty()) {
            let _ = write!(out, "<span class=\"del\">-{}</span>", esc(&cut(l)));
        }
        for l in new.lines() {
            let _ = write!(out, "<span class=\"add\">+{}</span>", esc(&cut(l)));
        }
    }
    (!out.is_empty()).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    #[test]
    fn page_has_matrix_rules_findings_and_escapes() {
        let dir = root();
        let mut f = findings();
        f[0].fix.as_mut().unwrap().edits = vec![crate::finding::Edit::replace(
            SOURCE.find("SYS_EPOLL_WAIT").unwrap(),
            SOURCE.find("SYS_EPOLL_WAIT").unwrap() + "SYS_EPOLL_WAIT".len(),
            "SYS_EPOLL_PWAIT",
        )];
        f[1].message = "<script>x</script>".into();
        let (n, s) = (notes(), stats());
        let r = report(&f, &n, &s, dir.path());
        let page = html(&r);
        assert!(page.starts_with("<!DOCTYPE html>"));
        assert!(!page.contains("<script"), "escaped: {page}");
        assert!(page.contains("&lt;script&gt;x&lt;/script&gt;"));
        // One package row, arm64 mips64le riscv64 columns.
        assert!(page.contains(
            "<tr><th>demo</th><td class=\"n c1\">1</td><td class=\"n c1\">1</td><td class=\"n c1\">1</td></tr>"
        ), "{page}");
        assert!(page.contains("<span class=\"del\">-\t_ = syscall.SYS_EPOLL_WAIT // é</span>"));
        assert!(page.contains("<span class=\"add\">+\t_ = syscall.SYS_EPOLL_PWAIT // é</span>"));
        assert!(page.contains("0 of 2 findings fixable"), "{page}");
        assert!(!page.contains("http"), "self-contained, no link out");
    }
}
