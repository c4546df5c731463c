//! The one build-constraint expression: `//go:build` and `// +build` lines, parsed by one
//! grammar (go/build/constraint's) either straight to an [`ArchSet`] or to an [`Expr`] tree
//! that [`super::rewrite`] extends and prints the way gofmt prints it.
//!
//! The parser is generic over what it builds ([`Build`]): evaluating while parsing (tag →
//! its arches, `!` → complement, `&&` → intersect, `||` → union) answers for all 13 targets
//! in one pass and allocates nothing; building an [`Expr`] gives the same structure as a
//! tree. Grammar and error cases follow go/build/constraint.

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
    pub kind: SyntaxErrorKind,
}

/// What is wrong with a `//go:build` expression; displayed as go/build/constraint words it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyntaxErrorKind {
    UnexpectedEnd,
    /// The token's text (`)`, `||`, or the tag).
    UnexpectedToken(String),
    InvalidSyntaxAt(char),
    DoubleNegation,
    MissingCloseParen,
    TooComplex,
}

impl std::fmt::Display for SyntaxErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SyntaxErrorKind::UnexpectedEnd => f.write_str("unexpected end of expression"),
            SyntaxErrorKind::UnexpectedToken(t) => write!(f, "unexpected token {t}"),
            SyntaxErrorKind::InvalidSyntaxAt(c) => write!(f, "invalid syntax at {c}"),
            SyntaxErrorKind::DoubleNegation => f.write_str("double negation not allowed"),
            SyntaxErrorKind::MissingCloseParen => f.write_str("missing close paren"),
            SyntaxErrorKind::TooComplex => f.write_str("expression too complex"),
        }
    }
}

/// What the parser makes of tags and operators: an [`ArchSet`] ([`Eval`]) or an [`Expr`].
pub trait Build {
    type Out;
    fn tag(&mut self, name: &str) -> Self::Out;
    fn not(&mut self, x: Self::Out) -> Self::Out;
    fn and(&mut self, a: Self::Out, b: Self::Out) -> Self::Out;
    fn or(&mut self, a: Self::Out, b: Self::Out) -> Self::Out;
    /// An invalid `// +build` term (`!!x`, `!`, `a-b`, or `""` for an empty line), which the
    /// go command reads as the tag `ignore`; `None` gives the whole line up.
    fn bad_plus_term(&mut self, term: &str) -> Option<Self::Out>;
}

/// Evaluation to the arches where the expression holds, collecting bad `// +build` terms.
pub struct Eval<'a> {
    pub cfg: &'a BuildConfig,
    pub bad_terms: Vec<String>,
}

impl Build for Eval<'_> {
    type Out = ArchSet;
    fn tag(&mut self, name: &str) -> ArchSet {
        tag_arches(self.cfg, name)
    }
    fn not(&mut self, x: ArchSet) -> ArchSet {
        x.complement()
    }
    fn and(&mut self, a: ArchSet, b: ArchSet) -> ArchSet {
        a.intersect(b)
    }
    fn or(&mut self, a: ArchSet, b: ArchSet) -> ArchSet {
        a.union(b)
    }
    fn bad_plus_term(&mut self, term: &str) -> Option<ArchSet> {
        self.bad_terms.push(term.to_string());
        Some(tag_arches(self.cfg, "ignore"))
    }
}

/// Parse a `//go:build` expression (the text after the prefix) with `b`.
pub fn parse_go_build<B: Build>(b: &mut B, text: &str) -> Result<B::Out, SyntaxError> {
    let mut p = Parser {
        b,
        s: text,
        i: 0,
        tok: Tok::End,
        pos: 0,
        depth: 0,
    };
    let x = p.or()?;
    if p.tok != Tok::End {
        return Err(p.unexpected());
    }
    Ok(x)
}

