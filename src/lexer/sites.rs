//! Where the value of a selected field goes, and what a struct literal's elements hold, as
//! far as the tokens around them tell: the token test of `struct-field-width` drops the
//! uses its check can never report (`x.F.G`, `x.F = 0`, `x.F == 0`, `fmt.Println(x.F)`,
//! `T{Key: 1}`). Every answer other than [`FieldSite::Other`] and [`LitElem::Other`]
//! holds of the tree tree-sitter builds for valid Go; on anything unexpected the answer is
//! `Other`, which keeps the use.

use super::{Kind, Kw, Token, Tokens};

/// The place of a selected field `x.F` (with the index and slice expressions on it,
/// `x.F[i]`), after [`Sites::field`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldSite<'a> {
    /// Selected from, asserted or called (`x.F.G`, `x.F.(T)`, `x.F[i](…)`), incremented
    /// (`x.F++`), or the whole argument of `unsafe.Sizeof`, `Offsetof` or `Alignof`: a
    /// context that takes any type.
    Adapts,
    /// Assigned (`=`, `+=`, …) a right side of constants alone (`x.F = 0`,
    /// `x.F[i] |= 1 << 3`, `a, x.F = 1, 2`): literals, parentheses and arithmetic.
    AssignedConstant,
    /// The whole left operand of a comparison whose right operand is literals and
    /// arithmetic alone (`x.F == 0`, `x.F > (1 << 3)`).
    ComparedWithConstant,
    /// The whole left operand of a comparison whose right operand is `q.N` (`q` not
    /// itself selected): what `q.N` is decides.
    ComparedWithMember(&'a str, &'a str),
    /// The whole argument number `index` of a call `q.f(…)` (`q` not itself selected);
    /// `spread` when the call passes a slice with `...`.
    Argument {
        qualifier: &'a str,
        func: &'a str,
        index: usize,
        spread: bool,
    },
    /// Anything else.
    Other,
}

/// An element of a composite literal, after [`Sites::literal`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LitElem<'a> {
    /// Its value is literals and arithmetic alone (`1 << 3`, `"x"`), or a nested literal
    /// without a type (`{…}`), keyed or not.
    Constant,
    /// `Key: value` with another value.
    Keyed(&'a str),
    /// Anything else (a positional value, a key that is no name).
    Other,
}

/// The operators of Go, longest first (a prefix match reads them as the Go scanner does).
const OPS: &[&str] = &[
    "<<=", ">>=", "&^=", "...", "&&", "||", "<-", "==", "!=", "<=", ">=", ":=", "+=", "-=", "*=",
    "/=", "%=", "&=", "|=", "^=", "<<", ">>", "&^", "+", "-", "*", "/", "%", "&", "|", "^", "<",
    ">", "=", "!", ":", "~",
];

/// Binary operators of constant arithmetic.
const ARITH: &[&str] = &["+", "-", "*", "/", "%", "<<", ">>", "&", "|", "^", "&^"];

const ASSIGN: &[&str] = &[
    "=", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<=", ">>=", "&^=",
];

const COMPARE: &[&str] = &["==", "!=", "<", "<=", ">", ">="];

/// Backward scans give up past this many tokens (the use is kept).
const MAX_BACK: usize = 4096;

/// A file's tokens, for questions about the tokens around an offset.
pub struct Sites<'a> {
    src: &'a [u8],
    text: super::Text<'a>,
    toks: Vec<Token>,
    /// [`Sites::only_qualifies`]'s answers so far: a file asks of few names, often.
    qualifies: std::cell::RefCell<Vec<(String, bool)>>,
}

impl<'a> Sites<'a> {
    pub fn new(src: &'a [u8]) -> Self {
        let mut lx = Tokens::new(src);
        let mut toks = Vec::new();
        loop {
            let t = lx.next();
            toks.push(t);
            if t.kind == Kind::Eof {
                break;
            }
        }
        Sites {
            src,
            text: super::Text::new(src),
            toks,
            qualifies: std::cell::RefCell::new(Vec::new()),
        }
    }

