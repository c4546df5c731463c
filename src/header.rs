//! A Go file's header, scanned once without a full parse: the constraint lines of the
//! leading comments (`//go:build`, `// +build`, as go/build's `parseFileHeader` reads them),
//! the package clause and the imports. Go requires the package clause and imports to come
//! first, so a small lexer over the top of the file decides which files need tree-sitter at
//! all. Nothing here evaluates: `crate::constraints` does, from the lines found here.

/// A constraint line: where it is and the expression text after the prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConstraintLine<'a> {
    /// 1-based line.
    pub line: usize,
    /// 1-based byte column where the expression starts (after the prefix and its blanks);
    /// one past the line's end when the expression is empty.
    pub column: usize,
    pub text: &'a [u8],
}

/// One import spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Import {
    /// Explicit name (`u "golang.org/x/sys/unix"`), `.` or `_`; `None` when implicit.
    pub name: Option<String>,
    pub path: String,
    /// 1-based line of the path.
    pub line: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Header<'a> {
    /// Every `//go:build` line of the leading comments (more than one is an error).
    pub go_build: Vec<ConstraintLine<'a>>,
    /// `// +build` lines the go command honours: before the last blank line of the
    /// leading `//` comment run.
    pub plus_build: Vec<ConstraintLine<'a>>,
    /// `// +build` lines the go command silently ignores (no blank line follows them).
    pub misplaced_plus_build: Vec<usize>,
    /// `None` when the file has no package clause (not a Go file the go command accepts).
    pub package: Option<String>,
    /// The canonical import comment after the package clause (`package system // import
    /// "github.com/x/y/system"`), as go/build's `findImportComment` reads it.
    pub import_comment: Option<String>,
    pub imports: Vec<Import>,
}

impl Header<'_> {
    /// The 1-based line of an `import "C"`, if any.
    pub fn import_c_line(&self) -> Option<usize> {
        self.imports.iter().find(|i| i.path == "C").map(|i| i.line)
    }
}

/// Scan the header: constraint lines, package clause and imports.
pub fn scan(src: &[u8]) -> Header<'_> {
    let mut header = Header::default();
    scan_comments(src, &mut header);
    scan_imports(src, &mut header);
    header
}

const BOM: &[u8] = b"\xef\xbb\xbf";

/// The constraint lines of the leading comments, read like go/build's `parseFileHeader`.
fn scan_comments<'a>(src: &'a [u8], header: &mut Header<'a>) {
    let src = src.strip_prefix(BOM).unwrap_or(src);
    // Candidate `+build` lines with the byte offset where they end.
    let mut plus_candidates: Vec<(usize, ConstraintLine<'_>)> = Vec::new();
    // Offset just past the most recent blank line seen before any non-`//` line.
    let mut end = 0;
    let mut ended = false;
    let mut in_block = false;
    let mut offset = 0;
    let mut line_no = 0;

    'lines: while offset < src.len() {
        line_no += 1;
        let rest = &src[offset..];
        let (raw, next) = match memchr::memchr(b'\n', rest) {
            Some(i) => (&rest[..i], offset + i + 1),
            None => (rest, src.len()),
        };
        offset = next;
        let mut line = raw.trim_ascii();
        if line.is_empty() && !ended {
            end = offset;
            continue;
        }
        if !line.starts_with(b"//") {
            ended = true;
        }
        if !in_block {
            if let Some(text) = go_build_expr(line) {
                header.go_build.push(ConstraintLine {
                    line: line_no,
                    column: column(raw, text),
                    text,
                });
            } else if let Some(text) = plus_build_expr(line) {
                plus_candidates.push((
                    offset,
                    ConstraintLine {
                        line: line_no,
                        column: column(raw, text),
                        text,
                    },
                ));
            }
        }
        while !line.is_empty() {
            if in_block {
                match memchr::memmem::find(line, b"*/") {
                    Some(i) => {
                        in_block = false;
                        line = line[i + 2..].trim_ascii();
                        continue;
                    }
                    None => continue 'lines,
                }
            }
            if line.starts_with(b"//") {
                continue 'lines;
            }
            if let Some(after) = line.strip_prefix(b"/*") {
                in_block = true;
                line = after.trim_ascii();
                continue;
            }
            // Non-comment text: the package clause (or garbage); the header ends.
            break 'lines;
        }
    }

    for (line_end, cl) in plus_candidates {
        if line_end <= end {
            header.plus_build.push(cl);
        } else {
            header.misplaced_plus_build.push(cl.line);
        }
    }
}

