//! A fast Go token scanner: package-level declarations, identifiers and `X.Y` selectors
//! without tree-sitter, so the scanner parses only files that mention an arch-varying name.
//!
//! Never panics and always advances, whatever the input; on syntax errors results are
//! best effort. Identifiers follow tree-sitter-go (`_` or XID_Start, then XID_Continue,
//! approximated by Unicode alphabetic/numeric outside ASCII).

use crate::syntax::tree::Span;
use std::cell::RefCell;
use std::sync::Arc;

/// The keyword a package-level name is declared with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DeclKind {
    Func,
    Type,
    Var,
    Const,
}

impl DeclKind {
    pub fn word(self) -> &'static str {
        match self {
            DeclKind::Func => "func",
            DeclKind::Type => "type",
            DeclKind::Var => "var",
            DeclKind::Const => "const",
        }
    }
}

/// A package-level name: what [`top_level_decls`] finds, and the names of
/// `crate::index::decls::walk` (tree-sitter), which must be equal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TopDecl {
    pub name: String,
    pub kind: DeclKind,
    pub span: Span,
    /// The integer a var or const spec of this one name is initialised with, when the
    /// value is a lone integer literal and the type, if any, a plain or qualified name
    /// (`const sysGettid = 186`, `var x uintptr = 0x10`): what `arch-keyed-table` compares
    /// across per-arch files.
    pub value: Option<i128>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kw {
    Break,
    Case,
    Chan,
    Const,
    Continue,
    Default,
    Defer,
    Else,
    Fallthrough,
    For,
    Func,
    Go,
    Goto,
    If,
    Import,
    Interface,
    Map,
    Package,
    Range,
    Return,
    Select,
    Struct,
    Switch,
    Type,
    Var,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Ident,
    Keyword(Kw),
    Literal,
    LParen,
    RParen,
    LBrack,
    RBrack,
    LBrace,
    RBrace,
    Comma,
    /// Explicit `;`, or one inserted at a newline (Go spec "Semicolons").
    Semi,
    Dot,
    /// `++`/`--`: a semicolon is inserted after them.
    IncDec,
    /// Any other operator or an illegal character.
    Other,
    Eof,
}

#[derive(Clone, Copy, Debug)]
struct Token {
    kind: Kind,
    start: usize,
    end: usize,
    /// A newline (or a block comment holding one) sits between this token and the last.
    nl_before: bool,
}

fn keyword(w: &[u8]) -> Option<Kw> {
    // Every keyword starts with a lowercase letter and is 2..=11 bytes long.
    if w.len() < 2 || w.len() > 11 || !w[0].is_ascii_lowercase() {
        return None;
    }
    Some(match w {
        b"break" => Kw::Break,
        b"case" => Kw::Case,
        b"chan" => Kw::Chan,
        b"const" => Kw::Const,
        b"continue" => Kw::Continue,
        b"default" => Kw::Default,
        b"defer" => Kw::Defer,
        b"else" => Kw::Else,
        b"fallthrough" => Kw::Fallthrough,
        b"for" => Kw::For,
        b"func" => Kw::Func,
        b"go" => Kw::Go,
        b"goto" => Kw::Goto,
        b"if" => Kw::If,
        b"import" => Kw::Import,
        b"interface" => Kw::Interface,
        b"map" => Kw::Map,
        b"package" => Kw::Package,
        b"range" => Kw::Range,
        b"return" => Kw::Return,
        b"select" => Kw::Select,
        b"struct" => Kw::Struct,
        b"switch" => Kw::Switch,
        b"type" => Kw::Type,
        b"var" => Kw::Var,
        _ => return None,
    })
}

/// ASCII bytes that may continue an identifier.
static IDENT_CONT: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = c.is_ascii_alphanumeric() || c == b'_';
        b += 1;
    }
    t
};

/// Bytes [`Lexer::skip_nested`] must look at.
static NESTED_SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let special = b"()[]{}\"'`/";
    let mut k = 0;
    while k < special.len() {
        t[special[k] as usize] = true;
        k += 1;
    }
    t
};

/// The [`NESTED_SPECIAL`] bytes of a text, 16 at a time: a bit mask per 16-byte chunk,
/// handed out in order ([`Specials::next_from`]). A set bit may also be `0x02`, `0x07`,
/// `0x0F` or `@` (folded in by the same compares): the caller checks the byte. Function
/// bodies are mostly other bytes, which the byte-at-a-time loop stepped over one by one.
struct Specials<'a> {
    src: &'a [u8],
    /// Start of the chunk `mask` covers (bits of positions already handed out cleared as
    /// asked past them).
    base: usize,
    mask: u32,
}

impl<'a> Specials<'a> {
    fn new(src: &'a [u8]) -> Specials<'a> {
        Specials {
            src,
            base: usize::MAX,
            mask: 0,
        }
    }

    /// The first special byte (or a look-alike) at or after `i`.
    fn next_from(&mut self, i: usize) -> Option<usize> {
        let src = self.src;
        if self.base <= i && i < self.base.saturating_add(16) {
            let m = self.mask & (u32::MAX << (i - self.base));
            if m != 0 {
                return Some(self.base + m.trailing_zeros() as usize);
            }
            self.base += 16;
        } else {
            self.base = i;
        }
        while self.base + 16 <= src.len() {
            self.mask = chunk_specials(&src[self.base..self.base + 16]);
            if self.mask != 0 {
                return Some(self.base + self.mask.trailing_zeros() as usize);
            }
            self.base += 16;
        }
        // The last bytes, one by one; no chunk is held after them.
        let from = self.base;
        self.base = usize::MAX;
        (from..src.len()).find(|&k| NESTED_SPECIAL[src[k] as usize])
    }
}

/// What [`Lexer::skip_nested`] does at the special byte `src[at]`, with `depth` brackets
/// open: where to go on from, and the bracket's kind when it closes the last of them.
fn at_special(src: &[u8], at: usize, depth: &mut usize) -> (usize, Option<Kind>) {
    let (b, i) = (src[at], at + 1);
    let kind = match b {
        b'(' | b'[' | b'{' => {
            *depth += 1;
            return (i, None);
        }
        b')' => Kind::RParen,
        b']' => Kind::RBrack,
        b'}' => Kind::RBrace,
        _ => return (past_literal_or_comment(src, i, b), None),
    };
    *depth -= 1;
    (i, (*depth == 0).then_some(kind))
}

/// Where what the quote or `/` just before `src[i]` starts ends, for [`Lexer::skip_nested`]:
/// past a literal or a comment (a `/` starting neither: `i`).
fn past_literal_or_comment(src: &[u8], i: usize, b: u8) -> usize {
    match b {
        b'"' | b'\'' => quoted(src, i, b),
        b'`' => memchr::memchr(b'`', &src[i..]).map_or(src.len(), |n| i + n + 1),
        _ => match src.get(i) {
            Some(b'/') => memchr::memchr(b'\n', &src[i..]).map_or(src.len(), |n| i + n),
            Some(b'*') => {
                memchr::memmem::find(&src[i + 1..], b"*/").map_or(src.len(), |n| i + 1 + n + 2)
            }
            _ => i,
        },
    }
}

/// Bit `k` set when `chunk[k]` may be a [`NESTED_SPECIAL`] byte.
#[cfg(target_arch = "x86_64")]
fn chunk_specials(chunk: &[u8]) -> u32 {
    use std::arch::x86_64::*;
    debug_assert_eq!(chunk.len(), 16);
    // SAFETY: SSE2 is part of x86_64; the load reads the chunk's 16 bytes, unaligned.
    unsafe {
        let v = _mm_loadu_si128(chunk.as_ptr().cast());
        // `b | 0x20` folds `[` into `{` and `]` into `}`; it also maps four rare bytes
        // onto the quotes and `/` (0x02, 0x07, 0x0F, `@`), which the caller skips. The
        // parentheses are compared as `b & 0xFE` (a tab `| 0x20` would be `)`).
        let lo = _mm_or_si128(v, _mm_set1_epi8(0x20));
        let eq = |x: __m128i, b: u8| _mm_cmpeq_epi8(x, _mm_set1_epi8(b as i8));
        let brackets = _mm_or_si128(eq(lo, b'{'), eq(lo, b'}'));
        let parens = eq(_mm_and_si128(v, _mm_set1_epi8(0xFEu8 as i8)), b'(');
        let quotes = _mm_or_si128(
            _mm_or_si128(eq(lo, b'"'), eq(lo, b'\'')),
            _mm_or_si128(eq(lo, b'`'), eq(lo, b'/')),
        );
        let all = _mm_or_si128(_mm_or_si128(brackets, parens), quotes);
        _mm_movemask_epi8(all) as u32
    }
}

#[cfg(not(target_arch = "x86_64"))]
fn chunk_specials(chunk: &[u8]) -> u32 {
    (chunk.iter().enumerate())
        .filter(|(_, &b)| NESTED_SPECIAL[b as usize])
        .fold(0, |m, (k, _)| m | 1 << k)
}

/// Decodes the char at `src[i]` (a byte >= 0x80); `None` for invalid UTF-8.
fn decode(src: &[u8], i: usize) -> Option<(char, usize)> {
    let len = match src[i] {
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF7 => 4,
        _ => return None,
    };
    let bytes = src.get(i..i + len)?;
    let c = std::str::from_utf8(bytes).ok()?.chars().next()?;
    Some((c, len))
}

fn unicode_start(c: char) -> bool {
    c.is_alphabetic()
}

fn unicode_cont(c: char) -> bool {
    c.is_alphanumeric()
}

thread_local! {
    /// The tokens of the file whose prefilters are running, inside a [`cache_tokens`]
    /// scope: several rules scan the same file's tokens, each with its own pass.
    static CACHE: RefCell<TokenCache> = const {
        RefCell::new(TokenCache {
            active: false,
            src: None,
            tokens: Vec::new(),
            idents: None,
        })
    };
}

struct TokenCache {
    active: bool,
    /// The source offered to the scope ([`offer_source`]), held so that its bytes stay
    /// where they are: a pass knows it by address and length.
    src: Option<Arc<Vec<u8>>>,
    /// Its tokens, ending with `Eof`, once a pass lexed them (empty while a pass runs).
    tokens: Vec<Token>,
    /// Its identifiers as [`skim::any_ident`] meets them, once a skim met them all
    /// (`None` while a skim runs).
    idents: Option<Vec<skim::Skimmed>>,
}

impl TokenCache {
    /// Whether a scope is active and was offered `src` (these very bytes: a pass knows
    /// the source by address and length).
    fn holds(&self, src: &[u8]) -> bool {
        self.active
            && (self.src.as_ref())
                .is_some_and(|s| s.as_ptr() == src.as_ptr() && s.len() == src.len())
    }
}

/// While the returned guard lives, the token passes below ([`for_each_ident`] and its
/// kin) over the source given to [`offer_source`] lex it once and replay its tokens for
/// every later pass.
pub fn cache_tokens() -> TokenScope {
    CACHE.with(|c| c.borrow_mut().active = true);
    TokenScope(())
}

/// The file the current [`cache_tokens`] scope caches the tokens of (none outside a scope).
pub fn offer_source(src: &Arc<Vec<u8>>) {
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.active {
            c.src = Some(Arc::clone(src));
            c.tokens.clear();
            c.idents = None;
        }
    });
}