/// Parse the text of one `// +build` line with `b`: space = OR, comma = AND, `!` = NOT.
/// Invalid terms (`!!x`, `!`, `a-b`, an empty line) go to [`Build::bad_plus_term`].
pub fn parse_plus_build<B: Build>(b: &mut B, text: &str) -> Option<B::Out> {
    let mut line: Option<B::Out> = None;
    for clause in text.split_ascii_whitespace() {
        let mut conj: Option<B::Out> = None;
        for lit in clause.split(',') {
            let term = if lit.starts_with("!!") || lit == "!" {
                b.bad_plus_term(lit)?
            } else {
                let (neg, name) = match lit.strip_prefix('!') {
                    Some(n) => (true, n),
                    None => (false, lit),
                };
                let x = if is_valid_tag(name) {
                    b.tag(name)
                } else {
                    b.bad_plus_term(lit)?
                };
                if neg {
                    b.not(x)
                } else {
                    x
                }
            };
            conj = Some(match conj {
                None => term,
                Some(c) => b.and(c, term),
            });
        }
        let conj = conj?;
        line = Some(match line {
            None => conj,
            Some(l) => b.or(l, conj),
        });
    }
    match line {
        Some(l) => Some(l),
        None => b.bad_plus_term(""),
    }
}

/// Evaluate a `//go:build` expression (the text after the prefix).
pub fn eval_go_build(cfg: &BuildConfig, text: &str) -> Result<ArchSet, SyntaxError> {
    parse_go_build(
        &mut Eval {
            cfg,
            bad_terms: Vec::new(),
        },
        text,
    )
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
    let mut e = Eval {
        cfg,
        bad_terms: Vec::new(),
    };
    // Evaluation never gives a line up: bad terms read as `ignore`.
    let arches = parse_plus_build(&mut e, text).unwrap_or(ArchSet::EMPTY);
    PlusBuildResult {
        arches,
        bad_terms: e.bad_terms,
    }
}

fn is_tag_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '.'
}

fn is_valid_tag(word: &str) -> bool {
    !word.is_empty() && word.chars().all(is_tag_char)
}

/// A build-constraint expression as a tree, for rewriting; `&&` and `||` nest to the left as
/// parsed (`a && b && c` is `And(And(a, b), c)`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expr {
    Tag(String),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
}

impl Expr {
    pub fn tag(s: &str) -> Expr {
        Expr::Tag(s.to_string())
    }
    pub fn and(a: Expr, b: Expr) -> Expr {
        Expr::And(Box::new(a), Box::new(b))
    }
    pub fn or(a: Expr, b: Expr) -> Expr {
        Expr::Or(Box::new(a), Box::new(b))
    }

    /// Parse a `//go:build` expression (the text after the prefix).
    pub fn parse_go_build(text: &str) -> Result<Expr, SyntaxError> {
        parse_go_build(&mut Tree, text)
    }

    /// Parse one `// +build` line's text; `None` when a term is invalid or the line empty.
    pub fn parse_plus_build(text: &str) -> Option<Expr> {
        parse_plus_build(&mut Tree, text)
    }

    /// The arches where the expression holds.
    pub fn arches(&self, cfg: &BuildConfig) -> ArchSet {
        match self {
            Expr::Tag(t) => tag_arches(cfg, t),
            Expr::Not(x) => x.arches(cfg).complement(),
            Expr::And(a, b) => a.arches(cfg).intersect(b.arches(cfg)),
            Expr::Or(a, b) => a.arches(cfg).union(b.arches(cfg)),
        }
    }
}

/// Builds [`Expr`] trees; gives a `// +build` line with an invalid term up.
struct Tree;

impl Build for Tree {
    type Out = Expr;
    fn tag(&mut self, name: &str) -> Expr {
        Expr::tag(name)
    }
    fn not(&mut self, x: Expr) -> Expr {
        Expr::Not(Box::new(x))
    }
    fn and(&mut self, a: Expr, b: Expr) -> Expr {
        Expr::and(a, b)
    }
    fn or(&mut self, a: Expr, b: Expr) -> Expr {
        Expr::or(a, b)
    }
    fn bad_plus_term(&mut self, _: &str) -> Option<Expr> {
        None
    }
}