/// 1-based column of `text` (a part of `raw`, a line without its `\n`); one past the end of
/// the line, trailing blanks and `\r` included, when `text` is empty.
fn column(raw: &[u8], text: &[u8]) -> usize {
    if text.is_empty() {
        raw.len() + 1
    } else {
        text.as_ptr() as usize - raw.as_ptr() as usize + 1
    }
}

/// `line` (already trimmed) is a `//go:build` line: the prefix followed by blank or nothing.
pub fn go_build_expr(line: &[u8]) -> Option<&[u8]> {
    let rest = line.strip_prefix(b"//go:build")?;
    let trimmed = rest.trim_ascii();
    if rest.is_empty() || trimmed.len() < rest.len() {
        Some(trimmed)
    } else {
        None
    }
}

/// `line` (already trimmed) is a `// +build` line: `//`, optional blanks, `+build`, then
/// blank or nothing. Returns the text after `+build`.
pub fn plus_build_expr(line: &[u8]) -> Option<&[u8]> {
    let rest = line.strip_prefix(b"//")?.trim_ascii();
    let rest = rest.strip_prefix(b"+build")?;
    let trimmed = rest.trim_ascii();
    if rest.is_empty() || trimmed.len() < rest.len() {
        Some(trimmed)
    } else {
        None
    }
}

/// The package clause and imports, read with the small token lexer below (as go/build's
/// `readGoInfo` reads them).
fn scan_imports(src: &[u8], header: &mut Header<'_>) {
    let mut lx = Lexer {
        src,
        pos: 0,
        counted: (0, 1),
    };
    if lx.word() != Some(b"package") {
        return;
    }
    match lx.word() {
        Some(name) => header.package = Some(String::from_utf8_lossy(name).into_owned()),
        None => return,
    }
    header.import_comment = import_comment(&src[lx.pos..]);
    lx.semicolon();
    while lx.peek_word() == Some(b"import") {
        lx.word();
        lx.skip_trivia();
        if lx.eat(b'(') {
            loop {
                lx.skip_trivia_and_semis();
                if lx.eat(b')') || lx.at_end() {
                    break;
                }
                match lx.import_spec() {
                    Some(i) => header.imports.push(i),
                    None => return,
                }
            }
        } else {
            match lx.import_spec() {
                Some(i) => header.imports.push(i),
                None => return,
            }
        }
        lx.semicolon();
    }
}

/// `// import "path"` or `/* import "path" */` starting on the package clause's line
/// (`rest` follows the package name), as go/build's `findImportComment` reads it.
fn import_comment(rest: &[u8]) -> Option<String> {
    let rest = &rest[rest
        .iter()
        .take_while(|&&c| c == b' ' || c == b'\t')
        .count()..];
    let comment = if let Some(after) = rest.strip_prefix(b"//") {
        &after[..memchr::memchr(b'\n', after).unwrap_or(after.len())]
    } else {
        let after = rest.strip_prefix(b"/*")?;
        let body = &after[..memchr::memmem::find(after, b"*/")?];
        if body.contains(&b'\n') {
            return None;
        }
        body
    };
    let arg = comment.trim_ascii().strip_prefix(b"import")?;
    if !arg.first().is_some_and(|c| c.is_ascii_whitespace()) {
        return None;
    }
    // The whole rest must be one quoted string, as strconv.Unquote demands.
    let arg = arg.trim_ascii();
    let quote = *arg.first()?;
    let inner = arg.strip_prefix(&[quote])?.strip_suffix(&[quote])?;
    let plain = (quote == b'"' || quote == b'`')
        && !inner.is_empty()
        && !inner.contains(&quote)
        && !inner.contains(&b'\\')
        && !inner.contains(&b'\n');
    plain.then(|| String::from_utf8_lossy(inner).into_owned())
}