/// Ends a [`cache_tokens`] scope when dropped.
pub struct TokenScope(());

impl Drop for TokenScope {
    fn drop(&mut self) {
        CACHE.with(|c| {
            let mut c = c.borrow_mut();
            c.active = false;
            c.src = None;
            c.idents = None;
            // Each thread keeps a small buffer for the next file, not a huge file's.
            if c.tokens.capacity() > 1 << 16 {
                c.tokens = Vec::new();
            } else {
                c.tokens.clear();
            }
        });
    }
}

/// A pass's tokens: lexed as it goes, or replayed from the scope's cache (up to `end`,
/// where an `Eof` is given).
enum Tokens<'a> {
    Lex(Lexer<'a>),
    Cached {
        tokens: Vec<Token>,
        at: usize,
        end: usize,
    },
}

impl<'a> Tokens<'a> {
    /// The tokens of `src[range]`, a stretch that starts and ends between tokens, at their
    /// offsets in `src`: replayed from the cache when it holds `src`, else lexed there.
    fn range(src: &'a [u8], range: std::ops::Range<usize>) -> Self {
        let end = range.end.min(src.len());
        let start = range.start.min(end);
        let mut tokens = Tokens::new(src);
        match &mut tokens {
            Tokens::Cached {
                tokens,
                at,
                end: last,
            } => {
                *at = tokens.partition_point(|t| t.start < start && t.kind != Kind::Eof);
                *last = tokens.partition_point(|t| t.start < end && t.kind != Kind::Eof);
            }
            Tokens::Lex(lx) => {
                *lx = Lexer {
                    src: &src[..end],
                    pos: start,
                }
            }
        }
        tokens
    }

    fn new(src: &'a [u8]) -> Self {
        // Taken out while the pass runs: a pass started from inside another lexes anew.
        let cached = CACHE.with(|c| {
            let mut c = c.borrow_mut();
            c.holds(src).then(|| std::mem::take(&mut c.tokens))
        });
        let Some(mut tokens) = cached else {
            return Tokens::Lex(Lexer::new(src));
        };
        if tokens.is_empty() {
            let mut lx = Lexer::new(src);
            loop {
                let t = lx.next();
                tokens.push(t);
                if t.kind == Kind::Eof {
                    break;
                }
            }
        }
        let end = tokens.len() - 1;
        Tokens::Cached { tokens, at: 0, end }
    }

    #[inline]
    fn next(&mut self) -> Token {
        match self {
            Tokens::Lex(lx) => lx.next(),
            Tokens::Cached { tokens, at, end } => {
                if *at >= *end {
                    // `Eof`, again past the end as the lexer does; where a range ends, at
                    // the start of the token after it.
                    let next = tokens[*end];
                    return Token {
                        kind: Kind::Eof,
                        start: next.start,
                        end: next.start,
                        nl_before: next.nl_before,
                    };
                }
                let t = tokens[*at];
                *at += 1;
                t
            }
        }
    }
}

impl Drop for Tokens<'_> {
    fn drop(&mut self) {
        if let Tokens::Cached { tokens, .. } = self {
            let tokens = std::mem::take(tokens);
            CACHE.with(|c| {
                let mut c = c.borrow_mut();
                // Still the same source (it is replaced only by `offer_source`, between
                // files, when no pass runs).
                if c.active && c.src.is_some() && c.tokens.is_empty() {
                    c.tokens = tokens;
                }
            });
        }
    }
}

/// Raw tokens; no semicolons are inserted here (see [`Stream`]).
struct Lexer<'a> {
    src: &'a [u8],
    pos: usize,
}

impl<'a> Lexer<'a> {
    fn new(src: &'a [u8]) -> Self {
        Lexer { src, pos: 0 }
    }