    fn text(&self, k: usize) -> &'a str {
        self.text.get(self.toks[k])
    }

    fn kind(&self, k: usize) -> Kind {
        self.toks.get(k).map_or(Kind::Eof, |t| t.kind)
    }

    /// The token starting at `at`.
    fn at(&self, at: usize) -> Option<usize> {
        let k = self.toks.partition_point(|t| t.start < at);
        (self.toks.get(k)?.start == at).then_some(k)
    }

    /// The operator starting at token `k` and how many tokens it spans (`("", 0)` when
    /// `k` is no operator).
    fn op(&self, k: usize) -> (&'static str, usize) {
        let Some(t) = self.toks.get(k) else {
            return ("", 0);
        };
        match t.kind {
            Kind::IncDec => {
                return (
                    if self.src[t.start] == b'+' {
                        "++"
                    } else {
                        "--"
                    },
                    1,
                )
            }
            Kind::Other => {}
            _ => return ("", 0),
        }
        let rest = &self.src[t.start..];
        let Some(o) = OPS.iter().find(|o| rest.starts_with(o.as_bytes())) else {
            return ("", 0);
        };
        let end = t.start + o.len();
        let n = self.toks[k..].iter().take_while(|t| t.start < end).count();
        (o, n)
    }

    /// The token after the bracket group opening at `k`, or `None` when unbalanced.
    fn skip_group(&self, mut k: usize) -> Option<usize> {
        let mut depth = 0usize;
        loop {
            match self.kind(k) {
                Kind::LParen | Kind::LBrack | Kind::LBrace => depth += 1,
                Kind::RParen | Kind::RBrack | Kind::RBrace => {
                    depth = depth.checked_sub(1)?;
                    if depth == 0 {
                        return Some(k + 1);
                    }
                }
                Kind::Eof => return None,
                _ => {}
            }
            k += 1;
        }
    }

    /// The bracket opening the group that closes at `k`.
    fn open_of(&self, mut k: usize) -> Option<usize> {
        let mut depth = 0usize;
        for _ in 0..MAX_BACK {
            match self.kind(k) {
                Kind::RParen | Kind::RBrack | Kind::RBrace => depth += 1,
                Kind::LParen | Kind::LBrack | Kind::LBrace => {
                    depth = depth.checked_sub(1)?;
                    if depth == 0 {
                        return Some(k);
                    }
                }
                _ => {}
            }
            k = k.checked_sub(1)?;
        }
        None
    }

    /// The first token of the primary expression `…x.F` whose last name is token `k`
    /// (selectors, calls, indexes, type assertions, typed composite literals, and a
    /// parenthesized start), or `None` when the tokens are not plainly one.
    fn chain_start(&self, k: usize) -> Option<usize> {
        let mut k = k;
        for _ in 0..MAX_BACK {
            match self.kind(k) {
                Kind::Ident => {
                    if k > 0 && self.kind(k - 1) == Kind::Dot {
                        k = k.checked_sub(2)?;
                        continue;
                    }
                    return Some(k);
                }
                Kind::RParen | Kind::RBrack | Kind::RBrace => {
                    let open = self.open_of(k)?;
                    let before = open.checked_sub(1)?;
                    match (self.kind(open), self.kind(before)) {
                        // A type assertion `.(T)`.
                        (Kind::LParen, Kind::Dot) => k = before.checked_sub(1)?,
                        // A call, a conversion, an index or slice, a typed literal.
                        (
                            Kind::LParen | Kind::LBrack,
                            Kind::Ident | Kind::RParen | Kind::RBrack,
                        )
                        | (Kind::LBrace, Kind::Ident) => k = before,
                        // A parenthesized operand.
                        (Kind::LParen, _) => return Some(open),
                        _ => return None,
                    }
                }
                _ => return None,
            }
        }
        None
    }

    /// Whether the token before `start` (the first of an operand) binds no tighter than a
    /// comparison: a bracket, a comma, a keyword, `&&`, `||`, `:`, an assignment's `=`.
    fn low_before(&self, start: usize) -> bool {
        let Some(k) = start.checked_sub(1) else {
            return false;
        };
        match self.kind(k) {
            Kind::LParen | Kind::LBrack | Kind::LBrace | Kind::Comma | Kind::Semi => true,
            Kind::Keyword(kw) => {
                matches!(kw, Kw::Return | Kw::If | Kw::Switch | Kw::Case | Kw::For)
            }
            Kind::Other => {
                let b = self.src[self.toks[k].start];
                let prev = self.toks[k].start.checked_sub(1).map(|i| self.src[i]);
                match b {
                    // `&&`, `||`.
                    b'&' | b'|' => prev == Some(b),
                    // `=`, `:=`, `+=`…, not `==`, `!=`, `<=`, `>=` (nor `<<=`, `>>=`).
                    b'=' => !matches!(prev, Some(b'=' | b'!' | b'<' | b'>')),
                    // A key, a case: not the `:` of `:=` (that is followed by `=`).
                    b':' => true,
                    _ => false,
                }
            }
            _ => false,
        }
    }

    /// The token after a run of constants from `k`: literals, parentheses, unary `+ - ^`
    /// and arithmetic (commas between values too, with `list`), ending with an operand and
    /// holding a literal.
    fn constant_run(&self, mut k: usize, list: bool) -> Option<usize> {
        let (mut depth, mut operand, mut literal) = (0usize, false, false);
        loop {
            match self.kind(k) {
                Kind::Literal if !operand => {
                    (operand, literal) = (true, true);
                    k += 1;
                }
                Kind::LParen if !operand => {
                    depth += 1;
                    k += 1;
                }
                Kind::RParen if depth > 0 && operand => {
                    depth -= 1;
                    k += 1;
                }
                Kind::Comma if list && depth == 0 && operand => {
                    operand = false;
                    k += 1;
                }
                Kind::Other => {
                    let (o, n) = self.op(k);
                    let fits = if operand {
                        ARITH.contains(&o)
                    } else {
                        matches!(o, "+" | "-" | "^")
                    };
                    if !fits {
                        break;
                    }
                    operand = false;
                    k += n;
                }
                _ => break,
            }
        }
        (depth == 0 && operand && literal).then_some(k)
    }

    /// Whether token `k`, after an operand of a comparison, ends it: what follows binds
    /// no tighter (a closing bracket, `{`, `,`, `;`, `:`, `&&`, `||`, another comparison)
    /// or starts a new line.
    fn ends_comparison(&self, k: usize) -> bool {
        let Some(t) = self.toks.get(k) else {
            return false;
        };
        if t.nl_before {
            return true;
        }
        match t.kind {
            Kind::RParen
            | Kind::RBrack
            | Kind::RBrace
            | Kind::LBrace
            | Kind::Comma
            | Kind::Semi
            | Kind::Eof => true,
            Kind::Other => {
                let (o, _) = self.op(k);
                matches!(o, "&&" | "||" | ":") || COMPARE.contains(&o)
            }
            _ => false,
        }
    }

    /// Where the value of the field selected at `at` (the offset of `F` in `x.F`) goes.
    pub fn field(&self, at: usize) -> FieldSite<'a> {
        let Some(f) = self.at(at) else {
            return FieldSite::Other;
        };
        if f == 0 || self.kind(f) != Kind::Ident || self.kind(f - 1) != Kind::Dot {
            return FieldSite::Other;
        }
        // The index and slice expressions on it, on its line.
        let mut j = f + 1;
        while self.kind(j) == Kind::LBrack && !self.toks[j].nl_before {
            match self.skip_group(j) {
                Some(n) => j = n,
                None => return FieldSite::Other,
            }
        }
        let next = self.toks[j];
        match next.kind {
            Kind::Dot if !next.nl_before => return FieldSite::Adapts,
            Kind::LParen if j > f + 1 && !next.nl_before => return FieldSite::Adapts,
            Kind::IncDec if !next.nl_before => return FieldSite::Adapts,
            _ => {}
        }
        let (o, n) = if next.nl_before { ("", 0) } else { self.op(j) };
        if ASSIGN.contains(&o) {
            // Left of an assignment (in valid Go nothing else is followed by `=`), whatever
            // stands before it: the right side is what is checked against it.
            return match self.constant_run(j + n, true) {
                Some(end) => {
                    let t = self.toks[end];
                    if t.nl_before || matches!(t.kind, Kind::Semi | Kind::RBrace | Kind::Eof) {
                        FieldSite::AssignedConstant
                    } else {
                        FieldSite::Other
                    }
                }
                None => FieldSite::Other,
            };
        }
        let Some(start) = self.chain_start(f) else {
            return FieldSite::Other;
        };
        // Ranged over: `for i := range x.F {`.
        if next.kind == Kind::LBrace
            && start > 0
            && self.kind(start - 1) == Kind::Keyword(Kw::Range)
        {
            return FieldSite::Adapts;
        }
        if COMPARE.contains(&o) && self.low_before(start) {
            let r = j + n;
            if let Some(end) = self.constant_run(r, false) {
                if self.ends_comparison(end) {
                    return FieldSite::ComparedWithConstant;
                }
            }
            let member = self.kind(r) == Kind::Ident
                && self.kind(r + 1) == Kind::Dot
                && self.kind(r + 2) == Kind::Ident
                && self.ends_comparison(r + 3);
            if member {
                return FieldSite::ComparedWithMember(self.text(r), self.text(r + 2));
            }
            return FieldSite::Other;
        }
        // A whole argument: after `(` or `,`, before `)` or `,`.
        if !matches!(next.kind, Kind::RParen | Kind::Comma)
            || !matches!(
                start.checked_sub(1).map(|k| self.kind(k)),
                Some(Kind::LParen | Kind::Comma)
            )
        {
            return FieldSite::Other;
        }
        let Some(mut k) = start.checked_sub(1) else {
            return FieldSite::Other;
        };
        let mut index = 0;
        for _ in 0..MAX_BACK {
            match self.kind(k) {
                Kind::LParen => break,
                Kind::Comma => index += 1,
                Kind::RParen | Kind::RBrack | Kind::RBrace => match self.open_of(k) {
                    Some(open) => k = open,
                    None => return FieldSite::Other,
                },
                Kind::LBrack | Kind::LBrace | Kind::Semi | Kind::Keyword(_) | Kind::Eof => {
                    return FieldSite::Other
                }
                _ => {}
            }
            let Some(prev) = k.checked_sub(1) else {
                return FieldSite::Other;
            };
            k = prev;
        }
        if self.kind(k) != Kind::LParen || self.toks[k].nl_before || k < 3 {
            return FieldSite::Other;
        }
        let (q, dot, func) = (k - 3, k - 2, k - 1);
        if self.kind(func) != Kind::Ident
            || self.kind(dot) != Kind::Dot
            || self.kind(q) != Kind::Ident
            || (q > 0 && self.kind(q - 1) == Kind::Dot)
        {
            return FieldSite::Other;
        }
        // Spelled exactly so, the check takes these by their text.
        let callee = &self.src[self.toks[q].start..self.toks[func].end];
        if matches!(
            callee,
            b"unsafe.Sizeof" | b"unsafe.Offsetof" | b"unsafe.Alignof"
        ) {
            return FieldSite::Adapts;
        }
        let Some(close) = self.skip_group(k) else {
            return FieldSite::Other;
        };
        // Tree-sitter numbers comments among the arguments: count none.
        let commented = self.toks[k..close]
            .windows(2)
            .any(|w| self.src[w[0].end..w[1].start].contains(&b'/'));
        if commented {
            return FieldSite::Other;
        }
        // `...` at the top level of the arguments.
        let mut spread = false;
        let mut m = k + 1;
        while m + 1 < close {
            match self.kind(m) {
                Kind::LParen | Kind::LBrack | Kind::LBrace => match self.skip_group(m) {
                    Some(n) => m = n,
                    None => return FieldSite::Other,
                },
                _ => {
                    spread |= self.op(m).0 == "...";
                    m += 1;
                }
            }
        }
        FieldSite::Argument {
            qualifier: self.text(q),
            func: self.text(func),
            index,
            spread,
        }
    }

    /// For a name selected at `at` (`q.T`), `q` when it is a name not itself selected.
    pub fn qualifier(&self, at: usize) -> Option<&'a str> {
        let k = self.at(at)?;
        let q = k.checked_sub(2)?;
        let plain = self.kind(k - 1) == Kind::Dot
            && self.kind(q) == Kind::Ident
            && (q == 0 || self.kind(q - 1) != Kind::Dot);
        plain.then(|| self.text(q))
    }

    /// Whether every use of the name `q` in the file selects from it (`q.X`): no local
    /// declaration (`q :=`, a parameter `q T`) can shadow an import of that name. An
    /// import's own name (`q "path"`) counts as no use.
    pub fn only_qualifies(&self, q: &str) -> bool {
        if let Some((_, known)) = self.qualifies.borrow().iter().find(|(n, _)| n == q) {
            return *known;
        }
        let name = q.as_bytes();
        let answer = (0..self.toks.len()).all(|k| {
            let t = self.toks[k];
            t.kind != Kind::Ident
                || &self.src[t.start..t.end] != name
                || self.kind(k + 1) == Kind::Dot
                || (self.kind(k + 1) == Kind::Literal
                    && matches!(self.src[self.toks[k + 1].start], b'"' | b'`'))
        });
        self.qualifies.borrow_mut().push((q.to_string(), answer));
        answer
    }

    /// The elements of the composite literal whose type's last name starts at `at` (`T`
    /// in `q.T{…}`), or `None` when its braces do not close.
    pub fn literal(&self, at: usize) -> Option<Vec<LitElem<'a>>> {
        let k = self.at(at)?;
        let open = k + 1;
        if self.kind(open) != Kind::LBrace {
            return None;
        }
        let close = self.skip_group(open)? - 1;
        let mut out = Vec::new();
        let mut e = open + 1;
        while e < close {
            // The element's tokens: up to a comma at the top level.
            let mut end = e;
            while end < close && self.kind(end) != Kind::Comma {
                end = match self.kind(end) {
                    Kind::LParen | Kind::LBrack | Kind::LBrace => self.skip_group(end)?,
                    _ => end + 1,
                };
            }
            if end > e {
                out.push(self.element(e, end));
            }
            e = end + 1;
        }
        Some(out)
    }

    /// An element spanning tokens `e..end`.
    fn element(&self, e: usize, end: usize) -> LitElem<'a> {
        let keyed = self.kind(e) == Kind::Ident && self.op(e + 1).0 == ":";
        let v = if keyed { e + 2 } else { e };
        let constant = self.constant_run(v, false) == Some(end)
            || (self.kind(v) == Kind::LBrace && self.skip_group(v) == Some(end));
        match (constant, keyed) {
            (true, _) => LitElem::Constant,
            (false, true) => LitElem::Keyed(self.text(e)),
            (false, false) => LitElem::Other,
        }
    }
}