struct Lexer<'a> {
    src: &'a [u8],
    pos: usize,
    /// A position and its 1-based line: lines are counted on from the last import's, not
    /// from the top for each import.
    counted: (usize, usize),
}

impl<'a> Lexer<'a> {
    fn at_end(&self) -> bool {
        self.pos >= self.src.len()
    }

    /// Skip spaces, newlines and comments.
    fn skip_trivia(&mut self) {
        while let Some(&c) = self.src.get(self.pos) {
            match c {
                b' ' | b'\t' | b'\r' | b'\n' => self.pos += 1,
                b'/' if self.src.get(self.pos + 1) == Some(&b'/') => {
                    self.pos = memchr::memchr(b'\n', &self.src[self.pos..])
                        .map_or(self.src.len(), |i| self.pos + i);
                }
                b'/' if self.src.get(self.pos + 1) == Some(&b'*') => {
                    self.pos = memchr::memmem::find(&self.src[self.pos + 2..], b"*/")
                        .map_or(self.src.len(), |i| self.pos + 2 + i + 2);
                }
                0xEF if self.src[self.pos..].starts_with(b"\xEF\xBB\xBF") && self.pos == 0 => {
                    self.pos += 3
                }
                _ => break,
            }
        }
    }

    fn skip_trivia_and_semis(&mut self) {
        loop {
            self.skip_trivia();
            if !self.eat(b';') {
                break;
            }
        }
    }

    fn semicolon(&mut self) {
        self.skip_trivia();
        self.eat(b';');
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.src.get(self.pos) == Some(&c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn ident_len(&self) -> usize {
        let rest = &self.src[self.pos..];
        let mut n = 0;
        while n < rest.len() {
            let c = rest[n];
            if crate::syntax::tree::is_word_byte(c) {
                n += 1;
            } else {
                break;
            }
        }
        if n > 0 && rest[0].is_ascii_digit() {
            0
        } else {
            n
        }
    }

    fn peek_word(&mut self) -> Option<&'a [u8]> {
        self.skip_trivia();
        let n = self.ident_len();
        (n > 0).then(|| &self.src[self.pos..self.pos + n])
    }

    fn word(&mut self) -> Option<&'a [u8]> {
        let w = self.peek_word()?;
        self.pos += w.len();
        Some(w)
    }

    fn string(&mut self) -> Option<String> {
        self.skip_trivia();
        let quote = *self.src.get(self.pos)?;
        if quote != b'"' && quote != b'`' {
            return None;
        }
        let start = self.pos + 1;
        let mut i = start;
        while i < self.src.len() {
            match self.src[i] {
                b'\\' if quote == b'"' => i += 2,
                b'\n' if quote == b'"' => return None,
                c if c == quote => {
                    self.pos = i + 1;
                    return Some(String::from_utf8_lossy(&self.src[start..i]).into_owned());
                }
                _ => i += 1,
            }
        }
        None
    }