    #[inline]
    fn next(&mut self) -> Token {
        let src = self.src;
        let mut i = self.pos;
        let mut nl = false;
        loop {
            let Some(&b) = src.get(i) else {
                self.pos = i;
                return Token {
                    kind: Kind::Eof,
                    start: i,
                    end: i,
                    nl_before: nl,
                };
            };
            let start = i;
            let kind = match b {
                b' ' | b'\t' | b'\r' | 0x0C => {
                    i += 1;
                    continue;
                }
                b'\n' => {
                    nl = true;
                    i += 1;
                    continue;
                }
                b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                    i += 1;
                    while i < src.len() && IDENT_CONT[src[i] as usize] {
                        i += 1;
                    }
                    if i < src.len() && src[i] >= 0x80 {
                        i = self.unicode_ident_tail(i);
                    }
                    match keyword(&src[start..i]) {
                        Some(k) => Kind::Keyword(k),
                        None => Kind::Ident,
                    }
                }
                b'0'..=b'9' => {
                    i = number(src, i);
                    Kind::Literal
                }
                b'"' => {
                    i = quoted(src, i + 1, b'"');
                    Kind::Literal
                }
                b'\'' => {
                    i = quoted(src, i + 1, b'\'');
                    Kind::Literal
                }
                b'`' => {
                    i = match memchr::memchr(b'`', &src[i + 1..]) {
                        Some(n) => i + 1 + n + 1,
                        None => src.len(),
                    };
                    Kind::Literal
                }
                b'/' => match src.get(i + 1) {
                    Some(b'/') => {
                        // Stop before the newline so it still counts for semicolon insertion.
                        i = match memchr::memchr(b'\n', &src[i + 2..]) {
                            Some(n) => i + 2 + n,
                            None => src.len(),
                        };
                        continue;
                    }
                    Some(b'*') => {
                        let end = match memchr::memmem::find(&src[i + 2..], b"*/") {
                            Some(n) => i + 2 + n + 2,
                            None => src.len(),
                        };
                        // A general comment containing newlines acts like a newline.
                        nl |= memchr::memchr(b'\n', &src[i + 2..end]).is_some();
                        i = end;
                        continue;
                    }
                    _ => {
                        i += 1;
                        Kind::Other
                    }
                },
                b'.' => match src.get(i + 1) {
                    Some(b'0'..=b'9') => {
                        i = number(src, i);
                        Kind::Literal
                    }
                    Some(b'.') if src.get(i + 2) == Some(&b'.') => {
                        i += 3;
                        Kind::Other
                    }
                    _ => {
                        i += 1;
                        Kind::Dot
                    }
                },
                b'(' => {
                    i += 1;
                    Kind::LParen
                }
                b')' => {
                    i += 1;
                    Kind::RParen
                }
                b'[' => {
                    i += 1;
                    Kind::LBrack
                }
                b']' => {
                    i += 1;
                    Kind::RBrack
                }
                b'{' => {
                    i += 1;
                    Kind::LBrace
                }
                b'}' => {
                    i += 1;
                    Kind::RBrace
                }
                b',' => {
                    i += 1;
                    Kind::Comma
                }
                b';' => {
                    i += 1;
                    Kind::Semi
                }
                b'+' | b'-' if src.get(i + 1) == Some(&b) => {
                    i += 2;
                    Kind::IncDec
                }
                0x80.. => match decode(src, i) {
                    Some((c, len)) if unicode_start(c) => {
                        i = self.unicode_ident_tail(i + len);
                        Kind::Ident
                    }
                    Some(('\u{FEFF}', len)) => {
                        // Byte order mark: whitespace to tree-sitter.
                        i += len;
                        continue;
                    }
                    Some((_, len)) => {
                        i += len;
                        Kind::Other
                    }
                    None => {
                        i += 1;
                        Kind::Other
                    }
                },
                _ => {
                    i += 1;
                    Kind::Other
                }
            };
            self.pos = i;
            return Token {
                kind,
                start,
                end: i,
                nl_before: nl,
            };
        }
    }

    /// Skips to the bracket closing `depth` open ones and returns it (or `Eof`), looking
    /// only at brackets, comments and literals: the contents of a body cannot change which
    /// names are package-level, and this runs several times faster than tokenizing.
    fn skip_nested(&mut self, mut depth: usize) -> Token {
        let src = self.src;
        let mut specials = Specials::new(src);
        let mut i = self.pos;
        while let Some(at) = specials.next_from(i) {
            if !NESTED_SPECIAL[src[at] as usize] {
                i = at + 1;
                continue;
            }
            let closed;
            (i, closed) = at_special(src, at, &mut depth);
            if let Some(kind) = closed {
                self.pos = i;
                return Token {
                    kind,
                    start: at,
                    end: i,
                    nl_before: false,
                };
            }
        }
        self.pos = src.len();
        Token {
            kind: Kind::Eof,
            start: src.len(),
            end: src.len(),
            nl_before: false,
        }
    }

    /// Continues an identifier at `i`, accepting ASCII and Unicode continuation characters.
    fn unicode_ident_tail(&self, mut i: usize) -> usize {
        let src = self.src;
        while i < src.len() {
            let b = src[i];
            if b < 0x80 {
                if !IDENT_CONT[b as usize] {
                    break;
                }
                i += 1;
            } else {
                match decode(src, i) {
                    Some((c, len)) if unicode_cont(c) => i += len,
                    _ => break,
                }
            }
        }
        i
    }
}

/// End of the number starting at `i`: digits, letters, `_`, `.`, and a sign right after an
/// exponent letter (`e`/`E` in decimal, `p`/`P` in hex: `0x1e+2` is a sum).
fn number(src: &[u8], mut i: usize) -> usize {
    let hex = src[i] == b'0' && matches!(src.get(i + 1), Some(b'x' | b'X'));
    while i < src.len() {
        let b = src[i];
        if IDENT_CONT[b as usize] || b == b'.' {
            i += 1;
            let exp = if hex {
                matches!(b, b'p' | b'P')
            } else {
                matches!(b, b'e' | b'E' | b'p' | b'P')
            };
            if exp && matches!(src.get(i), Some(b'+' | b'-')) {
                i += 1;
            }
        } else {
            break;
        }
    }
    i
}

/// End of an interpreted string or rune whose body starts at `i`; an unterminated one stops
/// before the newline.
fn quoted(src: &[u8], mut i: usize, quote: u8) -> usize {
    loop {
        match memchr::memchr3(quote, b'\\', b'\n', &src[i.min(src.len())..]) {
            None => return src.len(),
            Some(n) => {
                let j = i + n;
                match src[j] {
                    b'\\' => i = j + 2,
                    b'\n' => return j,
                    _ => return j + 1,
                }
            }
        }
    }
}

/// Tokens with Go's automatic semicolons, plus push-back.
struct Stream<'a> {
    lx: Lexer<'a>,
    /// The last token allows a semicolon to be inserted at a newline.
    semi_ok: bool,
    /// Tokens to return before lexing more, last first: an unread token can sit on top of
    /// the one that followed an inserted semicolon, and [`typed`] looks three tokens ahead.
    pending: [Token; 4],
    npending: usize,
}

impl<'a> Stream<'a> {
    fn new(src: &'a [u8]) -> Self {
        let none = Token {
            kind: Kind::Eof,
            start: 0,
            end: 0,
            nl_before: false,
        };
        Stream {
            lx: Lexer::new(src),
            semi_ok: false,
            pending: [none; 4],
            npending: 0,
        }
    }

    fn next(&mut self) -> Token {
        let t = if self.npending > 0 {
            self.npending -= 1;
            self.pending[self.npending]
        } else {
            let t = self.lx.next();
            if t.nl_before && self.semi_ok && t.kind != Kind::Semi {
                // Return the inserted `;` now and `t` next time.
                self.semi_ok = false;
                self.unread(Token {
                    nl_before: false,
                    ..t
                });
                return Token {
                    kind: Kind::Semi,
                    start: t.start,
                    end: t.start,
                    nl_before: true,
                };
            }
            t
        };
        self.semi_ok = matches!(
            t.kind,
            Kind::Ident
                | Kind::Literal
                | Kind::IncDec
                | Kind::RParen
                | Kind::RBrack
                | Kind::RBrace
                | Kind::Keyword(Kw::Break | Kw::Continue | Kw::Fallthrough | Kw::Return)
        );
        t
    }

    /// Puts back the token `next` just returned.
    fn unread(&mut self, t: Token) {
        // Callers unread at most what they read ahead, within the slots; never panic anyway.
        if self.npending < self.pending.len() {
            self.pending[self.npending] = t;
            self.npending += 1;
        }
    }

    /// After an opening bracket was read: consumes up to the bracket that closes it and
    /// gives that token (`Eof` when none does).
    fn skip_to_close(&mut self) -> Token {
        if self.npending == 0 {
            // Whatever closed the bracket allows a semicolon after it.
            self.semi_ok = true;
            return self.lx.skip_nested(1);
        }
        // Rare (a token read ahead): the same walk, token by token.
        let mut depth = 1usize;
        loop {
            let t = self.next();
            match t.kind {
                Kind::Eof => return t,
                Kind::LParen | Kind::LBrack | Kind::LBrace => depth += 1,
                Kind::RParen | Kind::RBrack | Kind::RBrace => {
                    depth -= 1;
                    if depth == 0 {
                        return t;
                    }
                }
                _ => {}
            }
        }
    }

    /// Consumes tokens up to and including a `;` at nesting depth 0. With `group`, stops
    /// before (and leaves unread) a `)` at depth 0: the end of a `var ( … )` group.
    fn skip_spec(&mut self, group: bool) {
        let mut depth = 0usize;
        loop {
            let t = self.next();
            match t.kind {
                Kind::Eof => return self.unread(t),
                Kind::Semi if depth == 0 => return,
                Kind::LParen | Kind::LBrack | Kind::LBrace if self.npending == 0 => {
                    let close = self.lx.skip_nested(1);
                    // Whatever closed the bracket allows a semicolon after it.
                    self.semi_ok = true;
                    if close.kind == Kind::Eof {
                        return self.unread(close);
                    }
                }
                Kind::LParen | Kind::LBrack | Kind::LBrace => depth += 1,
                Kind::RParen if depth == 0 && group => return self.unread(t),
                Kind::RParen | Kind::RBrack | Kind::RBrace => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
    }
}

/// Package-level declarations exactly as `crate::index::decls::top_level` (tree-sitter)
/// finds them: funcs (not methods, not `init`), types, vars and consts (grouped or not,
/// several names per spec); blank `_` excluded. Spans equal tree-sitter's identifier spans:
/// lines end at `\n` only, columns are 1-based bytes (a leading BOM counts).
pub fn top_level_decls(src: &[u8]) -> Vec<TopDecl> {
    let mut out = Decls::new(src);
    let mut s = Stream::new(src);
    // Each turn starts at a statement boundary at depth 0.
    loop {
        let t = s.next();
        match t.kind {
            Kind::Eof => break,
            Kind::Semi => continue,
            Kind::Keyword(Kw::Func) => {
                let n = s.next();
                if n.kind == Kind::Ident {
                    out.push(n, DeclKind::Func);
                } else {
                    // A receiver: a method, which is not a package-level name.
                    s.unread(n);
                }
            }
            Kind::Keyword(Kw::Type) => specs(&mut s, &mut out, DeclKind::Type),
            Kind::Keyword(Kw::Var) => specs(&mut s, &mut out, DeclKind::Var),
            Kind::Keyword(Kw::Const) => specs(&mut s, &mut out, DeclKind::Const),
            _ => s.unread(t),
        }
        s.skip_spec(false);
    }
    out.out
}

/// A package-level function declaration (not a method), as tree-sitter's
/// `function_declaration` gives it: what missing-asm reads of the Go files beside `.s` files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FuncDecl<'a> {
    pub name: &'a str,
    pub body: bool,
    /// 1-based line of the name.
    pub line: usize,
}

/// Every package-level function declaration, with or without a body, in file order; `_`
/// and `init` included. A token walk: no parse.
pub fn func_decls(src: &[u8]) -> Vec<FuncDecl<'_>> {
    let text = Text::new(src);
    let mut out = Vec::new();
    let mut s = Stream::new(src);
    let (mut line, mut counted) = (1, 0);
    loop {
        let t = s.next();
        match t.kind {
            Kind::Eof => break,
            Kind::Semi => continue,
            Kind::Keyword(Kw::Func) => {
                let n = s.next();
                if n.kind != Kind::Ident {
                    // A method (or an error): not a function declaration.
                    s.unread(n);
                } else {
                    // Tokens arrive in order: lines are counted once over the file.
                    line += memchr::memchr_iter(b'\n', &src[counted..n.start]).count();
                    counted = n.start;
                    let body = has_body(&mut s);
                    out.push(FuncDecl {
                        name: text.get(n),
                        body,
                        line,
                    });
                    if !body {
                        continue;
                    }
                }
            }
            _ => s.unread(t),
        }
        s.skip_spec(false);
    }
    out
}

