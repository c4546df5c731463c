//! A POSIX shell tokenizer for build files (not a rule): words with their byte spans,
//! control operators and newlines, comments dropped. It reads what a list of arches can
//! be written with — quotes, escapes, `$(…)`, `${…}` and backquotes inside words,
//! backslash-newline continuations — and nothing a list does not need (no expansion,
//! no here-documents: their bodies are read as commands, which at worst finds a list
//! there too).
//!
//! Crates were weighed: `shell-words` only splits one command line (no spans, no
//! operators), `conch-parser` is unmaintained since 2019 and builds a full AST without
//! source offsets for words; abiport needs spans to append to a list.

/// One token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tok {
    Word(Word),
    /// `;` `;;` `&` `&&` `|` `||` `(` `)` `<` `>`, at a byte offset.
    Op(&'static str, usize),
    /// A newline (not one escaped by a backslash), at a byte offset.
    Newline(usize),
}

/// A word: its bytes `start..end` in the file and its text with quotes removed and
/// escapes resolved (`$…` kept as written).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// The quote when the whole word is one quoted string (`"amd64 arm64"`).
    pub whole_quote: Option<char>,
    /// Whether any part of it was quoted or escaped.
    pub quoted: bool,
}

impl Tok {
    pub fn word(&self) -> Option<&Word> {
        match self {
            Tok::Word(w) => Some(w),
            _ => None,
        }
    }
    pub fn is_word(&self, text: &str) -> bool {
        self.word().is_some_and(|w| !w.quoted && w.text == text)
    }
    /// Whether it ends a simple command (`;`, `&`, `|`, `&&`, `||`, `;;`, `(`, `)`, a
    /// newline).
    pub fn ends_command(&self) -> bool {
        match self {
            Tok::Op(op, _) => !matches!(*op, "<" | ">"),
            Tok::Newline(_) => true,
            Tok::Word(_) => false,
        }
    }
}

/// Tokenize `src`, whose first byte is at `base` in the file.
pub fn tokenize(src: &str, base: usize) -> Vec<Tok> {
    let b = src.as_bytes();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b' ' | b'\t' | b'\r' => i += 1,
            b'\\' if b.get(i + 1) == Some(&b'\n') => i += 2,
            b'\n' => {
                toks.push(Tok::Newline(base + i));
                i += 1;
            }
            b'#' => {
                i = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |n| i + n);
            }
            b';' | b'&' | b'|' | b'(' | b')' | b'<' | b'>' => {
                let two = b.get(i + 1) == Some(&b[i]);
                let op = match (b[i], two) {
                    (b';', true) => ";;",
                    (b';', false) => ";",
                    (b'&', true) => "&&",
                    (b'&', false) => "&",
                    (b'|', true) => "||",
                    (b'|', false) => "|",
                    (b'(', _) => "(",
                    (b')', _) => ")",
                    (b'<', _) => "<",
                    _ => ">",
                };
                toks.push(Tok::Op(op, base + i));
                i += op.len();
            }
            _ => {
                let (word, next) = read_word(src, i, base);
                toks.push(Tok::Word(word));
                i = next;
            }
        }
    }
    toks
}

