//! The top-level declarations of a file as a token scan sees them, for a rule whose check
//! reads across declarations (a map used in other functions, a helper's body, a
//! function's callers) and must name every one it reads in `Rule::bodies`.

use crate::lexer;
use std::collections::HashMap;

/// The declarations a partial parse may leave in part (those holding a [`lexer::Block`]:
/// functions with a body, `var`s with literals), by span. The rest of the file ("outside")
/// is always parsed.
pub(super) struct DeclSpans<'s> {
    src: &'s [u8],
    /// `start..end` of each, in file order, disjoint.
    spans: Vec<(usize, usize)>,
}

impl<'s> DeclSpans<'s> {
    /// `None` when the token scan cannot tell where blocks close (no body is then left out).
    pub(super) fn new(src: &'s [u8]) -> Option<DeclSpans<'s>> {
        let mut spans: Vec<(usize, usize)> = Vec::new();
        // A `var`'s blocks share its span.
        for b in lexer::top_blocks(src)? {
            if spans.last().is_none_or(|&(start, _)| start != b.decl) {
                spans.push((b.decl, b.end));
            }
        }
        Some(DeclSpans { src, spans })
    }

    pub(super) fn len(&self) -> usize {
        self.spans.len()
    }

    /// An offset in declaration `d` (its `func` or `var` keyword): holding it keeps `d`.
    pub(super) fn start(&self, d: usize) -> usize {
        self.spans[d].0
    }

    /// The bytes of declaration `d`.
    pub(super) fn text(&self, d: usize) -> &'s [u8] {
        let (start, end) = self.spans[d];
        &self.src[start..end]
    }

    /// Whether the bytes of declaration `d` (`None`: outside every declaration) hold one
    /// of `words` anywhere, comments and literals included.
    pub(super) fn mentions(&self, d: Option<usize>, words: &[&str]) -> bool {
        match d {
            Some(d) => words
                .iter()
                .any(|w| memchr::memmem::find(self.text(d), w.as_bytes()).is_some()),
            None => words.iter().any(|w| {
                memchr::memmem::find_iter(self.src, w.as_bytes()).any(|at| self.at(at).is_none())
            }),
        }
    }

    /// The declaration holding offset `at` (`None`: outside every declaration).
    pub(super) fn at(&self, at: usize) -> Option<usize> {
        let i = self.spans.partition_point(|&(_, end)| end <= at);
        self.spans
            .get(i)
            .is_some_and(|&(start, _)| start <= at)
            .then_some(i)
    }
}

/// [`DeclSpans`] with the identifiers in each, for a rule whose check reads across them.
pub(super) struct Decls<'s> {
    spans: DeclSpans<'s>,
    /// Per identifier: the declarations it occurs in, in order, once each.
    holding: HashMap<&'s str, Vec<usize>>,
    /// Per declaration, then for the outside: its identifiers, with whether a `[` follows.
    idents: Vec<Vec<(&'s str, bool)>>,
}

impl<'s> Decls<'s> {
    /// `None` when the token scan cannot tell where blocks close (no body is then left out).
    pub(super) fn new(src: &'s [u8]) -> Option<Decls<'s>> {
        let spans = DeclSpans::new(src)?;
        let n = spans.len();
        let mut holding: HashMap<&str, Vec<usize>> = HashMap::new();
        let mut idents = vec![Vec::new(); n + 1];
        let mut i = 0;
        lexer::for_each_ident_next(src, |name, _, next, at| {
            while i < n && spans.spans[i].1 <= at {
                i += 1;
            }
            let d = if i < n && spans.spans[i].0 <= at {
                let seen = holding.entry(name).or_default();
                if seen.last() != Some(&i) {
                    seen.push(i);
                }
                i
            } else {
                n
            };
            idents[d].push((name, next == '['));
        });
        Some(Decls {
            spans,
            holding,
            idents,
        })
    }

    pub(super) fn len(&self) -> usize {
        self.spans.len()
    }

    /// [`DeclSpans::start`].
    pub(super) fn start(&self, d: usize) -> usize {
        self.spans.start(d)
    }

    /// [`DeclSpans::text`].
    pub(super) fn text(&self, d: usize) -> &'s [u8] {
        self.spans.text(d)
    }

    /// [`DeclSpans::mentions`].
    pub(super) fn mentions(&self, d: Option<usize>, words: &[&str]) -> bool {
        self.spans.mentions(d, words)
    }

    /// [`DeclSpans::at`].
    pub(super) fn at(&self, at: usize) -> Option<usize> {
        self.spans.at(at)
    }

    /// The function's or method's name declaration `d` declares.
    pub(super) fn func_name(&self, d: usize) -> Option<&'s str> {
        lexer::func_name(self.text(d))
    }

    /// The declarations an identifier `name` occurs in.
    pub(super) fn with_ident(&self, name: &str) -> &[usize] {
        self.holding.get(name).map_or(&[], Vec::as_slice)
    }

    /// The identifiers of declaration `d` (`None`: outside every declaration), with
    /// whether a `[` follows each.
    pub(super) fn idents(&self, d: Option<usize>) -> &[(&'s str, bool)] {
        &self.idents[d.unwrap_or(self.len())]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declarations_their_names_and_identifiers() {
        let src: &[u8] = b"package p\nconst c = 1\nvar m = map[string]int{\"a\": 1}\nfunc (t *T) look() int { return m[runtime.GOARCH] }\nfunc f[T any]() { g() }\nfunc decl()\nvar x = m[runtime.GOOS]\n";
        let d = Decls::new(src).unwrap();
        assert_eq!(d.len(), 3);
        assert_eq!(d.func_name(0), None);
        assert_eq!(d.func_name(1), Some("look"));
        assert_eq!(d.func_name(2), Some("f"));
        assert_eq!(d.with_ident("m"), &[0, 1]);
        assert_eq!(d.with_ident("g"), &[2]);
        assert!(d.idents(Some(1)).contains(&("m", true)));
        assert!(d.idents(None).contains(&("m", true)));
        assert!(d.mentions(Some(1), &["GOARCH"]) && !d.mentions(Some(2), &["GOARCH"]));
        assert!(d.mentions(None, &["GOOS"]) && !d.mentions(None, &["GOARCH"]));
        assert_eq!(&src[d.start(2)..d.start(2) + 4], b"func");
        assert_eq!(d.at(d.start(1)), Some(1));
        assert_eq!(d.at(src.len() - 3), None);
    }
}