/// Braces a parse may leave empty without changing the rest of the tree: the body of a
/// top-level function or method, or in a package-level `var` declaration the outermost
/// `{ … }` of a composite literal or func literal (not of a `struct` or `interface` type).
/// `decl..end` is the whole top-level declaration holding it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Block {
    /// Offset of the declaration's `func` or `var` keyword.
    pub decl: usize,
    /// One past the declaration's last byte (its body's `}` for a function).
    pub end: usize,
    /// Offsets of the `{` and of its `}`.
    pub open: usize,
    pub close: usize,
}

/// The [`Block`]s of a file, in file order. `None` when the brackets do not close where
/// Go's would (a file the go command rejects): no block is then known for sure.
pub fn top_blocks(src: &[u8]) -> Option<Vec<Block>> {
    let mut out = Vec::new();
    let mut s = Stream::new(src);
    loop {
        let t = s.next();
        match t.kind {
            Kind::Eof => return Some(out),
            Kind::Semi => continue,
            Kind::Keyword(Kw::Func) => {
                // Receiver, name, type parameters, signature: `has_body` skips them alike.
                if !has_body(&mut s) {
                    continue;
                }
                let open = s.next();
                if open.kind != Kind::LBrace {
                    return None;
                }
                let close = close_brace(&mut s)?;
                out.push(Block {
                    decl: t.start,
                    end: close + 1,
                    open: open.start,
                    close,
                });
            }
            Kind::Keyword(Kw::Var) => {
                let first = out.len();
                let end = var_blocks(&mut s, &mut out)?;
                for b in &mut out[first..] {
                    (b.decl, b.end) = (t.start, end);
                }
                continue;
            }
            _ => s.unread(t),
        }
        s.skip_spec(false);
    }
}

/// The insides of the `blocks` whose top-level declaration (a function's signature too:
/// references are scoped per declaration) holds none of the offsets `at`; empty insides
/// left out.
pub fn blocks_without(blocks: &[Block], mut at: Vec<usize>) -> Vec<(usize, usize)> {
    at.sort_unstable();
    blocks
        .iter()
        .filter(|b| holds_none(&at, b.decl, b.end))
        .map(|b| (b.open + 1, b.close))
        .filter(|(start, end)| start < end)
        .collect()
}

/// The top-level declarations (`func` with a body, `type`, `var`, `const`: keyword to the
/// end of the last token) holding none of the offsets `at`, to be left out of a parse
/// whole: for checks that read nothing of a declaration they do not hold
/// (`Rule::reads_held_only`). `None` when the brackets do not close where Go's would.
pub fn declarations_without(src: &[u8], mut at: Vec<usize>) -> Option<Vec<(usize, usize)>> {
    at.sort_unstable();
    let mut out = Vec::new();
    let mut s = Stream::new(src);
    loop {
        let t = s.next();
        let range = match t.kind {
            Kind::Eof => return Some(out),
            Kind::Semi => continue,
            Kind::Keyword(Kw::Func) => {
                if !has_body(&mut s) {
                    continue;
                }
                s.next();
                let end = close_brace(&mut s)? + 1;
                (t.start, written_semicolon(&mut s).unwrap_or(end))
            }
            Kind::Keyword(Kw::Type | Kw::Var | Kw::Const) => (t.start, spec_end(&mut s, t.end)?),
            _ => {
                s.unread(t);
                s.skip_spec(false);
                continue;
            }
        };
        if holds_none(&at, range.0, range.1) {
            out.push(range);
        }
    }
}

/// Whether none of the sorted offsets `at` lies in `start..end`: the first at or after
/// `start` lies past it.
pub fn holds_none(at: &[usize], start: usize, end: usize) -> bool {
    let i = at.partition_point(|&o| o < start);
    at.get(i).is_none_or(|&o| o >= end)
}

/// Where a `;` written right after a declaration ends, consumed (else nothing is).
fn written_semicolon(s: &mut Stream<'_>) -> Option<usize> {
    let t = s.next();
    if t.kind == Kind::Semi && t.end > t.start {
        return Some(t.end);
    }
    s.unread(t);
    None
}

/// After a `type`, `var` or `const` keyword ending at `end`: consumes its spec or group up
/// to the `;` ending it and gives where its last token ends.
fn spec_end(s: &mut Stream<'_>, mut end: usize) -> Option<usize> {
    loop {
        let t = s.next();
        match t.kind {
            Kind::Eof => return Some(end),
            // A `;` written out ends the declaration's node in tree-sitter's tree; an
            // inserted one is empty.
            Kind::Semi => return Some(end.max(t.end)),
            // A group, a literal, a struct's fields: through the bracket closing it.
            Kind::LParen | Kind::LBrack | Kind::LBrace => {
                let close = s.skip_to_close();
                if close.kind == Kind::Eof {
                    return None;
                }
                end = close.end;
            }
            Kind::RParen | Kind::RBrack | Kind::RBrace => return None,
            _ => end = t.end,
        }
    }
}

/// After a `{` was read: consumes up to its `}` and gives that one's offset (`None` when
/// another bracket closes it, or none does).
fn close_brace(s: &mut Stream<'_>) -> Option<usize> {
    let close = s.skip_to_close();
    (close.kind == Kind::RBrace).then_some(close.start)
}

/// After `var`: consumes the declaration (one spec or a group) up to the `;` ending it,
/// pushing its literals' outermost braces (decl and end left for the caller), and gives
/// the offset where it ends.
fn var_blocks(s: &mut Stream<'_>, out: &mut Vec<Block>) -> Option<usize> {
    let mut depth = 0usize;
    let mut last = Kind::Other;
    loop {
        let t = s.next();
        match t.kind {
            Kind::Eof => return Some(t.start),
            Kind::Semi if depth == 0 => return Some(t.start),
            Kind::LParen | Kind::LBrack => depth += 1,
            Kind::RParen | Kind::RBrack => depth = depth.checked_sub(1)?,
            Kind::RBrace => return None,
            Kind::LBrace => {
                let close = close_brace(s)?;
                if !matches!(last, Kind::Keyword(Kw::Struct | Kw::Interface)) {
                    out.push(Block {
                        decl: 0,
                        end: 0,
                        open: t.start,
                        close,
                    });
                }
                last = Kind::RBrace;
                continue;
            }
            _ => {}
        }
        last = t.kind;
    }
}

