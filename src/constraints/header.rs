//! The file header as go/build reads it: the leading comments (for constraint lines) and
//! the import block (for `import "C"`). Nothing past the imports is looked at.

use super::expr::{go_build_expr, plus_build_expr};

/// A constraint line: 1-based line number and the expression text after the prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConstraintLine<'a> {
    pub line: usize,
    pub text: &'a [u8],
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Header<'a> {
    /// Every `//go:build` line of the header (more than one is an error).
    pub go_build: Vec<ConstraintLine<'a>>,
    /// `// +build` lines the go command honours: before the last blank line of the
    /// leading `//` comment run.
    pub plus_build: Vec<ConstraintLine<'a>>,
    /// `// +build` lines the go command silently ignores (no blank line follows them).
    pub misplaced_plus_build: Vec<usize>,
}

const BOM: &[u8] = b"\xef\xbb\xbf";

/// Scan the leading comments like go/build's `parseFileHeader`.
pub fn scan(src: &[u8]) -> Header<'_> {
    let src = src.strip_prefix(BOM).unwrap_or(src);
    let mut header = Header::default();
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
                    text,
                });
            } else if let Some(text) = plus_build_expr(line) {
                plus_candidates.push((
                    offset,
                    ConstraintLine {
                        line: line_no,
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
    header
}

/// The 1-based line of an `import "C"` in the import block, if any.
pub fn import_c_line(src: &[u8]) -> Option<usize> {
    // Cheap reject: no `"C"` or `` `C` `` anywhere means no cgo import.
    if memchr::memmem::find(src, b"\"C\"").is_none() && memchr::memmem::find(src, b"`C`").is_none()
    {
        return None;
    }
    crate::header::scan(src)
        .imports
        .iter()
        .find(|i| i.path == "C")
        .map(|i| i.line)
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
        assert_eq!(h, Header::default());
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
}