impl std::fmt::Display for Expr {
    /// gofmt's form (go/build/constraint's `String`): `&&` operands that are `||` get
    /// parentheses and vice versa.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Expr::Tag(t) => f.write_str(t),
            Expr::Not(x) => match **x {
                Expr::And(..) | Expr::Or(..) => write!(f, "!({x})"),
                _ => write!(f, "!{x}"),
            },
            Expr::And(a, b) => {
                for (i, x) in [a, b].into_iter().enumerate() {
                    if i > 0 {
                        f.write_str(" && ")?;
                    }
                    match **x {
                        Expr::Or(..) => write!(f, "({x})")?,
                        _ => write!(f, "{x}")?,
                    }
                }
                Ok(())
            }
            Expr::Or(a, b) => {
                for (i, x) in [a, b].into_iter().enumerate() {
                    if i > 0 {
                        f.write_str(" || ")?;
                    }
                    match **x {
                        Expr::And(..) => write!(f, "({x})")?,
                        _ => write!(f, "{x}")?,
                    }
                }
                Ok(())
            }
        }
    }
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

struct Parser<'a, 'b, B: Build> {
    b: &'b mut B,
    s: &'a str,
    i: usize,
    tok: Tok<'a>,
    pos: usize,
    depth: usize,
}

impl<'a, B: Build> Parser<'a, '_, B> {
    fn err(&self, offset: usize, kind: SyntaxErrorKind) -> SyntaxError {
        SyntaxError { offset, kind }
    }

    fn unexpected(&self) -> SyntaxError {
        let kind = match self.tok {
            Tok::End => SyntaxErrorKind::UnexpectedEnd,
            Tok::Tag(t) => SyntaxErrorKind::UnexpectedToken(t.to_string()),
            t => SyntaxErrorKind::UnexpectedToken(t.text().to_string()),
        };
        self.err(self.pos, kind)
    }

    fn or(&mut self) -> Result<B::Out, SyntaxError> {
        let mut x = self.and()?;
        while self.tok == Tok::Or {
            let y = self.and()?;
            x = self.b.or(x, y);
        }
        Ok(x)
    }

    fn and(&mut self) -> Result<B::Out, SyntaxError> {
        let mut x = self.not()?;
        while self.tok == Tok::And {
            let y = self.not()?;
            x = self.b.and(x, y);
        }
        Ok(x)
    }

    fn not(&mut self) -> Result<B::Out, SyntaxError> {
        self.lex()?;
        if self.tok == Tok::Not {
            self.lex()?;
            if self.tok == Tok::Not {
                return Err(self.err(self.pos, SyntaxErrorKind::DoubleNegation));
            }
            let x = self.atom()?;
            return Ok(self.b.not(x));
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<B::Out, SyntaxError> {
        match self.tok {
            Tok::LParen => {
                let open = self.pos;
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return Err(self.err(open, SyntaxErrorKind::TooComplex));
                }
                let x = match self.or() {
                    Err(SyntaxError {
                        offset,
                        kind: SyntaxErrorKind::UnexpectedEnd,
                    }) => return Err(self.err(offset, SyntaxErrorKind::MissingCloseParen)),
                    r => r?,
                };
                if self.tok != Tok::RParen {
                    return Err(self.err(open, SyntaxErrorKind::MissingCloseParen));
                }
                self.depth -= 1;
                self.lex()?;
                Ok(x)
            }
            Tok::Tag(name) => {
                let x = self.b.tag(name);
                self.lex()?;
                Ok(x)
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
                return Err(self.err(self.i, SyntaxErrorKind::InvalidSyntaxAt(c as char)));
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
            return Err(self.err(self.i, SyntaxErrorKind::InvalidSyntaxAt(ch)));
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
        eval_go_build(&cfg(), text).unwrap_err().kind.to_string()
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
    fn tree_and_direct_evaluation_agree() {
        let c = cfg();
        for text in [
            "linux && (amd64 || arm64)",
            "!(mips || mipsle) && !cgo",
            "386 || amd64 && arm64",
            "ünïcode || ppc64le",
            "x y",
            "!!x",
            "(x",
            "x)",
            "a-b",
            "",
            &"(".repeat(200),
        ] {
            let tree = Expr::parse_go_build(text).map(|x| x.arches(&c));
            assert_eq!(tree, eval_go_build(&c, text), "{text}");
        }
        for text in ["linux,386 darwin,!cgo", "amd64 arm64", "!windows,!plan9"] {
            let x = Expr::parse_plus_build(text).unwrap();
            assert_eq!(x.arches(&c), plus(text), "{text}");
        }
        for bad in ["!!linux", "!", "a-b", "linux,", ""] {
            assert_eq!(Expr::parse_plus_build(bad), None, "{bad}");
        }
    }
}
