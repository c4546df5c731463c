//! Byte skims for prefilters that mostly say no: one pass over a file's bytes, no tokens
//! built (building them was most of a plan's time, for files no rule kept). Strings, runes
//! and comments are told apart as the lexer does; what a skim reports is a superset of
//! what the matching token pass reports on the same file, so a prefilter may say no when
//! its skim finds nothing, and ask the token pass otherwise.

use super::quoted;

/// What a code byte starts, for [`any_ident`].
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Other,
    Space,
    /// A letter, `_` or a byte of a UTF-8 sequence (identifiers only, in valid Go code).
    Ident,
    Digit,
    Dot,
    /// `"`, `` ` ``, `'` or `/`: a literal or maybe a comment.
    Quote,
}

static CLASS: [Class; 256] = {
    let mut t = [Class::Other; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = match c {
            b' ' | b'\t' | b'\r' | b'\n' | 0x0C => Class::Space,
            b'a'..=b'z' | b'A'..=b'Z' | b'_' | 0x80..=0xFF => Class::Ident,
            b'0'..=b'9' => Class::Digit,
            b'.' => Class::Dot,
            b'"' | b'`' | b'\'' | b'/' => Class::Quote,
            _ => Class::Other,
        };
        b += 1;
    }
    t
};

/// Where the word (letters, digits, `_`, UTF-8 bytes) going on at `src[i]` ends.
fn word_end(src: &[u8], mut i: usize) -> usize {
    while i < src.len() && matches!(CLASS[src[i] as usize], Class::Ident | Class::Digit) {
        i += 1;
    }
    i
}

/// `src[start..end]` as text, through `text` (all of `src`, when it is UTF-8).
fn word<'a>(src: &'a [u8], text: Option<&'a str>, start: usize, end: usize) -> Option<&'a str> {
    match text {
        Some(t) => t.get(start..end),
        None => std::str::from_utf8(&src[start..end]).ok(),
    }
}

/// Where the literal or comment starting at `src[i]` (a [`Class::Quote`] byte) ends, and
/// whether it is a literal (not a comment); `None` for a `/` that starts no comment.
fn skip_quoted(src: &[u8], i: usize) -> Option<(usize, bool)> {
    Some(match src[i] {
        b'"' => (quoted(src, i + 1, b'"'), true),
        b'\'' => (quoted(src, i + 1, b'\''), true),
        b'`' => match memchr::memchr(b'`', &src[i + 1..]) {
            Some(n) => (i + 1 + n + 1, true),
            None => (src.len(), true),
        },
        _ => match src.get(i + 1) {
            Some(b'/') => (
                memchr::memchr(b'\n', &src[i..]).map_or(src.len(), |n| i + n),
                false,
            ),
            Some(b'*') => (
                memchr::memmem::find(&src[i + 2..], b"*/").map_or(src.len(), |n| i + 2 + n + 2),
                false,
            ),
            _ => return None,
        },
    })
}

/// An identifier [`any_ident`] meets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ident<'a> {
    pub name: &'a str,
    /// Its offset.
    pub at: usize,
    /// A `.` comes before it (spaces and comments between allowed).
    pub selected: bool,
    /// The identifier before that `.`, when one is (`q` of `q.name`).
    pub qualifier: Option<&'a str>,
    /// The first byte after it that is no space (`0` at the end; `/` may start a comment
    /// before the next token).
    pub next: u8,
}

/// Calls `f` for every identifier-like word outside comments and literals: each
/// identifier the lexer finds (keywords too), with at least the `.` and qualifier that
/// [`super::for_each_selected`] and [`super::for_each_selector`] would see. Stops when
/// `f` returns true; whether it did.
///
/// Spaces and the bytes of a word are stepped over a block at a time ([`Runs`]): a
/// byte-at-a-time dispatch was most of the skim's time (a mispredicted jump per byte).
pub fn any_ident<'a>(src: &'a [u8], mut f: impl FnMut(Ident<'a>) -> bool) -> bool {
    // Inside a token-cache scope over `src` (the plan's prefilters), one skim for every
    // rule's: the first meets every identifier, the others replay them.
    let Some(mut met) = take_met(src) else {
        return skim(src, f);
    };
    if met.is_empty() {
        skim(src, |id| {
            met.push(Skimmed::of(&id, src));
            false
        });
    }
    let text = super::utf8(src);
    let found = met.iter().any(|m| m.ident(src, text).is_some_and(&mut f));
    super::CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.holds(src) {
            c.idents = Some(met);
        }
    });
    found
}