/// The word starting at `i`, and where it ends.
fn read_word(src: &str, start: usize, base: usize) -> (Word, usize) {
    let b = src.as_bytes();
    let mut text = String::new();
    let mut i = start;
    let mut quoted = false;
    let mut pieces = 0;
    let mut whole_quote = None;
    while i < b.len() {
        let c = b[i];
        match c {
            b' ' | b'\t' | b'\r' | b'\n' | b';' | b'&' | b'|' | b'(' | b')' | b'<' | b'>' => break,
            b'\\' => {
                if b.get(i + 1) == Some(&b'\n') {
                    i += 2;
                    continue;
                }
                quoted = true;
                pieces += 1;
                if let Some(ch) = src[i + 1..].chars().next() {
                    text.push(ch);
                    i += 1 + ch.len_utf8();
                } else {
                    i += 1;
                }
            }
            b'\'' => {
                quoted = true;
                pieces += 1;
                let close = src[i + 1..].find('\'').map_or(b.len(), |n| i + 1 + n);
                text.push_str(&src[i + 1..close]);
                if pieces == 1 {
                    whole_quote = Some('\'');
                }
                i = (close + 1).min(b.len());
            }
            b'"' => {
                quoted = true;
                pieces += 1;
                let mut j = i + 1;
                while j < b.len() && b[j] != b'"' {
                    if b[j] == b'\\' && j + 1 < b.len() {
                        j += 1;
                        if matches!(b[j], b'"' | b'\\' | b'$' | b'`') {
                            text.push(b[j] as char);
                            j += 1;
                            continue;
                        }
                        text.push('\\');
                        continue;
                    }
                    if b[j] == b'$' && matches!(b.get(j + 1), Some(b'(' | b'{')) {
                        let end = balanced(src, j + 1);
                        text.push_str(&src[j..end]);
                        j = end;
                        continue;
                    }
                    let ch = src[j..].chars().next().unwrap_or(' ');
                    text.push(ch);
                    j += ch.len_utf8();
                }
                if pieces == 1 {
                    whole_quote = Some('"');
                }
                i = (j + 1).min(b.len());
            }
            b'$' if matches!(b.get(i + 1), Some(b'(' | b'{')) => {
                pieces += 1;
                let end = balanced(src, i + 1);
                text.push_str(&src[i..end]);
                i = end;
            }
            b'`' => {
                pieces += 1;
                let close = src[i + 1..].find('`').map_or(b.len(), |n| i + 1 + n);
                text.push_str(&src[i..(close + 1).min(b.len())]);
                i = (close + 1).min(b.len());
            }
            _ => {
                pieces += 1;
                let ch = src[i..].chars().next().unwrap_or(' ');
                text.push(ch);
                i += ch.len_utf8();
                // Plain characters in a row count as one piece.
                while i < b.len()
                    && !matches!(
                        b[i],
                        b' ' | b'\t'
                            | b'\r'
                            | b'\n'
                            | b';'
                            | b'&'
                            | b'|'
                            | b'('
                            | b')'
                            | b'<'
                            | b'>'
                            | b'\\'
                            | b'\''
                            | b'"'
                            | b'$'
                            | b'`'
                    )
                {
                    let ch = src[i..].chars().next().unwrap_or(' ');
                    text.push(ch);
                    i += ch.len_utf8();
                }
            }
        }
    }
    if pieces != 1 {
        whole_quote = None;
    }
    (
        Word {
            start: base + start,
            end: base + i,
            text,
            whole_quote,
            quoted,
        },
        i.max(start + 1),
    )
}

/// The end of the bracketed group opening at `open` (`(` or `{`), past its closing
/// bracket; nested groups and quotes inside are skipped.
fn balanced(src: &str, open: usize) -> usize {
    let b = src.as_bytes();
    let (o, c) = if b[open] == b'(' {
        (b'(', b')')
    } else {
        (b'{', b'}')
    };
    let mut depth = 0;
    let mut i = open;
    while i < b.len() {
        match b[i] {
            x if x == o => depth += 1,
            x if x == c => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            b'\'' | b'"' => {
                let q = b[i] as char;
                i = src[i + 1..].find(q).map_or(b.len(), |n| i + 1 + n);
            }
            b'\\' => i += 1,
            _ => {}
        }
        i += 1;
    }
    b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(src: &str) -> Vec<String> {
        tokenize(src, 0)
            .iter()
            .map(|t| match t {
                Tok::Word(w) => w.text.clone(),
                Tok::Op(op, _) => format!("<{op}>"),
                Tok::Newline(_) => "<nl>".into(),
            })
            .collect()
    }

    #[test]
    fn words_operators_and_quotes() {
        assert_eq!(
            words("for a in amd64 \"arm64\" 'ppc 64'; do echo $(uname -m | tr a b) # x\ndone"),
            [
                "for",
                "a",
                "in",
                "amd64",
                "arm64",
                "ppc 64",
                "<;>",
                "do",
                "echo",
                "$(uname -m | tr a b)",
                "<nl>",
                "done"
            ]
        );
        assert_eq!(
            words("case $A in amd64|arm64) x;; *) y;; esac"),
            [
                "case", "$A", "in", "amd64", "<|>", "arm64", "<)>", "x", "<;;>", "*", "<)>", "y",
                "<;;>", "esac"
            ]
        );
        let t = tokenize("X=\"a b\" \\\n  y", 10);
        let w = t[0].word().unwrap();
        assert_eq!((w.start, w.end, w.text.as_str()), (10, 17, "X=a b"));
        assert_eq!(w.whole_quote, None);
        let q = tokenize("\"amd64 arm64\"", 0);
        assert_eq!(q[0].word().unwrap().whole_quote, Some('"'));
        assert_eq!(t[1].word().unwrap().text, "y");
    }
}
