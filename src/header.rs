//! A fast look at a Go file's header: package name and imports, without a full parse.
//!
//! Go requires the package clause and import declarations to come first, so a small
//! lexer over the top of the file decides which files need tree-sitter at all.

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
pub struct Header {
    /// `None` when the file has no package clause (not a Go file the go command accepts).
    pub package: Option<String>,
    pub imports: Vec<Import>,
}

pub fn scan(src: &[u8]) -> Header {
    let mut lx = Lexer { src, pos: 0 };
    let mut header = Header::default();
    if lx.word() != Some(b"package") {
        return header;
    }
    match lx.word() {
        Some(name) => header.package = Some(String::from_utf8_lossy(name).into_owned()),
        None => return header,
    }
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
                    None => return header,
                }
            }
        } else {
            match lx.import_spec() {
                Some(i) => header.imports.push(i),
                None => return header,
            }
        }
        lx.semicolon();
    }
    header
}

struct Lexer<'a> {
    src: &'a [u8],
    pos: usize,
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
            // Non-ASCII bytes are letters in Go identifiers often enough; accept them.
            if c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80 {
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
        let line = 1 + memchr::memchr_iter(b'\n', &self.src[..self.pos]).count();
        let path = self.string()?;
        Some(Import { name, path, line })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(h: &Header) -> Vec<(Option<&str>, &str)> {
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
}
