//! A Groovy tokenizer for Jenkinsfiles (not a rule): string literals with their byte
//! spans, identifiers and punctuation, comments dropped. It reads what an arch list in a
//! pipeline is written with — `'amd64'`, `"arm64"`, `[…]`, `values 'a', 'b'` — and
//! nothing more: no slashy strings (a `/` is punctuation), no expressions.
//!
//! Crates were weighed: `jenkinsfile` (a pest grammar of declarative pipelines) and `jdp`
//! read declarative pipelines only and give no spans; `oak-groovy` is a full parser
//! framework at version 0.0.x. abiport needs the spans of string items to append to a list.

/// One token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GTok {
    /// A string literal: its bytes `start..end` with quotes, its text between them, the
    /// quote, and whether it is triple-quoted or interpolates (`"$x"`).
    Str {
        start: usize,
        end: usize,
        text: String,
        quote: char,
        plain: bool,
    },
    Ident(String, usize),
    /// Any other character that is not blank: `[`, `]`, `{`, `}`, `(`, `)`, `,`, `=`, `:`…
    Punct(char, usize),
}

impl GTok {
    pub fn is_ident(&self, name: &str) -> bool {
        matches!(self, GTok::Ident(n, _) if n == name)
    }
    pub fn is_punct(&self, c: char) -> bool {
        matches!(self, GTok::Punct(p, _) if *p == c)
    }
}

/// Tokenize a Groovy file.
pub fn tokenize(src: &str) -> Vec<GTok> {
    let b = src.as_bytes();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match c {
            _ if c.is_ascii_whitespace() => i += 1,
            b'/' if b.get(i + 1) == Some(&b'/') => {
                i = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |n| i + n);
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = memchr::memmem::find(&b[i + 2..], b"*/").map_or(b.len(), |n| i + 2 + n + 2);
            }
            b'\'' | b'"' => {
                let triple = b.get(i + 1) == Some(&c) && b.get(i + 2) == Some(&c);
                let (open, close) = if triple {
                    let delim = if c == b'\'' { "'''" } else { "\"\"\"" };
                    let close = src[i + 3..].find(delim).map_or(b.len(), |n| i + 3 + n);
                    (i + 3, close)
                } else {
                    let mut j = i + 1;
                    while j < b.len() && b[j] != c && b[j] != b'\n' {
                        j += if b[j] == b'\\' { 2 } else { 1 };
                    }
                    (i + 1, j.min(b.len()))
                };
                let end = (close + if triple { 3 } else { 1 }).min(b.len());
                let text = src[open..close].to_string();
                let interpolates = c == b'"' && text.contains('$');
                let plain = !(triple || interpolates || text.contains('\\'));
                toks.push(GTok::Str {
                    start: i,
                    end,
                    text,
                    quote: c as char,
                    plain,
                });
                i = end;
            }
            _ if c.is_ascii_alphabetic() || c == b'_' || c == b'$' => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || matches!(b[i], b'_' | b'$')) {
                    i += 1;
                }
                toks.push(GTok::Ident(src[start..i].to_string(), start));
            }
            _ => {
                let ch = src[i..].chars().next().unwrap_or(' ');
                toks.push(GTok::Punct(ch, i));
                i += ch.len_utf8();
            }
        }
    }
    toks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(src: &str) -> Vec<String> {
        tokenize(src)
            .iter()
            .map(|t| match t {
                GTok::Str {
                    text, plain: true, ..
                } => format!("'{text}'"),
                GTok::Str { text, .. } => format!("~{text}~"),
                GTok::Ident(n, _) => n.clone(),
                GTok::Punct(c, _) => c.to_string(),
            })
            .collect()
    }

    #[test]
    fn strings_lists_and_comments() {
        assert_eq!(
            shown("def a = ['amd64', \"arm64\"] // x\n/* 'no' */ values 'a',\n 'b'"),
            ["def", "a", "=", "[", "'amd64'", ",", "'arm64'", "]", "values", "'a'", ",", "'b'"]
        );
        assert_eq!(
            shown("sh \"\"\"make ${X}\"\"\"; echo \"$arch\" 'it\\'s'"),
            ["sh", "~make ${X}~", ";", "echo", "~$arch~", "~it\\'s~"]
        );
        let t = tokenize("x 'ppc64le'");
        assert!(matches!(
            &t[1],
            GTok::Str {
                start: 2,
                end: 11,
                quote: '\'',
                ..
            }
        ));
    }
}
