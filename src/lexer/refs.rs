//! References to package-level names read off a top-level declaration's tokens, for the
//! names whose every occurrence tokens can place: what `crate::index::refs` (tree-sitter)
//! gives for them, without a parse. A name written where tokens cannot tell a reference
//! from a binding, a field, a key or a label is [`DeclRefs::unsure`]; its references here
//! mean nothing, and the caller parses.
//!
//! A binding is never followed by a `.` and is always in one of a few places: the leading
//! names of a `var`, `const` or `type` spec, the names before `:=`, or the names opening a
//! declaration in a signature's parameter, result, receiver or type-parameter list. Those
//! are unsure, as is a name before `:` (a label, a key, a `case`), after
//! `goto`/`break`/`continue`, before a `.` when it is not an import (a qualified type's
//! package names no package-level value), opening a declaration in the braces of a
//! `struct` or `interface` (field and method names), or named right after a signature's
//! first list (a method's name). Any other occurrence not after a `.` is a reference.

use super::{Kind, Kw, Stream, Text, Token};
use rustc_hash::FxHashSet;

/// Identifiers [`decl_refs`] never gives as references: the blank name, and tree-sitter's
/// own kinds of node (its `nil` is a type name in `case nil:`). A caller whose candidate is
/// one of them reads the tree.
pub const NOT_REFERENCES: [&str; 5] = ["_", "nil", "true", "false", "iota"];

/// One reference as `crate::index::refs::NameRef` has it, with the span's bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TokenRef<'a> {
    /// The import name of `q.Name`.
    pub qualifier: Option<&'a str>,
    pub name: &'a str,
    /// `q` to `Name`'s end for a qualified reference, else the identifier.
    pub start: usize,
    pub end: usize,
}

/// A declaration's references, and the names tokens could not place.
#[derive(Debug, Default)]
pub struct DeclRefs<'a> {
    pub refs: Vec<TokenRef<'a>>,
    pub unsure: FxHashSet<&'a str>,
}

/// What the brackets around a token make of the names in them.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Plain,
    /// A signature's lists (and a type spec's `[…]`): names may be bound.
    Params,
    /// A `struct` or `interface` body: field and method names.
    Fields,
    /// The `( … )` of a grouped `var`, `const` or `type`: each spec binds its first names.
    Group,
}

