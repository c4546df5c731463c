//! Unified diffs `git apply` accepts, and `git am`-able patches per upstream unit.

use crate::walk::{rel_to_path, unescape_path};
use similar::TextDiff;
use std::fmt::Write as _;
use std::path::Path;

/// One file's change as a `diff --git` section with paths `a/<path>` and `b/<path>`;
/// empty when nothing changed.
pub fn file_diff(path: &str, old: &str, new: &str) -> String {
    if old == new {
        return String::new();
    }
    let diff = TextDiff::from_lines(old, new);
    let (a, b) = (git_quote("a/", path), git_quote("b/", path));
    // git ends the ---/+++ lines of a name with a space in a tab (for GNU patch).
    let tab = if path.contains(' ') { "\t" } else { "" };
    let mut out = format!("diff --git {a} {b}\n--- {a}{tab}\n+++ {b}{tab}\n");
    for hunk in diff.unified_diff().context_radius(3).iter_hunks() {
        let _ = write!(out, "{hunk}");
    }
    out
}

/// `prefix` + `path` as git writes a name in a diff: in C-style quotes, with escapes, when
/// it holds a `"`, a `\\`, a control character or a byte above ASCII (`core.quotePath`).
/// `path` is root-relative as the walk writes it: a name that is not UTF-8 is quoted as
/// its real bytes ([`crate::walk::unescape_path`]).
pub fn git_quote(prefix: &str, path: &str) -> String {
    let mut name = prefix.as_bytes().to_vec();
    name.extend_from_slice(&unescape_path(path));
    if !name
        .iter()
        .any(|&b| b == b'"' || b == b'\\' || !(0x20..0x7f).contains(&b))
    {
        return String::from_utf8_lossy(&name).into_owned();
    }
    let mut out = String::from("\"");
    for &b in &name {
        match b {
            0x07 => out.push_str("\\a"),
            0x08 => out.push_str("\\b"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            0x0b => out.push_str("\\v"),
            0x0c => out.push_str("\\f"),
            b'\r' => out.push_str("\\r"),
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b if !(0x20..0x7f).contains(&b) => {
                let _ = write!(out, "\\{b:03o}");
            }
            b => out.push(b as char),
        }
    }
    out.push('"');
    out
}

/// The inverse of [`git_quote`]: a C-quoted name at the start of `s` (which starts with
/// `"`), as bytes, and what follows the closing quote; `None` when it is not one.
pub fn git_unquote(s: &[u8]) -> Option<(Vec<u8>, &[u8])> {
    let mut out = Vec::new();
    let mut i = 1;
    if s.first() != Some(&b'"') {
        return None;
    }
    while i < s.len() {
        match s[i] {
            b'"' => return Some((out, &s[i + 1..])),
            b'\\' => {
                let c = *s.get(i + 1)?;
                i += 2;
                out.push(match c {
                    b'a' => 0x07,
                    b'b' => 0x08,
                    b't' => b'\t',
                    b'n' => b'\n',
                    b'v' => 0x0b,
                    b'f' => 0x0c,
                    b'r' => b'\r',
                    b'"' | b'\\' => c,
                    b'0'..=b'3' => {
                        let digits = s.get(i..i + 2)?;
                        if !digits.iter().all(|d| (b'0'..=b'7').contains(d)) {
                            return None;
                        }
                        i += 2;
                        (c - b'0') * 64 + (digits[0] - b'0') * 8 + (digits[1] - b'0')
                    }
                    _ => return None,
                });
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    None
}

/// `(files changed, insertions, deletions)` of a diff made by [`file_diff`].
pub fn diffstat(diff: &str) -> (usize, usize, usize) {
    let mut stat = (0, 0, 0);
    for l in diff.lines() {
        if l.starts_with("diff --git ") {
            stat.0 += 1;
        } else if l.starts_with('+') && !l.starts_with("+++ ") {
            stat.1 += 1;
        } else if l.starts_with('-') && !l.starts_with("--- ") {
            stat.2 += 1;
        }
    }
    stat
}

/// An upstream unit: a vendored module, a GOPATH repository, or the main module.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Unit {
    /// Root-relative directory of the unit ("" for the scanned root).
    pub dir: String,
    /// Module or repository path, for the subject and the file name.
    pub name: String,
    /// Version from `vendor/modules.txt`, when known.
    pub version: Option<String>,
}

impl Unit {
    /// `rel` made relative to the unit's root.
    pub fn relative<'a>(&self, rel: &'a str) -> &'a str {
        if self.dir.is_empty() {
            rel
        } else {
            rel.strip_prefix(self.dir.as_str())
                .map_or(rel, |r| r.trim_start_matches('/'))
        }
    }
}

/// The upstream unit a root-relative file belongs to: for `…/vendor/<pkg>/f.go` the module
/// from that vendor dir's `modules.txt` (longest matching module path), else the
/// repository-shaped prefix of the package path; else the nearest `go.mod` directory; else
/// for GOPATH trees `…/src/<host>/<owner>/<repo>`; else the root.
pub fn unit_of(root: &Path, rel: &str) -> Unit {
    let dir = rel.rfind('/').map_or("", |i| &rel[..i]);
    let vendor = if let Some(rest) = dir.strip_prefix("vendor/") {
        Some(("", rest))
    } else {
        dir.rfind("/vendor/")
            .map(|i| (&dir[..i], &dir[i + "/vendor/".len()..]))
    };
    if let Some((parent, pkg)) = vendor {
        let vendor_dir = if parent.is_empty() {
            "vendor".to_string()
        } else {
            format!("{parent}/vendor")
        };
        let modules = std::fs::read_to_string(rel_to_path(root, &vendor_dir).join("modules.txt"))
            .unwrap_or_default();
        let best = modules
            .lines()
            .filter_map(|l| l.strip_prefix("# "))
            .filter_map(|l| {
                let mut it = l.split_whitespace();
                let path = it.next()?;
                let version = it.next().filter(|v| *v != "=>").map(String::from);
                Some((path, version))
            })
            .filter(|(p, _)| pkg == *p || pkg.starts_with(&format!("{p}/")))
            .max_by_key(|(p, _)| p.len());
        let (name, version) = match best {
            Some((p, v)) => (p.to_string(), v),
            None => (repo_prefix(pkg), None),
        };
        return Unit {
            dir: format!("{vendor_dir}/{name}"),
            name,
            version,
        };
    }
    let mut d = dir.to_string();
    loop {
        if let Some(m) = std::fs::read_to_string(rel_to_path(root, &d).join("go.mod"))
            .ok()
            .and_then(|t| crate::index::resolve::module_path(&t))
        {
            return Unit {
                dir: d,
                name: m,
                version: None,
            };
        }
        if d.is_empty() {
            break;
        }
        d = d.rfind('/').map_or(String::new(), |i| d[..i].to_string());
    }
    let comps: Vec<&str> = dir.split('/').collect();
    if let Some(k) = comps.iter().rposition(|c| *c == "src") {
        if k + 1 < comps.len() {
            let name = repo_prefix(&comps[k + 1..].join("/"));
            let base = comps[..=k].join("/");
            return Unit {
                dir: format!("{base}/{name}"),
                name,
                version: None,
            };
        }
    }
    Unit {
        dir: String::new(),
        name: root
            .canonicalize()
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "root".into()),
        version: None,
    }
}