/// Every `const` spec's names, at package level or inside a function body (a func literal
/// in another constant's value too), grouped or not (`_` excluded): the names a tree's
/// `const_spec`s declare, found without a parse. Reads every token, skipping nothing.
pub fn const_decls(src: &[u8]) -> Vec<TopDecl> {
    let mut out = Decls::new(src);
    let mut s = Stream::new(src);
    let mut depth = 0usize;
    // Bracket depths just inside the open `const ( … )` groups, innermost last.
    let mut groups: Vec<usize> = Vec::new();
    // Whether the next token starts a spec of the innermost group.
    let mut spec_start = false;
    loop {
        let t = s.next();
        let in_group = groups.last() == Some(&depth);
        match t.kind {
            Kind::Eof => break,
            Kind::Keyword(Kw::Const) => {
                let n = s.next();
                if n.kind == Kind::LParen {
                    depth += 1;
                    groups.push(depth);
                    spec_start = true;
                } else {
                    s.unread(n);
                    const_names(&mut s, &mut out);
                }
                continue;
            }
            Kind::Ident if spec_start && in_group => {
                s.unread(t);
                const_names(&mut s, &mut out);
            }
            Kind::Semi if in_group => {
                spec_start = true;
                continue;
            }
            Kind::LParen | Kind::LBrack | Kind::LBrace => depth += 1,
            Kind::RParen | Kind::RBrack | Kind::RBrace => {
                if in_group {
                    groups.pop();
                }
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
        spec_start = false;
    }
    out.out
}

/// `A` or `a, b, c` at the start of a const spec.
fn const_names(s: &mut Stream<'_>, out: &mut Decls<'_>) {
    loop {
        let t = s.next();
        if t.kind != Kind::Ident {
            return s.unread(t);
        }
        out.push(t, DeclKind::Const);
        let c = s.next();
        if c.kind != Kind::Comma {
            return s.unread(c);
        }
    }
}

/// Names of the package-level functions (not methods) declared without a body, as
/// tree-sitter's `function_declaration` without a `body` field: `func F(x int) int` alone,
/// the declaration assembly implements. `_` and `init` included.
pub fn bodyless_funcs(src: &[u8]) -> Vec<&str> {
    func_decls(src)
        .into_iter()
        .filter(|f| !f.body)
        .map(|f| f.name)
        .collect()
}

/// After a function's name: reads its signature, and its body when it has one (`{` not
/// opening a `struct`/`interface` type). Without a body, stops after the `;` that ends
/// the declaration.
fn has_body(s: &mut Stream<'_>) -> bool {
    matches!(signature_end(s, 0), SignatureEnd::Body)
}

/// Where a function's signature ends ([`signature_end`]).
enum SignatureEnd {
    /// At the `{` of its body, left unread.
    Body,
    /// At this offset, one past its last token (the `;` or end of file after it read).
    Bodyless(usize),
    /// At a bracket that never closes (then `false` for [`has_body`]).
    Unclosed,
}

/// Reads a function's signature after its `func` keyword (or name), which ends at `from`.
fn signature_end(s: &mut Stream<'_>, from: usize) -> SignatureEnd {
    let (mut end, mut last) = (from, Kind::Other);
    loop {
        let t = s.next();
        match t.kind {
            Kind::Eof | Kind::Semi => return SignatureEnd::Bodyless(end),
            Kind::LBrace if !matches!(last, Kind::Keyword(Kw::Struct | Kw::Interface)) => {
                s.unread(t);
                return SignatureEnd::Body;
            }
            Kind::LParen | Kind::LBrack | Kind::LBrace => {
                let close = s.skip_to_close();
                if close.kind == Kind::Eof {
                    return SignatureEnd::Unclosed;
                }
                (end, last) = (close.end, Kind::RParen);
                continue;
            }
            _ => end = t.end,
        }
        last = t.kind;
    }
}

/// A single spec or a `( … )` group of them, after `type`/`var`/`const`.
fn specs(s: &mut Stream<'_>, out: &mut Decls<'_>, kind: DeclKind) {
    let t = s.next();
    if t.kind != Kind::LParen {
        s.unread(t);
        return spec(s, out, kind, false);
    }
    loop {
        let t = s.next();
        match t.kind {
            Kind::Eof => return s.unread(t),
            // The caller's skip consumes the `;` after the group.
            Kind::RParen => return,
            Kind::Semi => {}
            _ => {
                s.unread(t);
                spec(s, out, kind, true);
            }
        }
    }
}

/// Names at the start of one spec (`A`, `a, b, c`); the rest is skipped inside a group and
/// left to the caller otherwise.
fn spec(s: &mut Stream<'_>, out: &mut Decls<'_>, kind: DeclKind, group: bool) {
    let (before, mut names) = (out.out.len(), 0);
    loop {
        let t = s.next();
        if t.kind != Kind::Ident {
            s.unread(t);
            break;
        }
        names += 1;
        out.push(t, kind);
        let c = s.next();
        if c.kind != Kind::Comma {
            s.unread(c);
            break;
        }
    }
    if names == 1 && out.out.len() == before + 1 && matches!(kind, DeclKind::Var | DeclKind::Const)
    {
        let value = literal_init(s, out.src);
        if let Some(d) = out.out.last_mut() {
            d.value = value;
        }
    }
    if group {
        s.skip_spec(true);
    }
}

/// After a spec's one name: `[Type] = <int literal>` ending the spec gives the literal's
/// value. Reads at most up to the literal and leaves the token after it unread, so the
/// caller's skip still ends the spec.
fn literal_init(s: &mut Stream<'_>, src: &[u8]) -> Option<i128> {
    let mut t = s.next();
    if t.kind == Kind::Ident {
        t = s.next();
        if t.kind == Kind::Dot {
            let name = s.next();
            if name.kind != Kind::Ident {
                s.unread(name);
                return None;
            }
            t = s.next();
        }
    }
    if !(t.kind == Kind::Other && &src[t.start..t.end] == b"=") {
        s.unread(t);
        return None;
    }
    let lit = s.next();
    if lit.kind != Kind::Literal || !src[lit.start].is_ascii_digit() {
        s.unread(lit);
        return None;
    }
    let end = s.next();
    s.unread(end);
    if !matches!(end.kind, Kind::Semi | Kind::RParen | Kind::Eof) {
        return None;
    }
    parse_int(std::str::from_utf8(&src[lit.start..lit.end]).ok()?)
}

/// Parse a Go integer literal (`42`, `0x2a`, `0o52`, `052`, `0b101010`, `1_000`).
pub fn parse_int(lit: &str) -> Option<i128> {
    let s: String = lit.chars().filter(|&c| c != '_').collect();
    let lower = s.to_ascii_lowercase();
    let (digits, radix) = if let Some(h) = lower.strip_prefix("0x") {
        (h.to_string(), 16)
    } else if let Some(o) = lower.strip_prefix("0o") {
        (o.to_string(), 8)
    } else if let Some(b) = lower.strip_prefix("0b") {
        (b.to_string(), 2)
    } else if lower.len() > 1 && lower.starts_with('0') {
        (lower[1..].to_string(), 8)
    } else {
        (lower, 10)
    };
    if digits.is_empty() {
        return None;
    }
    i128::from_str_radix(&digits, radix).ok()
}

/// Collected declarations, with the line/column bookkeeping for their spans.
struct Decls<'a> {
    src: &'a [u8],
    text: Text<'a>,
    out: Vec<TopDecl>,
    /// Lines are counted up to here.
    pos: usize,
    line: usize,
    line_start: usize,
}

impl<'a> Decls<'a> {
    fn new(src: &'a [u8]) -> Decls<'a> {
        Decls {
            src,
            text: Text::new(src),
            out: Vec::new(),
            pos: 0,
            line: 1,
            line_start: 0,
        }
    }

    fn push(&mut self, t: Token, kind: DeclKind) {
        let name = self.text.get(t);
        if name.is_empty() || name == "_" || (kind == DeclKind::Func && name == "init") {
            return;
        }
        // Tokens arrive in order, so lines are counted once over the file.
        let (lines, last) = crate::syntax::tree::newlines_in(&self.src[self.pos..t.start]);
        self.line += lines;
        if let Some(nl) = last {
            self.line_start = self.pos + nl + 1;
        }
        self.pos = t.start;
        let column = t.start - self.line_start + 1;
        let span = Span {
            start: t.start,
            end: t.end,
            line: self.line,
            column,
            end_line: self.line,
            end_column: column + (t.end - t.start),
        };
        self.out.push(TopDecl {
            name: name.to_string(),
            kind,
            span,
            value: None,
        });
    }
}

/// Calls `f` for every identifier outside comments and string/rune literals, with its
/// byte offset. Go's 25 keywords are not reported; `_` and predeclared names are.
pub fn for_each_ident(src: &[u8], mut f: impl FnMut(&str, usize)) {
    let text = Text::new(src);
    let mut lx = Tokens::new(src);
    loop {
        let t = lx.next();
        match t.kind {
            Kind::Ident => f(text.get(t), t.start),
            Kind::Eof => return,
            _ => {}
        }
    }
}

/// Whether `pred` holds for the text between the quotes of some string literal (`"…"` as
/// written, escapes untouched, or `` `…` ``), outside comments. Stops at the first hit.
pub fn any_string(src: &[u8], mut pred: impl FnMut(&str) -> bool) -> bool {
    let text = Text::new(src);
    let mut lx = Tokens::new(src);
    loop {
        let t = lx.next();
        match t.kind {
            Kind::Literal if matches!(src[t.start], b'"' | b'`') && pred(text.string_body(t)) => {
                return true;
            }
            Kind::Eof => return false,
            _ => {}
        }
    }
}

/// Whether some token is a number (`42`, `0x2a`, `1.5`, `.5`), outside comments and
/// string or rune literals.
pub fn any_number(src: &[u8]) -> bool {
    let mut lx = Tokens::new(src);
    loop {
        let t = lx.next();
        match t.kind {
            Kind::Literal if matches!(src[t.start], b'0'..=b'9' | b'.') => return true,
            Kind::Eof => return false,
            _ => {}
        }
    }
}

/// What a string literal is to the code around it ([`for_each_string`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StringRole {
    /// A label of a `case` (not inside a call or other brackets).
    Label,
    /// Else a key of a keyed element: a `:` follows.
    Key,
    /// Else an operand of `==` or `!=` (through parentheses).
    Operand,
    /// Anything else: an argument, a value, an assignment, an ordering.
    Other,
}

impl StringRole {
    /// Whether a value is compared with the literal: every role but `Other`.
    pub fn compared(self) -> bool {
        self != StringRole::Other
    }
}

/// Calls `f(body, offset, role)` for every string literal outside comments, `body` as
/// [`any_string`] gives it.
pub fn for_each_string(src: &[u8], mut f: impl FnMut(&str, usize, StringRole)) {
    let text = Text::new(src);
    let mut lx = Tokens::new(src);
    // Operators are one byte each: `==` is two tokens.
    let ends_equality = |t: Token| {
        t.kind == Kind::Other
            && src[t.start] == b'='
            && t.start > 0
            && matches!(src[t.start - 1], b'=' | b'!')
    };
    let starts_equality = |t: Token| {
        t.kind == Kind::Other
            && matches!(src[t.start], b'=' | b'!')
            && src.get(t.start + 1) == Some(&b'=')
    };
    // The literal waiting for the tokens after it: whether it is a case label, whether
    // it follows `==` or `!=`, and whether a `:` follows it once the next token was seen.
    let mut pending: Option<(Token, bool, bool, Option<bool>)> = None;
    let mut before: Option<Token> = None;
    let mut depth = 0usize;
    let mut case_at: Option<usize> = None;
    loop {
        let t = lx.next();
        if let Some((s, label, equal, colon)) = pending.take() {
            let colon = colon.unwrap_or(t.kind == Kind::Other && src[t.start] == b':');
            if t.kind == Kind::RParen {
                pending = Some((s, label, equal, Some(colon)));
            } else {
                let role = if label {
                    StringRole::Label
                } else if colon {
                    StringRole::Key
                } else if equal || starts_equality(t) {
                    StringRole::Operand
                } else {
                    StringRole::Other
                };
                f(text.string_body(s), s.start, role);
            }
        }
        match t.kind {
            Kind::Literal if matches!(src[t.start], b'"' | b'`') => {
                let label = case_at == Some(depth);
                pending = Some((t, label, before.is_some_and(ends_equality), None));
            }
            Kind::Keyword(Kw::Case) => case_at = Some(depth),
            Kind::LParen | Kind::LBrack | Kind::LBrace => depth += 1,
            Kind::RParen | Kind::RBrack | Kind::RBrace => depth = depth.saturating_sub(1),
            Kind::Other if src[t.start] == b':' && case_at == Some(depth) => case_at = None,
            Kind::Eof => return,
            _ => {}
        }
        if t.kind != Kind::LParen {
            before = Some(t);
        }
    }
}

/// The name a top-level `func` declaration starting at `decl[0]` declares: a function's,
/// or a method's after its receiver.
pub fn func_name(decl: &[u8]) -> Option<&str> {
    let text = Text::new(decl);
    let mut lx = Lexer::new(decl);
    if lx.next().kind != Kind::Keyword(Kw::Func) {
        return None;
    }
    let mut t = lx.next();
    if t.kind == Kind::LParen {
        if lx.skip_nested(1).kind != Kind::RParen {
            return None;
        }
        t = lx.next();
    }
    (t.kind == Kind::Ident).then(|| text.get(t))
}

/// Calls `f(name, offset)` for every identifier between the parentheses of a call whose
/// callee (its last identifier: `contains`, `slices.Contains`) satisfies `callee`, nested
/// calls' arguments too.
pub fn for_each_ident_in_call<'a>(
    src: &'a [u8],
    callee: impl Fn(&str) -> bool,
    mut f: impl FnMut(&'a str, usize),
) {
    let text = Text::new(src);
    let mut lx = Tokens::new(src);
    let mut depth = 0usize;
    // The depths just inside each call being read.
    let mut inside: Vec<usize> = Vec::new();
    // A `(` now opens a call's arguments (after the callee, or its `[T]` type arguments).
    let mut armed = false;
    // The depth just inside a callee's type arguments.
    let mut type_args: Option<usize> = None;
    loop {
        let t = lx.next();
        let mut arm = false;
        match t.kind {
            Kind::Eof => return,
            Kind::LParen | Kind::LBrack | Kind::LBrace => {
                depth += 1;
                if armed && t.kind == Kind::LParen {
                    inside.push(depth);
                } else if armed && t.kind == Kind::LBrack {
                    type_args = Some(depth);
                }
            }
            Kind::RParen | Kind::RBrack | Kind::RBrace => {
                if inside.last() == Some(&depth) {
                    inside.pop();
                }
                if t.kind == Kind::RBrack && type_args == Some(depth) {
                    type_args = None;
                    arm = true;
                }
                depth = depth.saturating_sub(1);
            }
            Kind::Ident => {
                if !inside.is_empty() {
                    f(text.get(t), t.start);
                }
                arm = callee(text.get(t));
            }
            _ => {}
        }
        armed = arm;
    }
}

/// Calls `f(name, offset)` for every call of a plain identifier without arguments,
/// `name()` (not `x.name()`), comments allowed inside the parentheses; a declaration
/// `func name()` is one too.
pub fn for_each_call_without_args<'a>(src: &'a [u8], mut f: impl FnMut(&'a str, usize)) {
    let text = Text::new(src);
    let mut lx = Tokens::new(src);
    // The three tokens before this one, oldest first.
    let mut last: [Option<Token>; 3] = [None; 3];
    loop {
        let t = lx.next();
        match (t.kind, last) {
            (Kind::Eof, _) => return,
            (Kind::RParen, [before, Some(id), Some(open)])
                if id.kind == Kind::Ident
                    && open.kind == Kind::LParen
                    && before.is_none_or(|b| b.kind != Kind::Dot) =>
            {
                f(text.get(id), id.start)
            }
            _ => {}
        }
        last = [last[1], last[2], Some(t)];
    }
}

/// Calls `f(name, offset)` for every identifier right after a `.` (the `F` of `x.F`,
/// `a.b.F`, `f().F`), outside comments and literals.
pub fn for_each_selected(src: &[u8], mut f: impl FnMut(&str, usize)) {
    let text = Text::new(src);
    let mut lx = Tokens::new(src);
    let mut after_dot = false;
    loop {
        let t = lx.next();
        match t.kind {
            Kind::Ident if after_dot => f(text.get(t), t.start),
            Kind::Eof => return,
            _ => {}
        }
        after_dot = t.kind == Kind::Dot;
    }
}

/// Calls `f(name, selected, next, offset)` for every identifier outside comments and literals:
/// `selected` when it follows a `.` (`x.F`), `next` the token after it when that is `(`,
/// `[` or `{` (`x.F(` is a call, `T{` a composite literal), else `' '` (also for a `(` on
/// the next line: Go ends the statement at the newline, so that is no call).
pub fn for_each_ident_next<'a>(src: &'a [u8], f: impl FnMut(&'a str, bool, char, usize)) {
    for_each_ident_next_in(src, 0..src.len(), f);
}

/// An identifier and the tokens around it, as [`for_each_ident_use`] tells them.
#[derive(Clone, Copy, Debug)]
pub struct IdentUse<'a> {
    pub name: &'a str,
    pub at: usize,
    /// After a `.`: `x.F`.
    pub selected: bool,
    /// The token after it when that is `(`, `[` or `{`, else `' '` (a `(` on the next line
    /// too: Go ends the statement at the newline, so that is no call).
    pub next: char,
    /// It, or the `q.` that selects it, follows a `)` or `) *`: a function's result type
    /// (a `*` after a `)` multiplies nothing a composite literal could be).
    pub result: bool,
    /// The last name of a chain of names (`st.Rdev`, `fi.st.Atim.Sec`, `hs[i].Len`) that
    /// is the whole operand of a conversion to a predeclared numeric type:
    /// `uint64(st.Rdev)`.
    pub converted: bool,
    /// Before `{}`: an empty composite literal (or an empty body).
    pub empty_braces: bool,
    /// It, or the `q.` that selects it, follows a `]` on the same line: the element type
    /// of a slice, array or map type (`[]unix.Timespec{`); no operand follows a `]`.
    pub element_type: bool,
}