/// The references of the top-level declaration `src[range]` (a `func`, `var`, `const` or
/// `type` declaration, keyword to end); `is_import` tells the names the file's imports
/// bind.
pub fn decl_refs<'a>(
    src: &'a [u8],
    range: std::ops::Range<usize>,
    is_import: impl Fn(&str) -> bool,
) -> DeclRefs<'a> {
    let end = range.end.min(src.len());
    let start = range.start.min(end);
    let text = Text::range(src, start..end);
    let mut s = Stream::new(&src[..end]);
    s.lx.pos = start;
    let mut toks: Vec<Token> = Vec::new();
    loop {
        let t = s.next();
        if t.kind == Kind::Eof {
            break;
        }
        toks.push(t);
    }
    let mut out = DeclRefs::default();
    let op =
        |t: Option<&Token>, w: &str| t.is_some_and(|t| t.kind == Kind::Other && text.get(*t) == w);
    let kind = |t: Option<&Token>| t.map(|t| t.kind);
    // The open brackets, innermost last, with what they make of their names.
    let mut stack: Vec<Ctx> = Vec::new();
    // After each `func`: the depth whose `(` and `[` open its lists, until its body or the
    // end of its signature (a func type in a parameter list nests one in another).
    let mut signatures: Vec<usize> = Vec::new();
    // A `var`/`const`/`type` spec's leading names are next (at this depth).
    let mut spec_names: Option<usize> = None;
    // A type spec's name was just read: a `[` right after it opens type parameters.
    let mut type_name_at: Option<usize> = None;
    // `struct` or `interface` was just read: its `{` opens a body of fields.
    let mut fields_next = false;
    for i in 0..toks.len() {
        let t = toks[i];
        let prev = i.checked_sub(1).map(|j| &toks[j]);
        let next = toks.get(i + 1);
        let depth = stack.len();
        let ctx = stack.last().copied().unwrap_or(Ctx::Plain);
        match t.kind {
            Kind::LParen | Kind::LBrack | Kind::LBrace => {
                let opened = if t.kind == Kind::LBrace && fields_next {
                    Ctx::Fields
                } else if t.kind == Kind::LBrace {
                    Ctx::Plain
                } else if matches!(ctx, Ctx::Params | Ctx::Fields)
                    || signatures.last() == Some(&depth)
                    || (type_name_at == Some(i.wrapping_sub(1)) && t.kind == Kind::LBrack)
                {
                    // A signature's lists, those nested in them or in a method spec, a
                    // type spec's parameters.
                    Ctx::Params
                } else if spec_names == Some(depth)
                    && t.kind == Kind::LParen
                    && matches!(
                        kind(prev),
                        Some(Kind::Keyword(Kw::Var | Kw::Const | Kw::Type))
                    )
                {
                    Ctx::Group
                } else {
                    Ctx::Plain
                };
                if t.kind == Kind::LBrace {
                    // A body: the signatures at this depth are over.
                    while signatures.last() == Some(&depth) {
                        signatures.pop();
                    }
                }
                fields_next = false;
                if opened == Ctx::Group {
                    spec_names = Some(depth + 1);
                } else if spec_names == Some(depth) {
                    spec_names = None;
                }
                stack.push(opened);
                continue;
            }
            Kind::RParen | Kind::RBrack | Kind::RBrace => {
                stack.pop();
                while signatures.last().is_some_and(|&d| d > stack.len()) {
                    signatures.pop();
                }
                if spec_names.is_some_and(|d| d > stack.len()) {
                    spec_names = None;
                }
                continue;
            }
            Kind::Keyword(Kw::Func) => {
                signatures.push(depth);
                continue;
            }
            Kind::Keyword(Kw::Var | Kw::Const | Kw::Type) => {
                spec_names = Some(depth);
                continue;
            }
            Kind::Keyword(Kw::Struct | Kw::Interface) => {
                fields_next = true;
                continue;
            }
            Kind::Semi | Kind::Comma => {
                while signatures.last() == Some(&depth) {
                    signatures.pop();
                }
                if t.kind == Kind::Semi && ctx == Ctx::Group {
                    spec_names = Some(depth);
                }
                continue;
            }
            Kind::Other
                if text.get(t) == ":"
                    && op(next, "=")
                    && next.is_some_and(|n| n.start == t.end) =>
            {
                // `a, b :=` binds them.
                let mut j = i;
                while j > 0 && toks[j - 1].kind == Kind::Ident {
                    out.unsure.insert(text.get(toks[j - 1]));
                    if j >= 2 && toks[j - 2].kind == Kind::Comma {
                        j -= 2;
                    } else {
                        break;
                    }
                }
                continue;
            }
            Kind::Ident => {}
            _ => {
                fields_next = false;
                continue;
            }
        }
        // An identifier.
        fields_next = false;
        let name = text.get(t);
        if NOT_REFERENCES.contains(&name) {
            continue;
        }
        if kind(prev) == Some(Kind::Dot) {
            // A field or method selected: neither a reference nor a binding.
            continue;
        }
        let dotted = kind(next) == Some(Kind::Dot);
        if spec_names == Some(depth) {
            out.unsure.insert(name);
            if kind(next) != Some(Kind::Comma) {
                spec_names = None;
                type_name_at = matches!(
                    kind(toks.get(i.wrapping_sub(1))),
                    Some(Kind::Keyword(Kw::Type)) | Some(Kind::LParen) | Some(Kind::Semi)
                )
                .then_some(i);
            }
            continue;
        }
        // In a list, a name opens its declaration (after the bracket, a `,` or a `;`): a
        // type after a name, a `*`, a `]` or `...` is a reference.
        let opens_declaration = matches!(
            kind(prev),
            Some(Kind::LParen | Kind::LBrack | Kind::LBrace | Kind::Comma | Kind::Semi)
        );
        let placed_elsewhere = (matches!(ctx, Ctx::Params | Ctx::Fields)
            && !dotted
            && opens_declaration)
            || op(next, ":")
            || matches!(
                kind(prev),
                Some(Kind::Keyword(Kw::Goto | Kw::Break | Kw::Continue))
            )
            // A method's name after its receiver, a function's after `func`.
            || (signatures.last() == Some(&depth)
                && matches!(kind(next), Some(Kind::LParen | Kind::LBrack)));
        if placed_elsewhere {
            out.unsure.insert(name);
            continue;
        }
        if dotted {
            let field = toks.get(i + 2).filter(|f| f.kind == Kind::Ident);
            match field {
                Some(f) if is_import(name) => out.refs.push(TokenRef {
                    qualifier: Some(name),
                    name: text.get(*f),
                    start: t.start,
                    end: f.end,
                }),
                _ => {
                    out.unsure.insert(name);
                }
            }
            continue;
        }
        if is_import(name) {
            // An import name not qualifying anything: bound here, or not Go.
            out.unsure.insert(name);
            continue;
        }
        out.refs.push(TokenRef {
            qualifier: None,
            name,
            start: t.start,
            end: t.end,
        });
    }
    out
}