/// An identifier [`any_ident`] met, by offsets (the scope's other skims replay it).
#[derive(Clone, Copy, Debug)]
pub(super) struct Skimmed {
    at: u32,
    end: u32,
    /// Where the qualifier starts and ends (`0..0`: none).
    qualifier: (u32, u32),
    selected: bool,
    next: u8,
}

impl Skimmed {
    fn of(id: &Ident<'_>, src: &[u8]) -> Skimmed {
        let offset = |s: &str| s.as_ptr() as usize - src.as_ptr() as usize;
        let qualifier = id.qualifier.map_or((0, 0), |q| {
            let at = offset(q);
            (at as u32, (at + q.len()) as u32)
        });
        Skimmed {
            at: id.at as u32,
            end: (id.at + id.name.len()) as u32,
            qualifier,
            selected: id.selected,
            next: id.next,
        }
    }

    /// The identifier again, as the skim gave it.
    fn ident<'a>(&self, src: &'a [u8], text: Option<&'a str>) -> Option<Ident<'a>> {
        let (at, end) = (self.at as usize, self.end as usize);
        let qualifier = match self.qualifier {
            (0, 0) => None,
            (q, e) => Some(word(src, text, q as usize, e as usize)?),
        };
        Some(Ident {
            name: word(src, text, at, end)?,
            at,
            selected: self.selected,
            qualifier,
            next: self.next,
        })
    }
}

/// The identifiers met of `src`, taken out of the scope's cache (empty: none met yet),
/// when a [`super::cache_tokens`] scope holds `src`; `None` outside one. Taken while a
/// skim runs: one started inside it skims anew.
fn take_met(src: &[u8]) -> Option<Vec<Skimmed>> {
    if src.len() > u32::MAX as usize {
        return None;
    }
    super::CACHE.with(|c| {
        let mut c = c.borrow_mut();
        c.holds(src).then(|| c.idents.take().unwrap_or_default())
    })
}

/// [`any_ident`]'s skim of `src`.
fn skim<'a>(src: &'a [u8], mut f: impl FnMut(Ident<'a>) -> bool) -> bool {
    // Validated once: identifiers are sliced from it (per identifier it was most of the
    // skim's time).
    let text = super::utf8(src);
    let mut runs = Runs::new(src);
    let mut i = 0;
    // The identifier just before (spaces and comments aside), and whether a `.` followed.
    let mut last: Option<&'a str> = None;
    let mut dot = false;
    loop {
        // Spaces change nothing; other bytes (operators, brackets) only forget.
        let (at, other) = runs.next_event(i);
        if other {
            (last, dot) = (None, false);
        }
        i = at;
        let Some(&b) = src.get(i) else {
            return false;
        };
        match CLASS[b as usize] {
            Class::Ident => {
                let start = i;
                i = runs.word_end(i + 1);
                let Some(name) = word(src, text, start, i) else {
                    // Not UTF-8: no identifier of the lexer's.
                    (last, dot) = (None, false);
                    continue;
                };
                // The loop goes on from there: the spaces between change nothing.
                i = runs.past_spaces(i);
                let id = Ident {
                    name,
                    at: start,
                    selected: dot,
                    qualifier: last.filter(|_| dot),
                    next: src.get(i).copied().unwrap_or(0),
                };
                if f(id) {
                    return true;
                }
                (last, dot) = (Some(name), false);
            }
            Class::Digit => {
                // A number (its letters and digits): `1.e5` leaves `e5` selected, a superset.
                i = runs.word_end(i);
                (last, dot) = (None, false);
            }
            Class::Dot => {
                // `...` is no selector.
                dot = !dot && src.get(i + 1) != Some(&b'.');
                if !dot {
                    last = None;
                }
                i += 1;
            }
            Class::Quote => match skip_quoted(src, i) {
                Some((end, literal)) => {
                    if literal {
                        (last, dot) = (None, false);
                    }
                    i = end.max(i + 1);
                }
                None => {
                    (last, dot) = (None, false);
                    i += 1;
                }
            },
            // (Stepped over by `next_event`: never met.)
            Class::Space | Class::Other => {
                (last, dot) = (None, false);
                i += 1;
            }
        }
    }
}