/// Calls `f` for every identifier outside comments and literals, with what the tokens
/// around it tell ([`IdentUse`]).
pub fn for_each_ident_use<'a>(src: &'a [u8], f: impl FnMut(IdentUse<'a>)) {
    ident_uses(src, 0..src.len(), f)
}

/// [`for_each_ident_next`] over `src[range]` (a stretch that starts and ends between
/// top-level declarations), offsets in `src`: with the tokens of `src` cached, only the
/// stretch's are replayed.
pub fn for_each_ident_next_in<'a>(
    src: &'a [u8],
    range: std::ops::Range<usize>,
    mut f: impl FnMut(&'a str, bool, char, usize),
) {
    ident_uses(src, range, |u| f(u.name, u.selected, u.next, u.at));
}

fn ident_uses<'a>(src: &'a [u8], range: std::ops::Range<usize>, mut f: impl FnMut(IdentUse<'a>)) {
    let text = Text::range(src, range.clone());
    let mut lx = Tokens::range(src, range);
    let mut pending: Option<(Token, bool)> = None;
    // Told once the token after its `{` is known.
    let mut before_brace: Option<IdentUse<'a>> = None;
    // The last three tokens, latest first, and what they say of the current chain.
    let mut prev: [Option<Token>; 3] = [None; 3];
    let (mut chain_result, mut chain_converted, mut chain_element) = (false, false, false);
    // Per open `[`: the chain it indexes (`hs` of `hs[i]`), which a `.F` after its `]`
    // goes on with (`int(hs[i].Len)` converts `Len`); `None` after anything but a name
    // or a `]`.
    let mut indexed: Vec<Option<(bool, bool, bool)>> = Vec::new();
    let is = |t: Option<Token>, k: Kind| t.is_some_and(|t| t.kind == k);
    let star = |t: Option<Token>| t.is_some_and(|t| &src[t.start..t.end] == b"*");
    loop {
        let t = lx.next();
        if let Some(u) = before_brace.take() {
            f(IdentUse {
                empty_braces: t.kind == Kind::RBrace,
                ..u
            });
        }
        if let Some((id, selected)) = pending.take() {
            // A newline after an identifier ends the statement (Go inserts a `;`): no
            // call. (`{` and `[` are reported anyway: keeping more is the safe side.)
            let next = match t.kind {
                Kind::LParen if t.nl_before => ' ',
                Kind::LParen => '(',
                Kind::LBrack => '[',
                Kind::LBrace => '{',
                _ => ' ',
            };
            let u = IdentUse {
                name: text.get(id),
                at: id.start,
                selected,
                next,
                result: chain_result,
                converted: chain_converted && selected && t.kind == Kind::RParen,
                empty_braces: false,
                element_type: chain_element,
            };
            if next == '{' {
                before_brace = Some(u);
            } else {
                f(u);
            }
        }
        match t.kind {
            Kind::Ident => {
                let selected = is(prev[0], Kind::Dot);
                if !selected {
                    chain_result =
                        is(prev[0], Kind::RParen) || (star(prev[0]) && is(prev[1], Kind::RParen));
                    chain_element = is(prev[0], Kind::RBrack) && !t.nl_before;
                    chain_converted = is(prev[0], Kind::LParen)
                        && prev[1]
                            .is_some_and(|c| c.kind == Kind::Ident && is_numeric_type(text.get(c)))
                        && !is(prev[2], Kind::Dot);
                }
                pending = Some((t, selected));
            }
            Kind::LBrack => indexed.push(
                (is(prev[0], Kind::Ident) || is(prev[0], Kind::RBrack)).then_some((
                    chain_result,
                    chain_converted,
                    chain_element,
                )),
            ),
            Kind::RBrack => {
                (chain_result, chain_converted, chain_element) =
                    indexed.pop().flatten().unwrap_or((false, false, false));
            }
            Kind::Eof => return,
            _ => {}
        }
        prev = [Some(t), prev[0], prev[1]];
    }
}