/// `github.com/a/b/c` → `github.com/a/b`; `example.com/x/y` → `example.com/x`; `foo/bar` → `foo`.
fn repo_prefix(pkg: &str) -> String {
    let parts: Vec<&str> = pkg.split('/').collect();
    let n = match parts[0] {
        "github.com" | "gitlab.com" | "bitbucket.org" => 3,
        h if h.contains('.') => 2,
        _ => 1,
    };
    parts[..n.min(parts.len())].join("/")
}

/// RFC 2822 date of a Unix time (UTC), as `git format-patch` writes it.
pub fn rfc2822(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (h, m, s) = (rem / 3600, rem % 3600 / 60, rem % 60);
    // Civil from days (Howard Hinnant).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let mo = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(mo <= 2);
    let wd = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][days.rem_euclid(7) as usize];
    let mon = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ][(mo - 1) as usize];
    format!("{wd}, {d} {mon} {y} {h:02}:{m:02}:{s:02} +0000")
}

/// The `From:` identity of a patch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Author {
    pub name: String,
    pub email: String,
}

impl Author {
    /// `Name <email>`, as `git commit --author` takes it.
    pub fn parse(s: &str) -> Result<Author, String> {
        let bad = || format!("`{s}` is not of the form `Name <email>`");
        let (name, rest) = s.split_once('<').ok_or_else(bad)?;
        let email = rest.strip_suffix('>').ok_or_else(bad)?.trim();
        let name = name.trim();
        if name.is_empty() || email.is_empty() || email.contains(['<', '>']) {
            return Err(bad());
        }
        if s.contains(['\n', '\r']) {
            return Err(format!("`{}` spans lines", s.escape_debug()));
        }
        Ok(Author {
            name: name.to_string(),
            email: email.to_string(),
        })
    }

