//! `//go:build` and `// +build` lines, evaluated straight to an [`ArchSet`].
//!
//! Evaluating while parsing (tag → its arches, `!` → complement, `&&` → intersect,
//! `||` → union) answers for all 13 targets in one pass and allocates nothing.
//! Grammar and error cases follow go/build/constraint.

use super::tags::tag_arches;
use super::BuildConfig;
use crate::arch::ArchSet;

/// Nesting limit, so hostile input cannot overflow the stack.
const MAX_DEPTH: usize = 100;

/// A `//go:build` expression the go command would reject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Byte offset in the expression text.
    pub offset: usize,
    pub message: String,
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

/// Evaluate a `//go:build` expression (the text after the prefix).
pub fn eval_go_build(cfg: &BuildConfig, text: &str) -> Result<ArchSet, SyntaxError> {
    let mut p = Parser {
        cfg,
        s: text,
        i: 0,
        tok: Tok::End,
        pos: 0,
        depth: 0,
    };
    let set = p.or()?;
    if p.tok != Tok::End {
        return Err(p.unexpected());
    }
    Ok(set)
}

/// Problems in a `// +build` line that the go command silently turns into `ignore`.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct PlusBuildResult {
    pub arches: ArchSet,
    /// Terms the go command reads as the never-true tag `ignore`.
    pub bad_terms: Vec<String>,
}

/// Evaluate the text of one `// +build` line: space = OR, comma = AND, `!` = NOT.
/// Invalid terms (`!!x`, `!`, `a-b`, an empty line) read as `ignore`, as in go/build.
pub fn eval_plus_build(cfg: &BuildConfig, text: &str) -> PlusBuildResult {
    let ignore = tag_arches(cfg, "ignore");
    let mut result = PlusBuildResult::default();
    let mut any_clause = false;
    for clause in text.split_ascii_whitespace() {
        any_clause = true;
        let mut clause_set = ArchSet::ALL;
        for lit in clause.split(',') {
            let term = if lit.starts_with("!!") || lit == "!" {
                result.bad_terms.push(lit.to_string());
                ignore
            } else {
                let (neg, name) = match lit.strip_prefix('!') {
                    Some(n) => (true, n),
                    None => (false, lit),
                };
                let set = if is_valid_tag(name) {
                    tag_arches(cfg, name)
                } else {
                    result.bad_terms.push(lit.to_string());
                    ignore
                };
                if neg {
                    set.complement()
                } else {
                    set
                }
            };
            clause_set = clause_set.intersect(term);
        }
        result.arches = result.arches.union(clause_set);
    }
    if !any_clause {
        result.bad_terms.push(String::new());
        result.arches = ignore;
    }
    result
}

fn is_tag_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '.'
}

fn is_valid_tag(word: &str) -> bool {
    !word.is_empty() && word.chars().all(is_tag_char)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok<'a> {
    End,
    LParen,
    RParen,
    Not,
    And,
    Or,
    Tag(&'a str),
}

impl Tok<'_> {
    fn text(self) -> &'static str {
        match self {
            Tok::End => "",
            Tok::LParen => "(",
            Tok::RParen => ")",
            Tok::Not => "!",
            Tok::And => "&&",
            Tok::Or => "||",
            Tok::Tag(_) => "tag",
        }
    }
}

struct Parser<'a> {
    cfg: &'a BuildConfig,
    s: &'a str,
    i: usize,
    tok: Tok<'a>,
    pos: usize,
    depth: usize,
}

impl<'a> Parser<'a> {
    fn err(&self, offset: usize, message: impl Into<String>) -> SyntaxError {
        SyntaxError {
            offset,
            message: message.into(),
        }
    }

    fn unexpected(&self) -> SyntaxError {
        match self.tok {
            Tok::End => self.err(self.pos, "unexpected end of expression"),
            Tok::Tag(t) => self.err(self.pos, format!("unexpected token {t}")),
            t => self.err(self.pos, format!("unexpected token {}", t.text())),
        }
    }

    fn or(&mut self) -> Result<ArchSet, SyntaxError> {
        let mut set = self.and()?;
        while self.tok == Tok::Or {
            set = set.union(self.and()?);
        }
        Ok(set)
    }

    fn and(&mut self) -> Result<ArchSet, SyntaxError> {
        let mut set = self.not()?;
        while self.tok == Tok::And {
            set = set.intersect(self.not()?);
        }
        Ok(set)
    }