/// Go's predeclared integer and float types: a conversion to one takes any numeric width.
pub(crate) fn is_numeric_type(name: &str) -> bool {
    matches!(
        name,
        "int"
            | "int8"
            | "int16"
            | "int32"
            | "int64"
            | "uint"
            | "uint8"
            | "uint16"
            | "uint32"
            | "uint64"
            | "uintptr"
            | "byte"
            | "rune"
            | "float32"
            | "float64"
    )
}

/// Calls `f(qualifier, name, start_offset)` (the offset of X) for every `X.Y` where X and
/// Y are identifiers and X is not itself selected (`a.b.c` and `f().a.b` report `a.b` and
/// nothing). Comments and a newline after the dot are allowed; a newline before it ends
/// the statement, as in Go.
pub fn for_each_selector(src: &[u8], f: impl FnMut(&str, &str, usize)) {
    for_each_selector_in(src, 0..src.len(), f)
}

/// [`for_each_selector`] over `src[range]`, as [`for_each_ident_next_in`].
pub fn for_each_selector_in(
    src: &[u8],
    range: std::ops::Range<usize>,
    mut f: impl FnMut(&str, &str, usize),
) {
    let text = Text::range(src, range.clone());
    selectors(src, range, false, |q, y, _| {
        f(text.get(q), text.get(y), q.start)
    });
}

/// [`for_each_selector`], also where the `.` starts a line (`x⏎.F`: Go ends the statement
/// after `x`, tree-sitter may not): every place a tree can have `X.Y`, for holding offsets.
pub fn for_each_selector_any_line(src: &[u8], mut f: impl FnMut(&str, &str, usize)) {
    let text = Text::new(src);
    selectors(src, 0..src.len(), true, |q, y, _| {
        f(text.get(q), text.get(y), q.start)
    });
}

/// `src` as text when it is UTF-8, checked once with SIMD: token texts are then slices of
/// it (std's check, per file or per token, was 1.3 % of a scan's CPU).
#[inline]
pub fn utf8(src: &[u8]) -> Option<&str> {
    simdutf8::basic::from_utf8(src).ok()
}

/// Offsets of identifier or keyword `word` in code, neither in a comment nor in a literal
/// (with the lexer's view of where those are, through [`skim::any_ident`]): where a
/// declaration keyword or a name can be (a byte search also found `const` in comments and
/// strings, and kept bodies holding no declaration for the parse).
pub fn code_word_offsets(src: &[u8], word: &str) -> Vec<usize> {
    let mut at = Vec::new();
    if memchr::memmem::find(src, word.as_bytes()).is_none() {
        return at;
    }
    skim::any_ident(src, |id| {
        if id.name == word {
            at.push(id.at);
        }
        false
    });
    at
}

/// Offsets of `name` written as a string literal, `"name"` or `` `name` ``, anywhere
/// (comments too): every literal of that value written without escapes.
pub fn quoted_offsets(src: &[u8], name: &str) -> Vec<usize> {
    let mut at = Vec::new();
    for q in ['"', '`'] {
        let key = format!("{q}{name}{q}");
        at.extend(memchr::memmem::find_iter(src, key.as_bytes()));
    }
    at
}

/// The [`for_each_selector`] `X.Y` that may be called, `f(X, Y)`: a `(` or `[` follows
/// `Y` on its line (comments allowed), as in `unix.Open(…)` or `p.F[T](…)` (tree-sitter's
/// call with type arguments); not a type or a value.
pub fn for_each_called_selector(src: &[u8], mut f: impl FnMut(&str, &str)) {
    for_each_called_selector_at(src, |q, y, _| f(q, y));
}

/// [`for_each_called_selector`] with the offset of `X`.
fn for_each_called_selector_at(src: &[u8], mut f: impl FnMut(&str, &str, usize)) {
    let text = Text::new(src);
    selectors(src, 0..src.len(), false, |q, y, next| {
        if matches!(next.kind, Kind::LParen | Kind::LBrack) && !next.nl_before {
            f(text.get(q), text.get(y), q.start);
        }
    });
}

/// `f(X, Y, token after Y)` for each selector of [`for_each_selector`] (with `any_line`,
/// also when a newline comes before the `.`).
fn selectors(
    src: &[u8],
    range: std::ops::Range<usize>,
    any_line: bool,
    mut f: impl FnMut(Token, Token, Token),
) {
    let mut lx = Tokens::range(src, range);
    let mut scan = SelectorScan::default();
    loop {
        let t = lx.next();
        if let Some((q, y)) = scan.step(t, any_line) {
            f(q, y, t);
        }
        if t.kind == Kind::Eof {
            return;
        }
    }
}

/// What [`selectors`] knows between two tokens.
#[derive(Default)]
struct SelectorScan {
    /// The identifier that may qualify the next one, and whether a `.` followed it.
    qual: Option<Token>,
    dot: bool,
    after_dot: bool,
    /// A selector found, given back with the token after it.
    found: Option<(Token, Token)>,
}