    /// Who `git format-patch` run in `dir` would name: `GIT_AUTHOR_NAME`/`GIT_AUTHOR_EMAIL`,
    /// else git's `user.name`/`user.email`, else abiport itself.
    pub fn from_git(dir: &Path) -> Author {
        let config = |key: &str| {
            std::process::Command::new("git")
                .arg("-C")
                .arg(dir)
                .args(["config", "--get", key])
                .stdin(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .output()
                .ok()
                .filter(|o| o.status.success())
                .and_then(|o| String::from_utf8(o.stdout).ok())
        };
        let get = |env: &str, key: &str| {
            std::env::var(env)
                .ok()
                .or_else(|| config(key))
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty() && !v.contains(['<', '>', '\n']))
        };
        match (
            get("GIT_AUTHOR_NAME", "user.name"),
            get("GIT_AUTHOR_EMAIL", "user.email"),
        ) {
            (Some(name), Some(email)) => Author { name, email },
            _ => Author {
                name: "abiport".into(),
                email: "abiport@localhost".into(),
            },
        }
    }

    /// `Name <email>` as a `From:` header holds it (RFC 2047 for a name not in ASCII).
    pub fn header(&self) -> String {
        format!(
            "{} <{}>",
            encode_word(&header_value(&self.name)),
            header_value(&self.email)
        )
    }
}

/// A header value on one line: control characters (CR, LF, tab, ESC…), which could end the
/// header and start others, written escaped (`\n`). Also for names in a patch's message,
/// where a line break could end the message early (`---`).
pub fn header_value(s: &str) -> String {
    crate::report::escape_controls(s).into_owned()
}

/// RFC 2047 Q-encoding of a header word that is not plain ASCII, as git writes it.
pub fn encode_word(s: &str) -> String {
    if s.is_ascii() {
        return s.to_string();
    }
    let mut out = String::from("=?UTF-8?q?");
    for b in s.bytes() {
        match b {
            b' ' => out.push('_'),
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'.' | b'-' => out.push(b as char),
            _ => {
                let _ = write!(out, "={b:02X}");
            }
        }
    }
    out.push_str("?=");
    out
}

/// A `git am` mbox patch.
pub fn mbox(author: &Author, subject: &str, body: &str, date: &str, diff: &str) -> String {
    mbox_with_tag(author, subject, body, date, diff, "[PATCH]")
}

/// [`mbox`] as patch `n` of `of` in a series (`[PATCH 1/1]` beside a cover letter).
pub fn mbox_numbered(
    author: &Author,
    subject: &str,
    body: &str,
    date: &str,
    diff: &str,
    (n, of): (usize, usize),
) -> String {
    mbox_with_tag(
        author,
        subject,
        body,
        date,
        diff,
        &format!("[PATCH {n}/{of}]"),
    )
}

fn mbox_with_tag(
    author: &Author,
    subject: &str,
    body: &str,
    date: &str,
    diff: &str,
    tag: &str,
) -> String {
    let mut out = mail_header(author, date, tag, &header_value(subject), body);
    out.push_str(body.trim_end());
    let _ = writeln!(out);
    let _ = writeln!(out, "---");
    out.push_str(&diffstat_line(diff));
    let _ = writeln!(out);
    out.push_str(diff);
    out.push_str(&signature());
    out
}