    fn import_spec(&mut self) -> Option<Import> {
        self.skip_trivia();
        let name = if self.eat(b'.') {
            Some(".".to_string())
        } else {
            self.word().map(|w| String::from_utf8_lossy(w).into_owned())
        };
        self.skip_trivia();
        let (from, line) = self.counted;
        // A few bytes since the last import: a plain count (memchr's setup per call was
        // most of it).
        let line = line
            + self.src[from..self.pos]
                .iter()
                .filter(|&&b| b == b'\n')
                .count();
        self.counted = (self.pos, line);
        let path = self.string()?;
        Some(Import { name, path, line })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(v: &[ConstraintLine<'_>]) -> Vec<(usize, String)> {
        v.iter()
            .map(|c| (c.line, String::from_utf8_lossy(c.text).into_owned()))
            .collect()
    }

    #[test]
    fn go_build_and_plus_build_lines() {
        let src = b"// Copyright\n\n//go:build linux && mips64le\n// +build linux,mips64le\n\npackage x\n\n//go:build ignore\n";
        let h = scan(src);
        assert_eq!(lines(&h.go_build), vec![(3, "linux && mips64le".into())]);
        assert_eq!(lines(&h.plus_build), vec![(4, "linux,mips64le".into())]);
        assert!(h.misplaced_plus_build.is_empty());
    }

    #[test]
    fn plus_build_needs_a_blank_line_after() {
        let h = scan(b"// +build linux\npackage x\n");
        assert!(h.plus_build.is_empty());
        assert_eq!(h.misplaced_plus_build, vec![1]);
        // Doc comment attached to the package after a blank: the first group counts.
        let h = scan(b"// +build a\n\n// +build b\n// Package x.\npackage x\n");
        assert_eq!(lines(&h.plus_build), vec![(1, "a".into())]);
        assert_eq!(h.misplaced_plus_build, vec![3]);
    }

    #[test]
    fn block_comments_in_header() {
        // A `/*` line ends the `+build` zone, but `//go:build` is still found after it.
        let src = b"/* license\n// +build ignore\n*/\n\n// +build windows\n\n//go:build linux\n\npackage x\n";
        let h = scan(src);
        assert!(h.plus_build.is_empty());
        assert_eq!(h.misplaced_plus_build, vec![5]);
        assert_eq!(lines(&h.go_build), vec![(7, "linux".into())]);
        // `//go:build` inside a block comment does not count.
        let h = scan(b"/*\n//go:build ignore\n*/\npackage x\n");
        assert!(h.go_build.is_empty());
        // Text after a block comment on the same line ends the header.
        let h = scan(b"/* c */ package x\n//go:build ignore\n");
        assert!(h.go_build.is_empty());
    }

    #[test]
    fn header_ends_at_package() {
        let h = scan(b"package x\n\n// +build ignore\n\n//go:build ignore\n");
        assert_eq!(
            h,
            Header {
                package: Some("x".into()),
                ..Header::default()
            }
        );
    }

    #[test]
    fn columns_of_expressions() {
        let h = scan(b"\xef\xbb\xbf  //go:build \t(x\r\n// +build\r\n\r\npackage x\r\n");
        assert_eq!(h.go_build[0].column, 15);
        assert_eq!(h.plus_build[0].column, 11); // empty: one past `// +build\r`
    }

    #[test]
    fn bom_crlf_and_indent() {
        let h = scan(b"\xef\xbb\xbf// +build linux\r\n\r\n  //go:build amd64\t\r\npackage x\r\n");
        assert_eq!(lines(&h.plus_build), vec![(1, "linux".into())]);
        assert_eq!(lines(&h.go_build), vec![(3, "amd64".into())]);
    }

    #[test]
    fn header_without_package_is_all_comment() {
        // No blank line after the `+build`: ignored, as go/build does.
        let h = scan(b"// +build linux");
        assert_eq!(h.misplaced_plus_build, vec![1]);
        let h = scan(b"// +build linux\n\n");
        assert_eq!(lines(&h.plus_build), vec![(1, "linux".into())]);
    }

    #[test]
    fn import_comments() {
        let comment = |src: &[u8]| scan(src).import_comment;
        assert_eq!(
            comment(b"package system // import \"github.com/x/y/system\"\n").as_deref(),
            Some("github.com/x/y/system")
        );
        assert_eq!(
            comment(b"// c\npackage y\t/* import `example.org/y` */\nimport \"os\"\n").as_deref(),
            Some("example.org/y")
        );
        // Not on the package line, not `import` as a word, or not one quoted string.
        assert_eq!(comment(b"package x\n// import \"a/b\"\n"), None);
        assert_eq!(comment(b"package x // imports \"a/b\"\n"), None);
        assert_eq!(comment(b"package x // import \"a/b\" for now\n"), None);
        assert_eq!(comment(b"package x /* import \"a/b\"\n*/\n"), None);
        assert_eq!(comment(b"package x // Package x imports a/b.\n"), None);
        // The imports after it are still read.
        let h = scan(b"package x // import \"a/x\"\n\nimport \"os\"\n");
        assert_eq!(h.imports.len(), 1);
    }

    fn import_c_line(src: &[u8]) -> Option<usize> {
        scan(src).import_c_line()
    }

    #[test]
    fn import_c() {
        let src = b"// c\npackage x\n\n/*\n#include <stdio.h>\n*/\nimport \"C\"\n\nfunc f() {}\n";
        assert_eq!(import_c_line(src), Some(7));
        let src = b"package x\nimport (\n\t\"fmt\"\n\tunsafe \"unsafe\"; . \"os\"\n\t_ `C`\n)\n";
        assert_eq!(import_c_line(src), Some(5));
        let src = b"package x\nimport \"fmt\"\nimport \"os\"\nvar s = \"C\"\n";
        assert_eq!(import_c_line(src), None);
        let src = b"package x\nfunc f() { _ = \"C\" }\nimport \"C\"\n";
        assert_eq!(import_c_line(src), None);
        assert_eq!(import_c_line(b"package x; import \"C\""), Some(1));
        assert_eq!(import_c_line(b"\"C\""), None);
        assert_eq!(
            import_c_line(b"package x\nimport \"unterminated\n\"C\""),
            None
        );
    }

    fn paths<'h>(h: &'h Header<'_>) -> Vec<(Option<&'h str>, &'h str)> {
        h.imports
            .iter()
            .map(|i| (i.name.as_deref(), i.path.as_str()))
            .collect()
    }

    #[test]
    fn reads_package_and_grouped_imports() {
        let src = br#"// Copyright
//go:build linux && (amd64 || arm64)

/* block
   comment */
package system // trailing

import (
	"fmt"
	u "golang.org/x/sys/unix" // why
	_ "embed"
	. "strings"; "syscall"
)
import "os"

func main() {}
import "notseen"
"#;
        let h = scan(src);
        assert_eq!(h.package.as_deref(), Some("system"));
        assert_eq!(
            paths(&h),
            vec![
                (None, "fmt"),
                (Some("u"), "golang.org/x/sys/unix"),
                (Some("_"), "embed"),
                (Some("."), "strings"),
                (None, "syscall"),
                (None, "os")
            ]
        );
        // Each path's line, counted on from the import before it.
        let lines: Vec<usize> = h.imports.iter().map(|i| i.line).collect();
        assert_eq!(lines, [9, 10, 11, 12, 12, 14]);
    }

    #[test]
    fn tolerates_garbage() {
        assert_eq!(scan(b"").package, None);
        assert_eq!(scan(b"\x00\x01binary").package, None);
        assert_eq!(scan(b"package").package, None);
        let h = scan(b"package p\nimport (\n\"a\"\n");
        assert_eq!(paths(&h), vec![(None, "a")]);
        let h = scan(b"package p; import `raw/path`");
        assert_eq!(paths(&h), vec![(None, "raw/path")]);
        assert_eq!(scan(b"package p\nimport \"unterminated\n").imports, vec![]);
    }

    #[test]
    fn line_prefixes() {
        assert_eq!(go_build_expr(b"//go:build linux"), Some(&b"linux"[..]));
        assert_eq!(go_build_expr(b"//go:build"), Some(&b""[..]));
        assert_eq!(go_build_expr(b"//go:build\tlinux"), Some(&b"linux"[..]));
        assert_eq!(go_build_expr(b"//go:buildlinux"), None);
        assert_eq!(go_build_expr(b"// go:build linux"), None);
        assert_eq!(go_build_expr(b"//go:builds"), None);
        assert_eq!(plus_build_expr(b"// +build linux"), Some(&b"linux"[..]));
        assert_eq!(plus_build_expr(b"//+build linux"), Some(&b"linux"[..]));
        assert_eq!(plus_build_expr(b"//   +build   a b  "), Some(&b"a b"[..]));
        assert_eq!(plus_build_expr(b"// +build"), Some(&b""[..]));
        assert_eq!(plus_build_expr(b"// +builder"), None);
        assert_eq!(plus_build_expr(b"/* +build linux */"), None);
        assert_eq!(plus_build_expr(b"// see +build linux"), None);
    }
}