/// The top-level declarations of a file (`func` with or without a body, `var`, `const`,
/// `type`: keyword to the end of the last token), in order; `None` when the brackets do
/// not close where Go's would.
pub fn top_declarations(src: &[u8]) -> Option<Vec<std::ops::Range<usize>>> {
    let mut out = Vec::new();
    let mut s = Stream::new(src);
    loop {
        let t = s.next();
        match t.kind {
            Kind::Eof => return Some(out),
            Kind::Semi => continue,
            Kind::Keyword(Kw::Func) => {
                // Through the body's `}`, or the signature's last token without one.
                let end = match super::signature_end(&mut s, t.end) {
                    super::SignatureEnd::Body => {
                        s.next(); // the body's `{`
                        super::close_brace(&mut s)? + 1
                    }
                    super::SignatureEnd::Bodyless(end) => end,
                    super::SignatureEnd::Unclosed => return None,
                };
                out.push(t.start..end);
            }
            Kind::Keyword(Kw::Type | Kw::Var | Kw::Const) => {
                out.push(t.start..super::spec_end(&mut s, t.end)?);
            }
            _ => {
                s.unread(t);
                s.skip_spec(false);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The references of the first declaration of `src` as `q.Name@line`/`Name@line` (those
    /// of unsure names left out: they mean nothing), and the unsure names, sorted.
    fn refs(src: &str) -> (Vec<String>, Vec<String>) {
        let decls = top_declarations(src.as_bytes()).expect("brackets close");
        let d = decl_refs(src.as_bytes(), decls[0].clone(), |n| {
            matches!(n, "unix" | "syscall")
        });
        let line = |at: usize| src[..at].matches('\n').count() + 1;
        let got = (d.refs.iter())
            .filter(|r| !d.unsure.contains(r.qualifier.unwrap_or(r.name)))
            .map(|r| match r.qualifier {
                Some(q) => format!("{q}.{}@{}", r.name, line(r.start)),
                None => format!("{}@{}", r.name, line(r.start)),
            })
            .collect();
        let mut unsure: Vec<String> = d.unsure.iter().map(|u| u.to_string()).collect();
        unsure.sort();
        (got, unsure)
    }

    #[test]
    fn references_and_the_bindings_around_them() {
        let (got, unsure) = refs(
            "func f(fd int, st *unix.Stat_t) (n Size, err error) {\n\
             \tvar buf [bufLen]byte\n\
             \tx, y := helper(st.Rdev), unix.SYS_READ\n\
             \tfor i := range list { _ = i }\n\
             \t_ = T{Key: other, Count: n}\n\
             loop:\n\
             \tgoto loop\n\
             }",
        );
        assert_eq!(
            got,
            [
                "int@1",
                "unix.Stat_t@1",
                "Size@1",
                "error@1",
                "bufLen@2",
                "byte@2",
                "helper@3",
                "unix.SYS_READ@3",
                "list@4",
                "T@5",
                "other@5",
            ]
        );
        // Parameters and named results open their declarations (`n` is bound: its uses are
        // no references either); `x, y :=` and the range variable are bound; keys and
        // labels are no references; `st.Rdev` may be a qualified type's package.
        assert_eq!(
            unsure,
            ["Count", "Key", "buf", "err", "f", "fd", "i", "loop", "n", "st", "x", "y"]
        );
    }

    #[test]
    fn fields_methods_and_qualified_types_are_unsure() {
        let (got, unsure) = refs(
            "type T struct {\n\
             \tName string\n\
             \t*Embedded\n\
             \tst unix.Stat_t\n\
             \tfn func(a Arg) Res\n\
             }",
        );
        assert_eq!(
            got,
            ["string@2", "Embedded@3", "unix.Stat_t@4", "Arg@5", "Res@5"]
        );
        assert_eq!(unsure, ["Name", "T", "a", "fn", "st"]);
        let (got, unsure) = refs("func (r *Recv) Method(v pkg.Type) { _ = local.Field }");
        assert_eq!(got, ["Recv@1"]);
        // `pkg` and `local` are not imports: `pkg.Type` may be a qualified type.
        assert_eq!(unsure, ["Method", "local", "pkg", "r", "v"]);
    }

    #[test]
    fn an_import_name_used_alone_is_unsure() {
        let (got, unsure) = refs("func f() { unix := 1; _ = unix.X; _ = syscall.Y }");
        assert_eq!(got, ["syscall.Y@1"]);
        assert_eq!(unsure, ["f", "unix"]);
    }

    #[test]
    fn grouped_specs_bind_their_first_names_only() {
        let (got, unsure) = refs("const (\n\tA, B = iota, Base\n\tC Kind = 1\n\tD\n)");
        assert_eq!(got, ["Base@2", "Kind@3"]);
        assert_eq!(unsure, ["A", "B", "C", "D"]);
        let (_, unsure) = refs("type G[T any, U Constraint] struct{}");
        assert_eq!(unsure, ["G", "T", "U"]);
    }

    #[test]
    fn declarations_span_their_bodies_and_bodyless_signatures() {
        let src = "package p\n\nimport \"unix\"\n\nfunc asm(x int) int\n\nfunc f() {\n}\n\nvar (\n\ta = 1\n)\n";
        let decls = top_declarations(src.as_bytes()).unwrap();
        // A declaration's range may run on to the next token (an inserted `;`).
        let texts: Vec<&str> = decls.iter().map(|r| src[r.clone()].trim_end()).collect();
        assert_eq!(
            texts,
            ["func asm(x int) int", "func f() {\n}", "var (\n\ta = 1\n)"]
        );
        assert_eq!(top_declarations(b"func f() {"), None);
    }
}
