//! Trailing-comment alignment after an edit, as gofmt does it: consecutive lines (same
//! indentation) that end in a `//` comment have their comments in one column, one space
//! after the longest code. An edit that changes a line's length (a literal replaced by a
//! named constant) realigns the block it sits in, so the fixed file stays gofmt-clean.

use crate::finding::Edit;

/// Byte offset of a trailing `//` comment in `line`, when code precedes it.
fn trailing_comment(line: &str) -> Option<usize> {
    let b = line.as_bytes();
    let mut i = 0;
    let mut quote: Option<u8> = None;
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(q) => {
                if c == b'\\' && q != b'`' {
                    i += 1;
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                b'"' | b'\'' | b'`' => quote = Some(c),
                b'/' if b.get(i + 1) == Some(&b'/') => {
                    return (!line[..i].trim().is_empty()).then_some(i);
                }
                b'/' if b.get(i + 1) == Some(&b'*') => return None,
                _ => {}
            },
        }
        i += 1;
    }
    None
}

fn indent(line: &str) -> &str {
    &line[..line.len() - line.trim_start_matches(['\t', ' ']).len()]
}

/// The new-text byte ranges the edits produced.
fn new_ranges(edits: &[Edit]) -> Vec<(usize, usize)> {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| (e.start, e.end));
    let mut delta: isize = 0;
    let mut out = Vec::new();
    for e in sorted {
        let start = (e.start as isize + delta) as usize;
        out.push((start, start + e.text.len()));
        delta += e.text.len() as isize - (e.end - e.start) as isize;
    }
    out
}

/// Realign the trailing-comment blocks of `new` (the text after `edits`) that contain an
/// edited line.
pub fn realign(new: &str, edits: &[Edit]) -> String {
    let mut lines: Vec<String> = new.split('\n').map(String::from).collect();
    let mut starts = Vec::with_capacity(lines.len());
    let mut at = 0;
    for l in &lines {
        starts.push(at);
        at += l.len() + 1;
    }
    let line_of = |off: usize| match starts.binary_search(&off) {
        Ok(i) => i,
        Err(i) => i.saturating_sub(1),
    };
    let mut touched: Vec<usize> = Vec::new();
    for (s, e) in new_ranges(edits) {
        for l in line_of(s)..=line_of(e) {
            if !touched.contains(&l) {
                touched.push(l);
            }
        }
    }
    touched.sort_unstable();
    let mut done: Vec<usize> = Vec::new();
    for l in touched {
        if done.contains(&l) || l >= lines.len() || trailing_comment(&lines[l]).is_none() {
            continue;
        }
        let ind = indent(&lines[l]).to_string();
        let in_block = |s: &str| trailing_comment(s).is_some() && indent(s) == ind;
        let mut first = l;
        while first > 0 && in_block(&lines[first - 1]) {
            first -= 1;
        }
        let mut last = l;
        while last + 1 < lines.len() && in_block(&lines[last + 1]) {
            last += 1;
        }
        let parts: Vec<(String, String)> = (first..=last)
            .map(|i| {
                let at = trailing_comment(&lines[i]).unwrap_or(0);
                (
                    lines[i][..at].trim_end().to_string(),
                    lines[i][at..].to_string(),
                )
            })
            .collect();
        let width = parts
            .iter()
            .map(|(c, _)| c.chars().count())
            .max()
            .unwrap_or(0);
        for (k, (code, comment)) in parts.into_iter().enumerate() {
            let pad = width - code.chars().count() + 1;
            lines[first + k] = format!("{code}{}{comment}", " ".repeat(pad));
            done.push(first + k);
        }
    }
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn realigns_the_edited_block_only() {
        let old = "\tf(0x5413) // a\n\tg(fd, 3)  // b\n\n\tx := 1 // c\n";
        let at = old.find("0x5413").unwrap();
        let e = Edit::replace(at, at + 6, "unix.TIOCGWINSZ");
        let new = String::from_utf8(
            crate::edit::apply(old.as_bytes(), std::slice::from_ref(&e)).unwrap(),
        )
        .unwrap();
        assert_eq!(
            realign(&new, &[e]),
            "\tf(unix.TIOCGWINSZ) // a\n\tg(fd, 3)           // b\n\n\tx := 1 // c\n"
        );
    }

    #[test]
    fn comments_in_strings_are_code() {
        assert_eq!(trailing_comment(r#"s := "a // b""#), None);
        assert_eq!(trailing_comment("x // y"), Some(2));
        assert_eq!(trailing_comment("// only"), None);
    }
}