/// The mail headers of a patch or a cover letter (`git format-patch`'s), then the blank
/// line before the body; the body's charset is declared when it is not ASCII.
pub fn mail_header(author: &Author, date: &str, tag: &str, subject: &str, body: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001"
    );
    let _ = writeln!(out, "From: {}", author.header());
    let _ = writeln!(out, "Date: {date}");
    let _ = writeln!(out, "Subject: {tag} {}", encode_word(subject));
    if !body.is_ascii() {
        let _ = writeln!(out, "MIME-Version: 1.0");
        let _ = writeln!(out, "Content-Type: text/plain; charset=UTF-8");
        let _ = writeln!(out, "Content-Transfer-Encoding: 8bit");
    }
    let _ = writeln!(out);
    out
}

/// ` N files changed, I insertions(+), D deletions(-)` of a diff, as git words it.
pub fn diffstat_line(diff: &str) -> String {
    let (files, ins, del) = diffstat(diff);
    format!(
        " {files} file{} changed, {ins} insertion{}(+), {del} deletion{}(-)\n",
        if files == 1 { "" } else { "s" },
        if ins == 1 { "" } else { "s" },
        if del == 1 { "" } else { "s" }
    )
}

/// The signature that ends every mail abiport writes.
pub fn signature() -> String {
    format!("-- \nabiport {}\n\n", env!("CARGO_PKG_VERSION"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_has_git_headers() {
        let d = file_diff("a/x.go", "one\ntwo\n", "one\n2\n");
        assert!(
            d.starts_with(
                "diff --git a/a/x.go b/a/x.go\n--- a/a/x.go\n+++ b/a/x.go\n@@ -1,2 +1,2 @@\n"
            ),
            "{d}"
        );
        assert_eq!(diffstat(&d), (1, 1, 1));
        assert_eq!(file_diff("x", "a\n", "a\n"), "");
    }

    #[test]
    fn names_are_quoted_as_git_does() {
        assert_eq!(git_quote("a/", "x/y.go"), "a/x/y.go");
        assert_eq!(git_quote("a/", "sp ace.go"), "a/sp ace.go");
        assert_eq!(
            git_quote("b/", "q\"\\\t\nzoë\u{7f}.go"),
            "\"b/q\\\"\\\\\\t\\nzo\\303\\253\\177.go\""
        );
        let d = file_diff("sp ace.go", "a\n", "b\n");
        assert!(
            d.starts_with(
                "diff --git a/sp ace.go b/sp ace.go\n--- a/sp ace.go\t\n+++ b/sp ace.go\t\n"
            ),
            "{d}"
        );
    }

    #[test]
    fn control_characters_never_reach_a_header() {
        let a = Author {
            name: "x\r\nBcc: y".into(),
            email: "e@x".into(),
        };
        let m = mbox(&a, "s\nSubject: z", "", "d", "");
        let headers = m.split("\n\n").next().unwrap();
        assert_eq!(headers.lines().count(), 4, "{headers}");
        assert!(
            headers.contains("Subject: [PATCH] s\\nSubject: z"),
            "{headers}"
        );
    }

    #[test]
    fn authors() {
        let a = Author::parse("Zoë Dev <zoe@example.org>").unwrap();
        assert_eq!(a.email, "zoe@example.org");
        assert_eq!(a.header(), "=?UTF-8?q?Zo=C3=AB_Dev?= <zoe@example.org>");
        assert!(Author::parse("nobody").is_err());
        assert!(Author::parse("<x@y>").is_err());
        assert!(Author::parse("A <x@y").is_err());
    }

    #[test]
    fn dates() {
        assert_eq!(rfc2822(0), "Thu, 1 Jan 1970 00:00:00 +0000");
        assert_eq!(rfc2822(1_700_000_000), "Tue, 14 Nov 2023 22:13:20 +0000");
    }

    #[test]
    fn units() {
        let root = std::path::Path::new("/nonexistent");
        let u = unit_of(root, "vendor/github.com/a/b/c/d.go");
        assert_eq!(
            (u.dir.as_str(), u.name.as_str()),
            ("vendor/github.com/a/b", "github.com/a/b")
        );
        assert_eq!(u.relative("vendor/github.com/a/b/c/d.go"), "c/d.go");
        let u = unit_of(root, "gopath/src/example.com/x/y/z.go");
        assert_eq!(
            (u.dir.as_str(), u.name.as_str()),
            ("gopath/src/example.com/x", "example.com/x")
        );
        let u = unit_of(root, "src/foo/bar/z.go");
        assert_eq!((u.dir.as_str(), u.name.as_str()), ("src/foo", "foo"));
    }
}