    fn not(&mut self) -> Result<ArchSet, SyntaxError> {
        self.lex()?;
        if self.tok == Tok::Not {
            self.lex()?;
            if self.tok == Tok::Not {
                return Err(self.err(self.pos, "double negation not allowed"));
            }
            return Ok(self.atom()?.complement());
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<ArchSet, SyntaxError> {
        match self.tok {
            Tok::LParen => {
                let open = self.pos;
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return Err(self.err(open, "expression too complex"));
                }
                let set = match self.or() {
                    Err(e) if e.message == "unexpected end of expression" => {
                        return Err(self.err(e.offset, "missing close paren"))
                    }
                    r => r?,
                };
                if self.tok != Tok::RParen {
                    return Err(self.err(open, "missing close paren"));
                }
                self.depth -= 1;
                self.lex()?;
                Ok(set)
            }
            Tok::Tag(name) => {
                let set = tag_arches(self.cfg, name);
                self.lex()?;
                Ok(set)
            }
            _ => Err(self.unexpected()),
        }
    }

    fn lex(&mut self) -> Result<(), SyntaxError> {
        let bytes = self.s.as_bytes();
        while self.i < bytes.len() && (bytes[self.i] == b' ' || bytes[self.i] == b'\t') {
            self.i += 1;
        }
        self.pos = self.i;
        let Some(&c) = bytes.get(self.i) else {
            self.tok = Tok::End;
            return Ok(());
        };
        let single = match c {
            b'(' => Some(Tok::LParen),
            b')' => Some(Tok::RParen),
            b'!' => Some(Tok::Not),
            _ => None,
        };
        if let Some(t) = single {
            self.tok = t;
            self.i += 1;
            return Ok(());
        }
        if c == b'&' || c == b'|' {
            if bytes.get(self.i + 1) != Some(&c) {
                return Err(self.err(self.i, format!("invalid syntax at {}", c as char)));
            }
            self.tok = if c == b'&' { Tok::And } else { Tok::Or };
            self.i += 2;
            return Ok(());
        }
        let rest = &self.s[self.i..];
        let len = rest
            .char_indices()
            .find(|&(_, ch)| !is_tag_char(ch))
            .map_or(rest.len(), |(k, _)| k);
        if len == 0 {
            let ch = rest.chars().next().unwrap_or('?');
            return Err(self.err(self.i, format!("invalid syntax at {ch}")));
        }
        self.tok = Tok::Tag(&rest[..len]);
        self.i += len;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::arch::Arch::*;
    use crate::arch::{Arch, ArchSet};

    fn cfg() -> BuildConfig {
        BuildConfig {
            cgo: false,
            go_minor: 22,
            tags: vec![],
        }
    }

    fn set(arches: &[Arch]) -> ArchSet {
        arches.iter().copied().collect()
    }

    fn go(text: &str) -> ArchSet {
        eval_go_build(&cfg(), text).unwrap_or_else(|e| panic!("{text}: {e:?}"))
    }

    fn go_err(text: &str) -> String {
        eval_go_build(&cfg(), text).unwrap_err().message
    }

    fn plus(text: &str) -> ArchSet {
        eval_plus_build(&cfg(), text).arches
    }

    #[test]
    fn go_build_operators() {
        assert_eq!(go("linux"), ArchSet::ALL);
        assert_eq!(go("mips64le"), set(&[Mips64le]));
        assert_eq!(go("!mips64le"), set(&[Mips64le]).complement());
        assert_eq!(go("amd64 || arm64"), set(&[Amd64, Arm64]));
        assert_eq!(go("linux && (amd64 || arm64)"), set(&[Amd64, Arm64]));
        assert_eq!(go("linux&&!386&&!arm"), set(&[I386, Arm]).complement());
        assert_eq!(go("windows || darwin"), ArchSet::EMPTY);
        assert_eq!(go("!windows"), ArchSet::ALL);
        assert_eq!(go("(((mips)))"), set(&[Mips]));
        assert_eq!(go("!(mips || mipsle)"), set(&[Mips, Mipsle]).complement());
        // `&&` binds tighter than `||`.
        assert_eq!(go("386 || amd64 && arm64"), set(&[I386]));
        assert_eq!(go("\tamd64\t||\tppc64 "), set(&[Amd64, Ppc64]));
    }

    #[test]
    fn go_build_docs_examples() {
        // `go help buildconstraint`.
        assert_eq!(go("linux && 386"), set(&[I386]));
        assert_eq!(go("(darwin || linux) && !cgo"), ArchSet::ALL);
        assert_eq!(go("ignore"), ArchSet::EMPTY);
        assert_eq!(go("go1.12"), ArchSet::ALL);
        assert_eq!(go("!go1.18"), ArchSet::EMPTY);
        assert_eq!(go("gccgo"), ArchSet::EMPTY);
        assert_eq!(go("linux && !android"), ArchSet::ALL);
        // golang.org/x/sys/unix style lists.
        assert_eq!(
            go("linux && (mips64 || mips64le)"),
            set(&[Mips64, Mips64le])
        );
        assert_eq!(
            go("aix || darwin || dragonfly || freebsd || linux"),
            ArchSet::ALL
        );
        // Unicode letters are tag characters.
        assert_eq!(go("ünïcode"), ArchSet::EMPTY);
    }

    #[test]
    fn go_build_syntax_errors() {
        // Messages as go/build/constraint reports them.
        assert_eq!(go_err(""), "unexpected end of expression");
        assert_eq!(go_err("x y"), "unexpected token y");
        assert_eq!(go_err("x && "), "unexpected end of expression");
        assert_eq!(go_err("x & y"), "invalid syntax at &");
        assert_eq!(go_err("x | y"), "invalid syntax at |");
        assert_eq!(go_err("!!x"), "double negation not allowed");
        assert_eq!(go_err("! ! x"), "double negation not allowed");
        assert_eq!(go_err("(x"), "missing close paren");
        assert_eq!(go_err("(x y)"), "missing close paren");
        assert_eq!(go_err("("), "missing close paren");
        assert_eq!(go_err("x)"), "unexpected token )");
        assert_eq!(go_err(")"), "unexpected token )");
        assert_eq!(go_err("x || || y"), "unexpected token ||");
        assert_eq!(go_err("linux,amd64"), "invalid syntax at ,");
        assert_eq!(go_err("a-b"), "invalid syntax at -");
        assert_eq!(go_err("a && +b"), "invalid syntax at +");
        assert_eq!(go_err(&"(".repeat(10_000)), "expression too complex");
    }

    #[test]
    fn go_build_error_offsets() {
        let e = eval_go_build(&cfg(), "x && (y").unwrap_err();
        assert_eq!(e.offset, 5);
        let e = eval_go_build(&cfg(), "x y").unwrap_err();
        assert_eq!(e.offset, 2);
    }

    #[test]
    fn plus_build_forms() {
        // Space = OR, comma = AND, ! = NOT (`go help buildconstraint`).
        assert_eq!(plus("linux,386 darwin,!cgo"), set(&[I386]));
        assert_eq!(plus("amd64 arm64"), set(&[Amd64, Arm64]));
        assert_eq!(plus("linux,!mips64le"), set(&[Mips64le]).complement());
        assert_eq!(plus("!windows,!plan9"), ArchSet::ALL);
        assert_eq!(plus("ignore"), ArchSet::EMPTY);
        assert_eq!(plus("  mips64   mips64le  "), set(&[Mips64, Mips64le]));
    }

    #[test]
    fn plus_build_bad_terms_read_as_ignore() {
        let r = eval_plus_build(&cfg(), "!!linux");
        assert_eq!(r.arches, ArchSet::EMPTY);
        assert_eq!(r.bad_terms, vec!["!!linux"]);
        assert_eq!(plus("!"), ArchSet::EMPTY);
        assert_eq!(plus("a-b"), ArchSet::EMPTY);
        // `!` of an invalid tag is `!ignore`: true.
        assert_eq!(plus("!a-b"), ArchSet::ALL);
        assert_eq!(plus("linux,"), ArchSet::EMPTY); // empty term after the comma
        let r = eval_plus_build(&cfg(), "");
        assert_eq!(r.arches, ArchSet::EMPTY);
        assert_eq!(r.bad_terms.len(), 1);
        // With `-tags ignore`, the bad terms become true.
        let c = BuildConfig {
            tags: vec!["ignore".into()],
            ..cfg()
        };
        assert_eq!(eval_plus_build(&c, "a-b").arches, ArchSet::ALL);
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