impl SelectorScan {
    /// Reads the next token; gives the selector `X.Y` whose `Y` came just before it.
    fn step(&mut self, t: Token, any_line: bool) -> Option<(Token, Token)> {
        let done = self.found.take();
        match t.kind {
            Kind::Ident => {
                if let (Some(q), true) = (self.qual, self.dot) {
                    self.found = Some((q, t));
                    self.qual = None;
                } else {
                    self.qual = if self.after_dot { None } else { Some(t) };
                }
                self.dot = false;
                self.after_dot = false;
            }
            Kind::Dot => {
                self.dot = self.qual.is_some() && (any_line || !t.nl_before);
                if !self.dot {
                    self.qual = None;
                }
                self.after_dot = true;
            }
            _ => {
                self.qual = None;
                self.dot = false;
                self.after_dot = false;
            }
        }
        done
    }
}

/// The arguments of the call whose callee's name ends at `at`, with the spans
/// [`for_each_selector_call`] gives them: a `[…]` (type arguments or an index) may come
/// before the `(`, a newline too. `None` when no `(` follows. Lexes the call alone (or
/// replays the scope's tokens): a prefilter that found a callee by a skim reads only its
/// call, not the file.
pub fn call_args_at(src: &[u8], at: usize) -> Option<Vec<(usize, usize)>> {
    let mut lx = Tokens::range(src, at..src.len());
    let mut t = lx.next();
    if t.kind == Kind::LBrack {
        let mut depth = 1usize;
        while depth > 0 {
            t = lx.next();
            match t.kind {
                Kind::LParen | Kind::LBrack | Kind::LBrace => depth += 1,
                Kind::RParen | Kind::RBrack | Kind::RBrace => depth -= 1,
                Kind::Eof => return None,
                _ => {}
            }
        }
        if t.kind != Kind::RBrack {
            return None;
        }
        t = lx.next();
    }
    if t.kind != Kind::LParen {
        return None;
    }
    let mut args = Vec::new();
    let mut arg: Option<(usize, usize)> = None;
    let mut depth = 0usize;
    loop {
        let t = lx.next();
        match t.kind {
            Kind::Eof => break,
            Kind::RParen | Kind::RBrack | Kind::RBrace if depth == 0 => break,
            Kind::RParen | Kind::RBrack | Kind::RBrace => depth -= 1,
            Kind::Comma if depth == 0 => {
                args.extend(arg.take());
                continue;
            }
            _ => {}
        }
        let start = arg.map_or(t.start, |(s, _)| s);
        arg = Some((start, t.end));
        if matches!(t.kind, Kind::LParen | Kind::LBrack | Kind::LBrace) {
            depth += 1;
        }
    }
    args.extend(arg);
    Some(args)
}

/// Calls `f(X, Y, offset of X, args)` for every call `X.Y(…)` of a
/// [`for_each_selector_any_line`] selector, `X.Y[…](…)` too (type arguments, or an index:
/// the tree tells), `args` the spans of its arguments as a tree's argument nodes have them
/// (first token to last; a trailing comma adds none), calls inside arguments first. A
/// newline before the `(` is allowed (Go ends the statement there; a tree may not): every
/// call a tree's `call_expression` of such a selector can be. [`ArgTokens::of`] reads an
/// argument's tokens.
pub fn for_each_selector_call(src: &[u8], mut f: impl FnMut(&str, &str, usize, &[(usize, usize)])) {
    /// A call whose arguments are being read.
    struct Open {
        callee: (Token, Token),
        /// The bracket depth just inside its parentheses.
        depth: usize,
        args: Vec<(usize, usize)>,
        /// The argument read so far.
        arg: Option<(usize, usize)>,
    }
    let text = Text::new(src);
    let mut report = |c: &mut Open| {
        c.args.extend(c.arg.take());
        let (q, y) = c.callee;
        f(text.get(q), text.get(y), q.start, &c.args);
    };
    let mut lx = Tokens::new(src);
    let mut scan = SelectorScan::default();
    let mut open: Vec<Open> = Vec::new();
    let mut depth = 0usize;
    // A selector followed by `[`, and the depth inside that bracket: a `(` after the
    // matching `]` calls it.
    let mut bracketed: Option<((Token, Token), usize)> = None;
    // The selector a `(` as the next token calls.
    let mut callee: Option<(Token, Token)> = None;
    loop {
        let t = lx.next();
        let calls = scan.step(t, true).or(callee.take());
        match t.kind {
            Kind::Eof => {
                while let Some(mut c) = open.pop() {
                    report(&mut c);
                }
                return;
            }
            Kind::RParen | Kind::RBrack | Kind::RBrace => {
                if open.last().is_some_and(|c| c.depth == depth) {
                    if let Some(mut c) = open.pop() {
                        report(&mut c);
                    }
                }
                if let Some((sel, d)) = bracketed {
                    if d == depth && t.kind == Kind::RBrack {
                        (callee, bracketed) = (Some(sel), None);
                    }
                }
                depth = depth.saturating_sub(1);
            }
            Kind::Comma if open.last().is_some_and(|c| c.depth == depth) => {
                if let Some(c) = open.last_mut() {
                    c.args.extend(c.arg.take());
                }
                continue;
            }
            _ => {}
        }
        // The token belongs to the argument being read of the innermost call.
        if let Some(c) = open.last_mut() {
            let start = c.arg.map_or(t.start, |(s, _)| s);
            c.arg = Some((start, t.end));
        }
        if matches!(t.kind, Kind::LParen | Kind::LBrack | Kind::LBrace) {
            depth += 1;
            match (t.kind, calls) {
                (Kind::LParen, Some(sel)) => open.push(Open {
                    callee: sel,
                    depth,
                    args: Vec::new(),
                    arg: None,
                }),
                (Kind::LBrack, Some(sel)) => bracketed = Some((sel, depth)),
                _ => {}
            }
        }
    }
}

/// What the tokens of one argument of a call tell: read from the argument's text, a span
/// [`for_each_selector_call`] gives (its first token to its last, so it lexes alone as in
/// the file).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ArgTokens<'a> {
    /// Its number literals, as written (those starting with a digit).
    pub numbers: Vec<&'a str>,
    /// Its identifiers that no `.` selects (`x` and `y` of `x.F + y`).
    pub names: Vec<&'a str>,
    /// Its identifiers a `.` selects (`F`).
    pub selected: Vec<&'a str>,
    /// A `^` is among its tokens (`^0` is no zero).
    pub caret: bool,
}

impl<'a> ArgTokens<'a> {
    /// The tokens of `arg`, an argument's text.
    pub fn of(arg: &'a [u8]) -> Self {
        let text = Text::new(arg);
        let mut lx = Tokens::new(arg);
        let mut out = ArgTokens::default();
        let mut after_dot = false;
        loop {
            let t = lx.next();
            match t.kind {
                Kind::Eof => return out,
                Kind::Literal if arg[t.start].is_ascii_digit() => out.numbers.push(text.get(t)),
                Kind::Ident if after_dot => out.selected.push(text.get(t)),
                Kind::Ident => out.names.push(text.get(t)),
                Kind::Other if arg[t.start] == b'^' => out.caret = true,
                _ => {}
            }
            after_dot = t.kind == Kind::Dot;
        }
    }
}

/// Token text. Validating the whole file once is much cheaper than once per token; token
/// bounds are char boundaries, and invalid files fall back to per-token checks.
struct Text<'a> {
    src: &'a [u8],
    /// `src[base..]` up to the end of the stretch read, when it is UTF-8.
    text: Option<&'a str>,
    base: usize,
}

impl<'a> Text<'a> {
    fn new(src: &'a [u8]) -> Self {
        Text::range(src, 0..src.len())
    }

    /// For the tokens of `src[range]` alone: only those bytes are validated.
    fn range(src: &'a [u8], range: std::ops::Range<usize>) -> Self {
        let end = range.end.min(src.len());
        let base = range.start.min(end);
        Text {
            src,
            text: utf8(&src[base..end]),
            base,
        }
    }

    #[inline]
    fn get(&self, t: Token) -> &'a str {
        self.slice(t.start, t.end)
    }

    /// `src[start..end]` (a stretch that starts and ends between characters) as text: ""
    /// where it is not UTF-8.
    #[inline]
    fn slice(&self, start: usize, end: usize) -> &'a str {
        let inside = self
            .text
            .zip(start.checked_sub(self.base))
            .and_then(|(text, from)| text.get(from..end - self.base));
        match inside {
            Some(s) => s,
            None => std::str::from_utf8(&self.src[start..end]).unwrap_or(""),
        }
    }

    /// A string literal's text between its quotes, as written (escapes untouched; an
    /// unterminated one to its end).
    fn string_body(&self, t: Token) -> &'a str {
        let whole = self.get(t);
        let body = &whole[1.min(whole.len())..];
        body.strip_suffix(char::from(self.src[t.start]))
            .unwrap_or(body)
    }
}

pub mod refs;
mod sites;
pub mod skim;
pub mod typed;

pub use sites::{FieldSite, LitElem, Sites};

#[cfg(test)]
pub(crate) mod tests;
