//! Typed package-level declarations (struct fields, named types, signatures, typed vars and
//! consts) from the token stream: what `crate::index::decls::walk` reads from a tree-sitter
//! tree, without the parse. The type rules read these for every file of the packages they
//! type, most of which they never check; parsing those files was most of a scan's time.
//! Types are kept as source text (first to last token, comments inside included) and spans
//! equal tree-sitter's, so both give equal items on valid Go (checked in `tests`).

use super::{Kind, Kw, Stream, Token};
use crate::syntax::tree::Span;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldDecl {
    /// Field name; for an embedded field, its type name.
    pub name: String,
    pub ty: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SigDecl {
    pub params: Vec<String>,
    pub variadic: bool,
    pub results: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ItemKind {
    Struct(Vec<FieldDecl>),
    /// `type T U` (defined type, U as text).
    Named(String),
    /// `type T = U`.
    Alias(String),
    Func(SigDecl),
    /// A var, or a const with a declared type; `None` when the type comes from the value.
    Var(Option<String>),
    /// A const; `Some` when declared with a type.
    Const(Option<String>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypedItem {
    /// `T`, `F`, or `T.Method` for methods.
    pub name: String,
    pub kind: ItemKind,
    pub span: Span,
}

/// Every typed package-level declaration of a file, in source order, methods as
/// `T.Method`; equal to `crate::index::decls::typed_items` on a file tree-sitter parses
/// without errors (a const spec's commas are items too, as tree-sitter's `name` field
/// holds them). Best effort on invalid Go; never panics.
pub fn typed_items(src: &[u8]) -> Vec<TypedItem> {
    let mut p = Parser {
        s: Stream::new(src),
        src,
        text: super::Text::new(src),
        lines: Vec::new(),
        out: Vec::new(),
    };
    loop {
        let t = p.s.next();
        match t.kind {
            Kind::Eof => break,
            Kind::Semi => continue,
            Kind::Keyword(Kw::Func) => p.func(),
            Kind::Keyword(Kw::Type) => p.group(Parser::type_spec),
            Kind::Keyword(Kw::Var) => p.group(|p| p.value_spec(false)),
            Kind::Keyword(Kw::Const) => p.group(|p| p.value_spec(true)),
            _ => p.s.unread(t),
        }
        p.s.skip_spec(false);
    }
    p.out
}

/// One parameter declaration as tree-sitter groups them: `a, b int` is one with two names.
struct Param {
    names: usize,
    ty: Option<(usize, usize)>,
    variadic: bool,
}

/// At most this many names share one parameter declaration in tree-sitter-go's tree.
const TS_MAX_NAMES: usize = 9;

/// One comma-separated entry of a parameter list.
struct Entry {
    /// It starts with a name (or is a bare identifier, which may be one).
    name: bool,
    ty: Option<(usize, usize)>,
    variadic: bool,
    /// A bare identifier: a name when another entry is `name Type`, else a type.
    bare: Option<(usize, usize)>,
}

impl Entry {
    fn ty(name: bool, ty: Option<(usize, usize)>, variadic: bool) -> Entry {
        Entry {
            name,
            ty,
            variadic,
            bare: None,
        }
    }
}

/// Where a type's tokens end (the stopping token is left unread).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Until {
    /// `,` or `)`: a parameter.
    Param,
    /// `;` or `)`: a type spec.
    Spec,
    /// `=`, `;` or `)`: a var or const type.
    Value,
    /// `;`, `}` or a tag: a field type.
    Field,
    /// `;`, `)` or a `{` not opening a struct or interface: a result type before the body.
    Result,
}

struct Parser<'a> {
    s: Stream<'a>,
    src: &'a [u8],
    text: super::Text<'a>,
    /// Byte offsets where lines start, computed at the first span.
    lines: Vec<usize>,
    out: Vec<TypedItem>,
}

impl<'a> Parser<'a> {
    fn text(&self, start: usize, end: usize) -> String {
        self.text.slice(start, end).to_string()
    }

    fn is_op(&self, t: Token, op: &[u8]) -> bool {
        t.kind == Kind::Other && &self.src[t.start..t.end] == op
    }

    fn span(&mut self, start: usize, end: usize) -> Span {
        if self.lines.is_empty() {
            self.lines = crate::syntax::tree::line_starts(self.src);
        }
        Span::from_offsets(&self.lines, start, end)
    }

    fn push(&mut self, name: String, kind: ItemKind, at: (usize, usize)) {
        let span = self.span(at.0, at.1);
        self.out.push(TypedItem { name, kind, span });
    }

    /// A single spec, or a `( … )` group of them; each spec's remaining tokens are skipped.
    fn group(&mut self, mut spec: impl FnMut(&mut Self)) {
        let t = self.s.next();
        if t.kind != Kind::LParen {
            self.s.unread(t);
            return spec(self);
        }
        loop {
            let t = self.s.next();
            match t.kind {
                Kind::Eof => return self.s.unread(t),
                Kind::RParen => return,
                Kind::Semi => {}
                _ => {
                    self.s.unread(t);
                    spec(self);
                    self.s.skip_spec(true);
                }
            }
        }
    }

    /// Consumes a bracketed group whose opener `open` was just read; returns its closer's
    /// end (or where the file ended).
    fn close(&mut self, open: Token) -> usize {
        if self.s.npending == 0 {
            let close = self.s.lx.skip_nested(1);
            self.s.semi_ok = true;
            if close.kind == Kind::Eof {
                self.s.unread(close);
            }
            return close.end;
        }
        // Tokens were read ahead: count brackets through the stream.
        let mut depth = 1usize;
        let mut end = open.end;
        loop {
            let t = self.s.next();
            match t.kind {
                Kind::Eof => {
                    self.s.unread(t);
                    return end;
                }
                Kind::LParen | Kind::LBrack | Kind::LBrace => depth += 1,
                Kind::RParen | Kind::RBrack | Kind::RBrace => {
                    depth -= 1;
                    if depth == 0 {
                        return t.end;
                    }
                }
                _ => {}
            }
            end = t.end;
        }
    }

    /// Consumes a type's tokens up to `until` at depth 0; their byte range, if any.
    fn type_tokens(&mut self, until: Until) -> Option<(usize, usize)> {
        let mut range: Option<(usize, usize)> = None;
        let mut opens_body = false;
        loop {
            let t = self.s.next();
            let stop = match t.kind {
                Kind::Eof | Kind::RParen | Kind::RBrack | Kind::RBrace | Kind::Semi => true,
                Kind::Comma => until == Until::Param,
                Kind::LBrace => until == Until::Result && !opens_body,
                Kind::Literal => until == Until::Field && matches!(self.src[t.start], b'"' | b'`'),
                Kind::Other => until == Until::Value && self.is_op(t, b"="),
                _ => false,
            };
            if stop {
                self.s.unread(t);
                return range;
            }
            opens_body = matches!(t.kind, Kind::Keyword(Kw::Struct | Kw::Interface));
            let end = match t.kind {
                Kind::LParen | Kind::LBrack | Kind::LBrace => self.close(t),
                _ => t.end,
            };
            range = Some((range.map_or(t.start, |r| r.0), end));
        }
    }

    /// `func F…` or `func (r T) M…`, after `func`.
    fn func(&mut self) {
        let t = self.s.next();
        let (name, base) = match t.kind {
            Kind::Ident => (t, None),
            Kind::LParen => {
                let recv = self.params();
                let Some((a, b)) = recv.first().and_then(|p| p.ty) else {
                    return;
                };
                let name = self.s.next();
                if name.kind != Kind::Ident {
                    return self.s.unread(name);
                }
                let text = self.text(a, b);
                let base = text.trim_start_matches('*').trim();
                let base = base.split('[').next().unwrap_or(base).to_string();
                (name, Some(base))
            }
            _ => return self.s.unread(t),
        };
        let mut t = self.s.next();
        if t.kind == Kind::LBrack {
            self.close(t);
            t = self.s.next();
        }
        if t.kind != Kind::LParen {
            return self.s.unread(t);
        }
        let mut sig = SigDecl {
            params: Vec::new(),
            variadic: false,
            results: Vec::new(),
        };
        let params = self.params();
        sig.variadic = self.param_types(&params, &mut sig.params);
        let t = self.s.next();
        if t.kind == Kind::LParen {
            let results = self.params();
            self.param_types(&results, &mut sig.results);
        } else {
            self.s.unread(t);
            if let Some((a, b)) = self.type_tokens(Until::Result) {
                sig.results.push(self.text(a, b));
            }
        }
        let text = self.text(name.start, name.end);
        let full = match base {
            Some(base) => format!("{base}.{text}"),
            None => text,
        };
        self.push(full, ItemKind::Func(sig), (name.start, name.end));
    }

    /// One type per declared name, as `decls::param_types`; whether the last is variadic.
    fn param_types(&self, params: &[Param], out: &mut Vec<String>) -> bool {
        let mut variadic = false;
        for p in params {
            let Some((a, b)) = p.ty else { continue };
            variadic = p.variadic;
            for _ in 0..p.names.max(1) {
                out.push(self.text(a, b));
            }
        }
        variadic
    }

    /// A parameter list after its `(`, through its `)`. Go's rule: when any entry is
    /// `name Type`, bare identifiers before it are more names of its declaration; else every
    /// entry is a type.
    fn params(&mut self) -> Vec<Param> {
        let mut entries: Vec<Entry> = Vec::new();
        loop {
            let t = self.s.next();
            match t.kind {
                Kind::RParen => break,
                Kind::Eof => {
                    self.s.unread(t);
                    break;
                }
                Kind::Comma | Kind::Semi => continue,
                Kind::RBrack | Kind::RBrace => continue,
                _ => {}
            }
            let entry = self.param_entry(t);
            entries.push(entry);
        }
        let named = entries.iter().any(|e| e.name && e.ty.is_some());
        let mut out = Vec::new();
        let mut pending_names = 0;
        // The bare identifiers waiting for a type, and how many of them became types.
        let mut bare: Vec<Option<(usize, usize)>> = Vec::new();
        let mut out_bare = 0;
        for e in entries {
            if !named {
                out.push(Param {
                    names: 0,
                    ty: e.ty.or(e.bare),
                    variadic: e.variadic,
                });
                continue;
            }
            match e.ty {
                None => {
                    pending_names += 1;
                    bare.push(e.bare);
                }
                Some(_) => {
                    // tree-sitter-go keeps at most 9 names in one declaration (its GLR
                    // parse drops the longer reading); names before those become types.
                    // Kept equal to it: the type rules saw those lists that way so far.
                    let names = pending_names + usize::from(e.name);
                    for _ in TS_MAX_NAMES..names {
                        let Some(b) = bare.get(out_bare) else { break };
                        out.push(Param {
                            names: 0,
                            ty: *b,
                            variadic: false,
                        });
                        out_bare += 1;
                    }
                    out.push(Param {
                        names: names.min(TS_MAX_NAMES),
                        ty: e.ty,
                        variadic: e.variadic,
                    });
                    pending_names = 0;
                    bare.clear();
                    out_bare = 0;
                }
            }
        }
        out
    }

    /// One comma-separated entry of a parameter list, starting at `t`.
    fn param_entry(&mut self, t: Token) -> Entry {
        if self.is_op(t, b"...") {
            return Entry::ty(false, self.type_tokens(Until::Param), true);
        }
        if t.kind != Kind::Ident {
            self.s.unread(t);
            return Entry::ty(false, self.type_tokens(Until::Param), false);
        }
        let n = self.s.next();
        match n.kind {
            Kind::Comma | Kind::RParen | Kind::Semi | Kind::Eof => {
                self.s.unread(n);
                // A bare identifier: a name when a later entry is named, else a type.
                Entry {
                    name: true,
                    ty: None,
                    variadic: false,
                    bare: Some((t.start, t.end)),
                }
            }
            Kind::Dot => {
                // `pkg.T`: a type.
                self.s.unread(n);
                self.s.unread(t);
                Entry::ty(false, self.type_tokens(Until::Param), false)
            }
            Kind::LBrack if self.brackets_end_entry(false) => {
                // `T[int]`: a type.
                self.s.unread(n);
                self.s.unread(t);
                Entry::ty(false, self.type_tokens(Until::Param), false)
            }
            Kind::Other if self.is_op(n, b"...") => {
                Entry::ty(true, self.type_tokens(Until::Param), true)
            }
            _ => {
                self.s.unread(n);
                Entry::ty(true, self.type_tokens(Until::Param), false)
            }
        }
    }

    /// After `Name [`: whether the brackets end the entry (`T[int]`: a generic type, in a
    /// parameter list or embedded in a struct) rather than start the type of a name
    /// (`b []byte`, `a [4]int`). Reads ahead and puts everything back.
    fn brackets_end_entry(&mut self, in_struct: bool) -> bool {
        let first = self.s.next();
        self.s.unread(first);
        if first.kind == Kind::RBrack {
            return false;
        }
        let saved = (
            self.s.lx.pos,
            self.s.semi_ok,
            self.s.pending,
            self.s.npending,
        );
        self.s.npending = 0;
        self.s.lx.pos = first.start;
        let close = self.s.lx.skip_nested(1);
        let after = if close.kind == Kind::Eof {
            close
        } else {
            self.s.semi_ok = true;
            self.s.next()
        };
        let ends = match after.kind {
            Kind::Semi | Kind::Eof => true,
            Kind::Comma | Kind::RParen => !in_struct,
            Kind::RBrace => in_struct,
            Kind::Literal => in_struct && matches!(self.src[after.start], b'"' | b'`'),
            _ => false,
        };
        (
            self.s.lx.pos,
            self.s.semi_ok,
            self.s.pending,
            self.s.npending,
        ) = saved;
        ends
    }

    /// `Name Type`, `Name = Type` or `Name[P any] Type` (a name only: generic types are not
    /// typed), at the start of a type spec.
    fn type_spec(&mut self) {
        let name = self.s.next();
        if name.kind != Kind::Ident {
            return self.s.unread(name);
        }
        let t = self.s.next();
        if self.is_op(t, b"=") {
            if let Some((a, b)) = self.type_tokens(Until::Spec) {
                let ty = self.text(a, b);
                let n = self.text(name.start, name.end);
                self.push(n, ItemKind::Alias(ty), (name.start, name.end));
            }
            return;
        }
        if t.kind == Kind::LBrack && self.type_parameters() {
            return;
        }
        if t.kind == Kind::Keyword(Kw::Struct) {
            let b = self.s.next();
            if b.kind == Kind::LBrace {
                let fields = self.fields();
                let n = self.text(name.start, name.end);
                self.push(n, ItemKind::Struct(fields), (name.start, name.end));
                return;
            }
            self.s.unread(b);
        }
        self.s.unread(t);
        if let Some((a, b)) = self.type_tokens(Until::Spec) {
            let ty = self.text(a, b);
            let n = self.text(name.start, name.end);
            self.push(n, ItemKind::Named(ty), (name.start, name.end));
        }
    }

    /// After `type Name [`: whether a type parameter list follows (`[T any]`, `[K, V any]`,
    /// `[T ~int]`) rather than an array length (`[N]`, `[4]`, `[pkg.N * 2]`). Reads ahead
    /// and puts everything back.
    fn type_parameters(&mut self) -> bool {
        let a = self.s.next();
        let b = self.s.next();
        self.s.unread(b);
        self.s.unread(a);
        a.kind == Kind::Ident
            && (matches!(
                b.kind,
                Kind::Ident | Kind::Keyword(_) | Kind::Comma | Kind::LBrack | Kind::LParen
            ) || self.is_op(b, b"~"))
    }

    /// The fields of a struct type, after its `{`, through its `}`.
    fn fields(&mut self) -> Vec<FieldDecl> {
        let mut out = Vec::new();
        loop {
            let t = self.s.next();
            match t.kind {
                Kind::RBrace => return out,
                Kind::Eof => {
                    self.s.unread(t);
                    return out;
                }
                Kind::Semi => continue,
                _ => self.field(t, &mut out),
            }
            // Whatever the field left (a tag, stray tokens) up to its end.
            loop {
                let t = self.s.next();
                match t.kind {
                    Kind::Semi => break,
                    Kind::RBrace | Kind::Eof => {
                        self.s.unread(t);
                        break;
                    }
                    Kind::LParen | Kind::LBrack | Kind::LBrace => {
                        self.close(t);
                    }
                    _ => {}
                }
            }
        }
    }

    /// One field declaration starting at `t`.
    fn field(&mut self, t: Token, out: &mut Vec<FieldDecl>) {
        let embedded = |p: &mut Self, start: usize, out: &mut Vec<FieldDecl>| {
            let Some((a, b)) = p.type_tokens(Until::Field) else {
                return;
            };
            let ty = p.text(a, b);
            // The declaration runs through its tag.
            let mut end = b;
            let tag = p.s.next();
            if tag.kind == Kind::Literal {
                end = tag.end;
            } else {
                p.s.unread(tag);
            }
            let base = ty.trim_start_matches('*');
            let base = base.rsplit('.').next().unwrap_or(base).to_string();
            let span = p.span(start, end);
            out.push(FieldDecl {
                name: base,
                ty,
                span,
            });
        };
        if self.is_op(t, b"*") {
            return embedded(self, t.start, out);
        }
        if t.kind != Kind::Ident {
            return self.s.unread(t);
        }
        let n = self.s.next();
        let is_embedded = match n.kind {
            Kind::Semi | Kind::RBrace | Kind::Dot | Kind::Eof => true,
            Kind::Literal => matches!(self.src[n.start], b'"' | b'`'),
            Kind::LBrack => self.brackets_end_entry(true),
            _ => false,
        };
        if is_embedded {
            self.s.unread(n);
            self.s.unread(t);
            return embedded(self, t.start, out);
        }
        let mut names = vec![t];
        let mut n = n;
        while n.kind == Kind::Comma {
            let id = self.s.next();
            if id.kind != Kind::Ident {
                self.s.unread(id);
                return;
            }
            names.push(id);
            n = self.s.next();
        }
        self.s.unread(n);
        let Some((a, b)) = self.type_tokens(Until::Field) else {
            return;
        };
        let ty = self.text(a, b);
        for id in names {
            let span = self.span(id.start, id.end);
            out.push(FieldDecl {
                name: self.text(id.start, id.end),
                ty: ty.clone(),
                span,
            });
        }
    }

    /// A var or const spec: its names (and, for a const, the commas between them, as
    /// tree-sitter's `name` field holds them), each with the declared type if any.
    fn value_spec(&mut self, is_const: bool) {
        let mut names: Vec<Token> = Vec::new();
        loop {
            let t = self.s.next();
            if t.kind != Kind::Ident {
                self.s.unread(t);
                break;
            }
            names.push(t);
            let c = self.s.next();
            if c.kind != Kind::Comma {
                self.s.unread(c);
                break;
            }
            if is_const {
                names.push(c);
            }
        }
        if names.is_empty() {
            return;
        }
        let t = self.s.next();
        let ty = if self.is_op(t, b"=") || matches!(t.kind, Kind::Semi | Kind::RParen) {
            self.s.unread(t);
            None
        } else {
            self.s.unread(t);
            self.type_tokens(Until::Value).map(|(a, b)| self.text(a, b))
        };
        for n in names {
            let kind = if is_const {
                ItemKind::Const(ty.clone())
            } else {
                ItemKind::Var(ty.clone())
            };
            let text = self.text(n.start, n.end);
            self.push(text, kind, (n.start, n.end));
        }
    }
}

#[cfg(test)]
mod tests;