/// A text's bytes by [`Class`] as bit masks over a 64-byte block, for stepping over runs
/// with a bit scan: spaces, word bytes (letters, digits, `_`, bytes >= 0x80), and the
/// bytes [`any_ident`] must look at one by one (words' and numbers' first bytes, `.`,
/// quotes and `/`). The block starts where it was last needed; past the text's end every
/// byte is an event.
struct Runs<'a> {
    src: &'a [u8],
    base: usize,
    space: u64,
    word: u64,
    /// Neither space, word, `.` nor a quote or `/`: [`Class::Other`].
    other: u64,
}

impl<'a> Runs<'a> {
    fn new(src: &'a [u8]) -> Runs<'a> {
        Runs {
            src,
            base: usize::MAX,
            space: 0,
            word: 0,
            other: 0,
        }
    }

    /// The first byte at or after `i` that is no space (the text's length if none).
    #[inline]
    fn past_spaces(&mut self, i: usize) -> usize {
        self.run_end(i, |r| r.space)
    }

    /// The first byte at or after `i` that is no word byte (the text's length if none).
    #[inline]
    fn word_end(&mut self, i: usize) -> usize {
        self.run_end(i, |r| r.word)
    }

    /// The first byte at or after `i` that is neither a space nor an other byte (the
    /// text's length if none), and whether an other byte came before it.
    #[inline]
    fn next_event(&mut self, mut i: usize) -> (usize, bool) {
        let len = self.src.len();
        let mut other = false;
        loop {
            if i >= len {
                return (len, other);
            }
            self.cover(i);
            let off = i - self.base;
            let skip = (self.space | self.other) >> off;
            let n = (!skip).trailing_zeros() as usize;
            if n < 64 - off {
                // Bits `0..n` of `skip`: the skipped bytes.
                let below = if n == 0 { 0 } else { u64::MAX >> (64 - n) };
                other |= (self.other >> off) & below != 0;
                return ((i + n).min(len), other);
            }
            other |= self.other >> off != 0;
            i = self.base + 64;
        }
    }

    #[inline]
    fn run_end(&mut self, mut i: usize, mask: impl Fn(&Self) -> u64) -> usize {
        let len = self.src.len();
        loop {
            if i >= len {
                return len;
            }
            self.cover(i);
            let off = i - self.base;
            let rest = !mask(self) >> off;
            if rest != 0 {
                return (i + rest.trailing_zeros() as usize).min(len);
            }
            i = self.base + 64;
        }
    }

    /// Have the block hold `i`.
    #[inline]
    fn cover(&mut self, i: usize) {
        if !(self.base <= i && i - self.base < 64) {
            self.load(i);
        }
    }

    fn load(&mut self, base: usize) {
        let src = self.src;
        self.base = base;
        let (space, word, event) = match src.get(base..base + 64) {
            Some(block) => block_classes(block),
            None => {
                // The last bytes: padded with `.`, an event.
                let mut block = [b'.'; 64];
                block[..src.len() - base].copy_from_slice(&src[base..]);
                block_classes(&block)
            }
        };
        (self.space, self.word) = (space, word);
        self.other = !(space | word | event);
    }
}

/// Bit `k` of each mask: whether `block[k]` is a space, a word byte, a `.`, quote or `/`.
#[cfg(target_arch = "x86_64")]
fn block_classes(block: &[u8]) -> (u64, u64, u64) {
    use std::arch::x86_64::*;
    debug_assert_eq!(block.len(), 64);
    let (mut space, mut word, mut event) = (0u64, 0u64, 0u64);
    for k in 0..4 {
        // SAFETY: SSE2 is part of x86_64; each load reads 16 of the block's 64 bytes,
        // unaligned.
        unsafe {
            let v = _mm_loadu_si128(block.as_ptr().add(16 * k).cast());
            let eq = |b: u8| _mm_cmpeq_epi8(v, _mm_set1_epi8(b as i8));
            // `lo <= b <= hi`, unsigned, for ASCII ranges: shifted to signed bytes.
            let within = |x: __m128i, lo: u8, hi: u8| {
                let shifted = _mm_sub_epi8(x, _mm_set1_epi8(lo.wrapping_add(0x80) as i8));
                _mm_cmplt_epi8(shifted, _mm_set1_epi8(((hi - lo) as i8).wrapping_add(-127)))
            };
            let spaces = _mm_or_si128(
                _mm_or_si128(eq(b' '), eq(b'\n')),
                _mm_or_si128(_mm_or_si128(eq(b'\t'), eq(b'\r')), eq(0x0C)),
            );
            let folded = _mm_or_si128(v, _mm_set1_epi8(0x20));
            let words = _mm_or_si128(
                _mm_or_si128(within(folded, b'a', b'z'), within(v, b'0', b'9')),
                // Bytes >= 0x80 have their sign bit set: negative as signed bytes.
                _mm_or_si128(eq(b'_'), _mm_cmplt_epi8(v, _mm_setzero_si128())),
            );
            let events = _mm_or_si128(
                _mm_or_si128(eq(b'.'), eq(b'/')),
                _mm_or_si128(_mm_or_si128(eq(b'"'), eq(b'`')), eq(b'\'')),
            );
            space |= (_mm_movemask_epi8(spaces) as u16 as u64) << (16 * k);
            word |= (_mm_movemask_epi8(words) as u16 as u64) << (16 * k);
            event |= (_mm_movemask_epi8(events) as u16 as u64) << (16 * k);
        }
    }
    (space, word, event)
}

#[cfg(not(target_arch = "x86_64"))]
fn block_classes(block: &[u8]) -> (u64, u64, u64) {
    let mut masks = (0, 0, 0);
    for (k, &b) in block.iter().enumerate() {
        match CLASS[b as usize] {
            Class::Space => masks.0 |= 1 << k,
            Class::Ident | Class::Digit => masks.1 |= 1 << k,
            Class::Dot | Class::Quote => masks.2 |= 1 << k,
            Class::Other => {}
        }
    }
    masks
}

/// Whether `pred` holds for the body (between the quotes, escapes untouched) of a string
/// literal a value may be compared with: a superset of those [`super::for_each_string`]
/// gives a role that [`super::StringRole::compared`] accepts (after `==` or `!=`, before
/// `:`, `==` or `!=` with only `)` between, or in a `case` list). A body that is not
/// UTF-8 counts as a hit. Stops at the first.
pub fn any_compared_string(src: &[u8], mut pred: impl FnMut(&str) -> bool) -> bool {
    let mut i = 0;
    let mut depth = 0usize;
    let mut case_at: Option<usize> = None;
    // The last two code bytes (an identifier or number counts as `a`).
    let mut prev = [0u8; 2];
    while i < src.len() {
        let b = src[i];
        match CLASS[b as usize] {
            Class::Space => i += 1,
            Class::Ident | Class::Digit => {
                let start = i;
                i = word_end(src, i);
                if &src[start..i] == b"case" {
                    case_at = Some(depth);
                }
                prev = [prev[1], b'a'];
            }
            Class::Quote => match skip_quoted(src, i) {
                Some((end, true)) if b != b'\'' => {
                    let compared = case_at == Some(depth)
                        || matches!(prev, [b'=' | b'!', b'='])
                        || compared_after(src, end);
                    if compared {
                        let body = &src[i + 1..end];
                        let body = body.strip_suffix(&[b]).unwrap_or(body);
                        if std::str::from_utf8(body).map_or(true, &mut pred) {
                            return true;
                        }
                    }
                    prev = [prev[1], b'"'];
                    i = end.max(i + 1);
                }
                Some((end, literal)) => {
                    if literal {
                        prev = [prev[1], b'\''];
                    }
                    i = end.max(i + 1);
                }
                None => {
                    prev = [prev[1], b];
                    i += 1;
                }
            },
            Class::Dot | Class::Other => {
                match b {
                    b'(' | b'[' | b'{' => depth += 1,
                    b')' | b']' | b'}' => depth = depth.saturating_sub(1),
                    b':' if case_at == Some(depth) => case_at = None,
                    _ => {}
                }
                // `== ("x")` compares too: a `(` keeps what came before it.
                if b != b'(' {
                    prev = [prev[1], b];
                }
                i += 1;
            }
        }
    }
    false
}

/// Whether the code after a literal ending at `i` (spaces, comments and `)` aside) starts
/// with `:`, `==` or `!=`.
fn compared_after(src: &[u8], mut i: usize) -> bool {
    loop {
        i = first_code(src, i);
        match src.get(i) {
            Some(b')') => i += 1,
            Some(b':') => return true,
            Some(b'=' | b'!') => return src.get(i + 1) == Some(&b'='),
            _ => return false,
        }
    }
}

/// Calls `f` for every identifier between a `const` and the end of its spec (its `=`, or
/// the line's end) or of its group (the `)` closing `const (`), not selected after a `.`:
/// a superset of the names [`super::const_decls`] finds (a `const` in a comment or a
/// string starts a spec too). Stops when `f` returns true; whether it did.
pub fn any_const_name<'a>(src: &'a [u8], mut f: impl FnMut(&'a str) -> bool) -> bool {
    let text = super::utf8(src);
    let in_word = |i: usize| matches!(CLASS[src[i] as usize], Class::Ident | Class::Digit);
    for at in memchr::memmem::find_iter(src, b"const") {
        let mut i = at + "const".len();
        if (at > 0 && in_word(at - 1)) || (i < src.len() && in_word(i)) {
            continue;
        }
        let mut group: Option<usize> = None;
        let mut dot = false;
        while i < src.len() {
            let b = src[i];
            match CLASS[b as usize] {
                Class::Space if b == b'\n' && group.is_none() => break,
                Class::Space => i += 1,
                Class::Ident => {
                    let start = i;
                    i = word_end(src, i);
                    if let Some(name) = word(src, text, start, i).filter(|_| !dot) {
                        if f(name) {
                            return true;
                        }
                    }
                    dot = false;
                }
                Class::Digit => {
                    i = word_end(src, i);
                    dot = false;
                }
                Class::Dot => {
                    dot = true;
                    i += 1;
                }
                Class::Quote => match skip_quoted(src, i) {
                    Some((end, _)) => i = end.max(i + 1),
                    None => i += 1,
                },
                Class::Other => {
                    dot = false;
                    match (b, group.as_mut()) {
                        (b'(', None) if i == first_code(src, at + "const".len()) => group = Some(1),
                        (b'(', Some(depth)) => *depth += 1,
                        (b')', Some(depth)) => {
                            *depth -= 1;
                            if *depth == 0 {
                                break;
                            }
                        }
                        (b'=' | b';', None) => break,
                        _ => {}
                    }
                    i += 1;
                }
            }
        }
    }
    false
}

/// The first byte at or after `i` that is neither a space nor in a comment.
fn first_code(src: &[u8], mut i: usize) -> usize {
    while i < src.len() {
        match src[i] {
            b if CLASS[b as usize] == Class::Space => i += 1,
            b'/' => match skip_quoted(src, i) {
                Some((end, _)) => i = end.max(i + 1),
                None => return i,
            },
            _ => return i,
        }
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexer;
    use std::collections::HashSet;
    use std::path::Path;

    /// What the token passes report that the skim misses: identifiers at their offsets,
    /// selected names, selectors `q.name`; empty when it holds them all.
    fn misses(src: &[u8]) -> Vec<String> {
        let mut skimmed: HashSet<(bool, Option<String>, String, usize)> = HashSet::new();
        any_ident(src, |id| {
            skimmed.insert((
                id.selected,
                id.qualifier.map(str::to_string),
                id.name.to_string(),
                id.at,
            ));
            false
        });
        let names: HashSet<(&str, usize)> = skimmed.iter().map(|x| (x.2.as_str(), x.3)).collect();
        let selected: HashSet<(&str, usize)> = skimmed
            .iter()
            .filter(|x| x.0)
            .map(|x| (x.2.as_str(), x.3))
            .collect();
        let mut out = Vec::new();
        lexer::for_each_ident(src, |n, at| {
            if !names.contains(&(n, at)) {
                out.push(format!("ident {n} at {at}"));
            }
        });
        lexer::for_each_selected(src, |n, at| {
            if !selected.contains(&(n, at)) {
                out.push(format!("selected {n} at {at}"));
            }
        });
        // A selector's offset is its qualifier's; the skim's qualified entry is its name's.
        let by_qualifier: HashSet<(String, String)> = skimmed
            .iter()
            .filter_map(|x| Some((x.1.clone()?, x.2.clone())))
            .collect();
        lexer::for_each_selector(src, |q, n, at| {
            if !by_qualifier.contains(&(q.to_string(), n.to_string())) {
                out.push(format!("selector {q}.{n} at {at}"));
            }
        });
        out
    }

    #[test]
    fn skims_hold_what_the_token_passes_find() {
        let src = r#"package p
import ( "syscall"; u "golang.org/x/sys/unix" )
// unix.SYS_FAKE in a comment, "not a string"
/* syscall.Ispeed */ var r = '"'
var s = "http://x/*y" + `raw "q" // not a comment`; var t = u.SYS_READ
func f(x *syscall.Termios) { _ = x.Ispeed; _ = x. /* c */ Ospeed; _ = syscall.
	SYS_IOCTL; _ = 1.e5; _ = x...; _ = "esc\"aped"; _ = 'x'; y := 'é'; héllo.wörld() }
"unterminated
var z = syscall.Stat_t{}
"#
        .as_bytes();
        assert_eq!(misses(src), Vec::<String>::new());
        let mut found = Vec::new();
        any_ident(src, |id| {
            if id.qualifier.is_some() || id.selected {
                found.push((id.qualifier, id.name));
            }
            false
        });
        for want in [
            (Some("u"), "SYS_READ"),
            (Some("x"), "Ispeed"),
            (Some("x"), "Ospeed"),
            (Some("syscall"), "SYS_IOCTL"),
            (Some("syscall"), "Stat_t"),
            (Some("héllo"), "wörld"),
        ] {
            assert!(found.contains(&want), "{want:?} in {found:?}");
        }
        // Comments and literals hide their words.
        assert!(!any_ident(src, |id| id.name == "SYS_FAKE" || id.name == "raw"));
    }

    /// The byte-at-a-time form of [`any_ident`], which the block-stepping one must equal.
    fn any_ident_bytewise<'a>(src: &'a [u8], mut f: impl FnMut(Ident<'a>) -> bool) -> bool {
        let text = std::str::from_utf8(src).ok();
        let mut i = 0;
        let mut last: Option<&'a str> = None;
        let mut dot = false;
        while i < src.len() {
            match CLASS[src[i] as usize] {
                Class::Space => i += 1,
                Class::Ident => {
                    let start = i;
                    i = word_end(src, i + 1);
                    let Some(name) = word(src, text, start, i) else {
                        (last, dot) = (None, false);
                        continue;
                    };
                    let next = src[i..]
                        .iter()
                        .copied()
                        .find(|&b| CLASS[b as usize] != Class::Space)
                        .unwrap_or(0);
                    let id = Ident {
                        name,
                        at: start,
                        selected: dot,
                        qualifier: last.filter(|_| dot),
                        next,
                    };
                    if f(id) {
                        return true;
                    }
                    (last, dot) = (Some(name), false);
                }
                Class::Digit => {
                    i = word_end(src, i);
                    (last, dot) = (None, false);
                }
                Class::Dot => {
                    dot = !dot && src.get(i + 1) != Some(&b'.');
                    if !dot {
                        last = None;
                    }
                    i += 1;
                }
                Class::Quote => match skip_quoted(src, i) {
                    Some((end, literal)) => {
                        if literal {
                            (last, dot) = (None, false);
                        }
                        i = end.max(i + 1);
                    }
                    None => {
                        (last, dot) = (None, false);
                        i += 1;
                    }
                },
                Class::Other => {
                    (last, dot) = (None, false);
                    i += 1;
                }
            }
        }
        false
    }

    /// A skim: [`any_ident`] or its byte-at-a-time form.
    type Skim = dyn Fn(&[u8], &mut dyn FnMut(Ident<'_>) -> bool) -> bool;

    fn idents(src: &[u8], skim: &Skim) -> Vec<String> {
        let mut out = Vec::new();
        skim(src, &mut |id| {
            out.push(format!("{id:?}"));
            false
        });
        out
    }

    /// Every byte value in every position of a 64-byte block, texts ending inside a word,
    /// a space run or a block, and real Go: the same identifiers, in order, as byte by
    /// byte, skimmed or replayed; and the same answer when `f` stops early.
    #[test]
    fn block_steps_equal_byte_steps() {
        let fast = |s: &[u8], f: &mut dyn FnMut(Ident<'_>) -> bool| any_ident(s, f);
        let slow = |s: &[u8], f: &mut dyn FnMut(Ident<'_>) -> bool| any_ident_bytewise(s, f);
        // In a token-cache scope: the first skim (stopping at once) meets every
        // identifier, the second replays them.
        let replayed = |s: &[u8], f: &mut dyn FnMut(Ident<'_>) -> bool| {
            let _scope = lexer::cache_tokens();
            let held = std::sync::Arc::new(s.to_vec());
            lexer::offer_source(&held);
            any_ident(&held, |_| true);
            let met = lexer::CACHE.with(|c| c.borrow().idents.as_ref().map(Vec::len));
            assert!(met.is_some(), "the first skim kept what it met");
            any_ident(&held, f)
        };
        let mut texts: Vec<Vec<u8>> = Vec::new();
        let base = "x.y \tq. /*c*/ Z_9 1.e5 a...b \"s\" `r` 'c' // d\n\u{e9}t\u{e9}.k(".as_bytes();
        for b in 0..=255u8 {
            for at in [0, 1, 15, 16, 31, 63, 64, 65] {
                let mut t = base.repeat(3);
                t.truncate(at.max(1) + 70);
                t.insert(at.min(t.len()), b);
                texts.push(t);
            }
        }
        // Runs that cross block ends and end the text.
        for n in [1, 62, 63, 64, 65, 127, 128, 129] {
            texts.push([b"a.".as_slice(), &vec![b' '; n], b"b"].concat());
            texts.push([b"a.".as_slice(), &vec![b'w'; n]].concat());
            texts.push(vec![b'\t'; n]);
            texts.push([vec![b'9'; n], b".x".to_vec()].concat());
        }
        let mut go = Vec::new();
        lexer::tests::go_files(Path::new("/usr/lib/go-1.19/src"), 500, &mut go);
        assert!(go.len() >= 400, "Go's sources are installed (.ci/run)");
        texts.extend(go.iter().map(|f| std::fs::read(f).unwrap()));
        for t in &texts {
            assert_eq!(
                idents(t, &fast),
                idents(t, &slow),
                "{:?}",
                String::from_utf8_lossy(t)
            );
            assert_eq!(
                idents(t, &replayed),
                idents(t, &slow),
                "{:?}",
                String::from_utf8_lossy(t)
            );
            // Stopping at the third identifier.
            let stop = |skim: &Skim| {
                let mut n = 0;
                let mut at = None;
                let hit = skim(t, &mut |id| {
                    n += 1;
                    at = Some(id.at);
                    n == 3
                });
                (hit, at)
            };
            assert_eq!(stop(&fast), stop(&slow));
            assert_eq!(stop(&replayed), stop(&slow));
        }
    }

    /// Every name `const_decls` finds, at any depth, is one `any_const_name` meets.
    fn const_misses(src: &[u8]) -> Vec<String> {
        let mut names: HashSet<&str> = HashSet::new();
        any_const_name(src, |n| {
            names.insert(n);
            false
        });
        lexer::const_decls(src)
            .into_iter()
            .filter(|d| !names.contains(d.name.as_str()))
            .map(|d| d.name)
            .collect()
    }

    #[test]
    fn const_names_hold_every_declared_constant() {
        let src = br#"package p
const A = 1
const B, C = unix.EINVAL, 2 // const D
const ( // group
	E = iota; F
	G /* c ) */ = len("x)")
	H = (1 +
		2)
)
const	(
	I int = 3
)
func f() { const J = 'x'; const ( K = 1 ) }
"#;
        assert_eq!(const_misses(src), Vec::<String>::new());
        let mut names = Vec::new();
        any_const_name(src, |n| {
            names.push(n);
            false
        });
        for n in ["A", "B", "C", "E", "F", "G", "H", "I", "J", "K", "D"] {
            assert!(names.contains(&n), "{n} in {names:?}");
        }
        assert!(
            !names.contains(&"EINVAL"),
            "a selected name is no constant's"
        );
        assert!(!names.contains(&"f"), "specs end: {names:?}");
    }

    /// Every compared string literal `for_each_string` gives, `any_compared_string` meets.
    fn compared_misses(src: &[u8]) -> Vec<String> {
        let mut bodies: HashSet<String> = HashSet::new();
        any_compared_string(src, |b| {
            bodies.insert(b.to_string());
            false
        });
        let mut out = Vec::new();
        lexer::for_each_string(src, |b, at, role| {
            if role.compared() && !bodies.contains(b) {
                out.push(format!("{b:?} at {at}"));
            }
        });
        out
    }

    #[test]
    fn compared_strings_hold_every_compared_literal() {
        let src = br#"package p
func f(m map[string]int, x string) {
	if x == "a" || "b" != x || (x) == ("c") { }
	switch x { case "d", "e": case g(":"), "f": }
	_ = map[string]int{"k": 1, `raw`: 2}
	_ = m["idx"]; h("arg", "two"); _ = x[1:] + "tail" /* == "no" */
	if x == /* c */ "g" { }
}
"#;
        assert_eq!(compared_misses(src), Vec::<String>::new());
        let mut met = Vec::new();
        any_compared_string(src, |b| {
            met.push(b.to_string());
            false
        });
        for want in ["a", "b", "c", "d", "e", "f", "k", "raw", "g"] {
            assert!(met.contains(&want.to_string()), "{want} in {met:?}");
        }
        for not in ["idx", "arg", "two", "tail", "no"] {
            assert!(!met.contains(&not.to_string()), "{not} in {met:?}");
        }
    }

    /// Over real Go (Go's own sources: Debian's golang-go; the ignored test reads every
    /// installed file), the skims miss nothing the token passes find.
    #[test]
    fn skims_hold_the_token_passes_on_real_go() {
        let mut files = Vec::new();
        lexer::tests::go_files(Path::new("/usr/lib/go-1.19/src"), 2_000, &mut files);
        assert!(files.len() >= 1_000, "Go's sources are installed (.ci/run)");
        for f in files {
            let src = std::fs::read(&f).unwrap();
            assert_eq!(misses(&src), Vec::<String>::new(), "{}", f.display());
            assert_eq!(const_misses(&src), Vec::<String>::new(), "{}", f.display());
            assert_eq!(
                compared_misses(&src),
                Vec::<String>::new(),
                "{}",
                f.display()
            );
        }
    }

    #[test]
    #[ignore = "slow: every installed .go file (cargo test --release --lib skims -- --ignored)"]
    fn skims_hold_the_token_passes_on_all_installed_go() {
        let mut files = Vec::new();
        for dir in ["/usr/lib/go-1.19/src", "/usr/share/gocode/src"] {
            lexer::tests::go_files(Path::new(dir), usize::MAX, &mut files);
        }
        let mut bad = Vec::new();
        for f in &files {
            let Ok(src) = std::fs::read(f) else { continue };
            let mut m = misses(&src);
            m.extend(const_misses(&src));
            m.extend(compared_misses(&src));
            if !m.is_empty() {
                bad.push(format!("{}: {:?}", f.display(), &m[..m.len().min(3)]));
            }
        }
        assert!(
            bad.is_empty(),
            "{} files: {:?}",
            bad.len(),
            &bad[..bad.len().min(10)]
        );
    }
}
