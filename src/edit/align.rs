//! Alignment after an edit, as gofmt does it, so the fixed file stays gofmt-clean:
//!
//! - values of one-line `key: value,` elements of a composite literal: consecutive such
//!   lines (same indentation) have their values in one column, one space after the longest
//!   `key:` — an edited key (`"x86_64"` → `"amd64"`) realigns its section;
//! - trailing comments: consecutive lines (same indentation) that end in a `//` comment
//!   have their comments in one column, one space after the longest code — an edit that
//!   changes a line's length (a literal replaced by a named constant) realigns the block.

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

/// Realign the `key: value` sections and trailing-comment blocks of `new` (the text after
/// `edits`) that contain an edited line.
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
    let code = starts_in_code(&lines);
    // A comment block does not cross the bounds of a `key: value` section (gofmt's
    // formfeed ends both columns).
    let sections = align_pairs(&mut lines, &code, &mut touched);
    touched.sort_unstable();
    let mut done: Vec<usize> = Vec::new();
    for l in touched {
        if done.contains(&l)
            || l >= lines.len()
            || !code[l]
            || trailing_comment(&lines[l]).is_none()
        {
            continue;
        }
        let ind = indent(&lines[l]).to_string();
        let in_block = |k: usize| {
            code[k]
                && sections[k] == sections[l]
                && trailing_comment(&lines[k]).is_some()
                && indent(&lines[k]) == ind
        };
        let mut first = l;
        while first > 0 && in_block(first - 1) {
            first -= 1;
        }
        let mut last = l;
        while last + 1 < lines.len() && in_block(last + 1) {
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

/// A one-line `key: value,` element of a composite literal (optionally with a trailing
/// comment, or closing the literal: `key: value}`): where its key ends (the `:`) and where
/// its value starts. Not one: a `case x:` label, `v := x`, an element going on over the
/// next lines (`want: f(a,`). The flag says the line ends the run: it holds more elements
/// after this one (`Start: 0, Len: 0,`: gofmt aligns its first key with the lines before
/// and starts a new section after), or closes the literal (`key: v},`: the next line is
/// another literal's).
fn pair(line: &str) -> Option<(usize, usize, bool)> {
    let b = line.as_bytes();
    let code_end = trailing_comment(line).unwrap_or(line.len());
    let code = line[..code_end].trim_end().as_bytes();
    let start = indent(line).len();
    let mut i = start;
    let mut depth = 0usize;
    // The key: up to the first `:` outside brackets and quotes.
    while i < code.len() {
        match code[i] {
            q @ (b'"' | b'\'' | b'`') => {
                i = skip_quoted(code, i, q)?;
                continue;
            }
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth = depth.checked_sub(1)?,
            b':' if depth == 0 => break,
            b',' | b';' | b'/' if depth == 0 => return None,
            _ => {}
        }
        i += 1;
    }
    let key = &line[start..i];
    let keyword = |w: &str| key == w || key.starts_with(&format!("{w} "));
    if key.is_empty() || keyword("case") || keyword("default") {
        return None;
    }
    if b.get(i) != Some(&b':') {
        return None;
    }
    let key_end = i;
    let mut value = i + 1;
    while b.get(value) == Some(&b' ') {
        value += 1;
    }
    if value == key_end + 1 || value >= code.len() {
        return None; // `key:value` is not gofmt's, `default:` has no value
    }
    // The element ends at a comma or a closing bracket at depth 0, which must end the
    // line's code (a comma) or close the literal.
    let mut depth = 0usize;
    let mut j = value;
    while j < code.len() {
        match code[j] {
            q @ (b'"' | b'\'' | b'`') => {
                j = skip_quoted(code, j, q)?;
                continue;
            }
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                if depth == 0 {
                    return (j > value).then_some((key_end, value, true));
                }
                depth -= 1;
            }
            b',' if depth == 0 => return Some((key_end, value, j + 1 < code.len())),
            _ => {}
        }
        j += 1;
    }
    None
}

/// Per line: whether it starts in code, not inside a raw string or a `/* */` comment that
/// an earlier line opened (such lines are text, never aligned).
fn starts_in_code(lines: &[String]) -> Vec<bool> {
    let mut out = Vec::with_capacity(lines.len());
    let (mut raw, mut block) = (false, false);
    for line in lines {
        out.push(!raw && !block);
        let b = line.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if raw {
                raw = b[i] != b'`';
            } else if block {
                if b[i..].starts_with(b"*/") {
                    block = false;
                    i += 1;
                }
            } else {
                match b[i] {
                    b'`' => raw = true,
                    q @ (b'"' | b'\'') => match skip_quoted(b, i, q) {
                        Some(end) => {
                            i = end;
                            continue;
                        }
                        None => break,
                    },
                    b'/' if b.get(i + 1) == Some(&b'/') => break,
                    b'/' if b.get(i + 1) == Some(&b'*') => {
                        block = true;
                        i += 1;
                    }
                    _ => {}
                }
            }
            i += 1;
        }
    }
    out
}

/// The offset just past the quoted literal opening at `at` with quote `q`, on this line.
fn skip_quoted(code: &[u8], at: usize, q: u8) -> Option<usize> {
    let mut i = at + 1;
    loop {
        match *code.get(i)? {
            b'\\' if q != b'`' => i += 2,
            c if c == q => return Some(i + 1),
            _ => i += 1,
        }
    }
}

/// Realign the values of the `key: value` sections holding a touched line, and mark their
/// lines touched (their code changed width: the comment pass must see them). A section is
/// a run of consecutive pair lines of one indentation, cut as gofmt's `exprList` cuts it:
/// keys over 40 bytes (or after one) start a new section when their size is 2.5 times the
/// geometric mean of the sizes before them in the section (or under a 2.5th of it).
fn align_pairs(
    lines: &mut [String],
    code: &[bool],
    touched: &mut Vec<usize>,
) -> Vec<Option<(usize, usize)>> {
    let mut sections: Vec<Vec<(usize, usize, usize)>> = Vec::new();
    let mut run: Option<(String, f64, usize, usize)> = None; // indent, lnsum, count, prev size
    for (l, line) in lines.iter().enumerate() {
        let Some((key_end, value, ends_run)) = pair(line).filter(|_| code[l]) else {
            run = None;
            continue;
        };
        let ind = indent(line);
        let size = key_end - ind.len();
        let new_section = match &run {
            Some((i, lnsum, count, prev)) if i == ind => {
                if *count == 0 || (*prev <= 40 && size <= 40) {
                    false
                } else {
                    let ratio = size as f64 / (lnsum / *count as f64).exp();
                    2.5 * ratio <= 1.0 || 2.5 <= ratio
                }
            }
            _ => {
                run = Some((ind.to_string(), 0.0, 0, 0));
                true
            }
        };
        if new_section || sections.is_empty() {
            sections.push(Vec::new());
        }
        if let Some((_, lnsum, count, prev)) = &mut run {
            // gofmt's formfeed starts the geometric mean over.
            if new_section {
                (*lnsum, *count) = (0.0, 0);
            }
            *lnsum += (size as f64).ln();
            *count += 1;
            *prev = size;
        }
        if let Some(s) = sections.last_mut() {
            s.push((l, key_end, value));
        }
        if ends_run {
            run = None;
        }
    }
    let mut bounds = vec![None; lines.len()];
    for section in &sections {
        let span = (section[0].0, section[section.len() - 1].0);
        for &(l, _, _) in section {
            bounds[l] = Some(span);
        }
    }
    for section in sections {
        if !section.iter().any(|(l, _, _)| touched.contains(l)) {
            continue;
        }
        let key_width =
            |line: &str, key_end: usize| line[indent(line).len()..key_end].chars().count();
        let width = section
            .iter()
            .map(|&(l, k, _)| key_width(&lines[l], k))
            .max()
            .unwrap_or(0);
        for &(l, key_end, value) in &section {
            let pad = width - key_width(&lines[l], key_end) + 1;
            let line = &lines[l];
            let aligned = format!("{}:{}{}", &line[..key_end], " ".repeat(pad), &line[value..]);
            if aligned != *line {
                lines[l] = aligned;
            }
            if !touched.contains(&l) {
                touched.push(l);
            }
        }
    }
    bounds
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
    fn realigns_the_values_of_an_edited_key_section() {
        let old = "var m = map[string]string{\n\t\"x86_64\": \"a\", // c\n\t\"arm64\":  \"bb\",\n\n\t\"mips\": \"c\",\n}\n";
        let at = old.find("x86_64").unwrap();
        let e = Edit::replace(at, at + 6, "amd64");
        let new = String::from_utf8(
            crate::edit::apply(old.as_bytes(), std::slice::from_ref(&e)).unwrap(),
        )
        .unwrap();
        assert_eq!(
            realign(&new, &[e]),
            "var m = map[string]string{\n\t\"amd64\": \"a\", // c\n\t\"arm64\": \"bb\",\n\n\t\"mips\": \"c\",\n}\n"
        );
    }

    #[test]
    fn pairs_are_one_line_key_value_elements() {
        assert_eq!(pair("\t\"a\": 1,"), Some((4, 6, false)));
        assert_eq!(pair("\tunix.X:  f(a, b), // x"), Some((7, 10, false)));
        assert_eq!(pair("\t'a': \"x:y\","), Some((4, 6, false)));
        assert_eq!(pair("\tcase \"a\":"), None);
        assert_eq!(pair("\tdefault:"), None);
        assert_eq!(pair("\t\"a\": {"), None);
        assert_eq!(pair("\t{Name: \"x\"},"), None);
        assert_eq!(pair("\tx := f(a: 1,"), None);
        assert_eq!(pair("\tlong + \"\\r\\n\": v,"), Some((14, 16, false)));
        assert_eq!(pair("\t// http://x, y,"), None);
        assert_eq!(pair("\twant: f(a, 2,"), None);
        assert_eq!(pair("\tClass: 3, Type: 1,"), Some((6, 8, true)));
        assert_eq!(pair("\tAutoclear: true})"), Some((10, 12, true)));
        assert_eq!(pair("\tm: map[string]int{\"a,\": 1},"), Some((2, 4, false)));
    }

    #[test]
    fn raw_strings_and_block_comments_are_text() {
        let lines: Vec<String> = "a := `x\n\"k\": 1,\n` /* c\nd */ \"b\": 2,\ne"
            .split('\n')
            .map(String::from)
            .collect();
        assert_eq!(
            starts_in_code(&lines),
            vec![true, false, false, false, true]
        );
    }

    #[test]
    fn comments_in_strings_are_code() {
        assert_eq!(trailing_comment(r#"s := "a // b""#), None);
        assert_eq!(trailing_comment("x // y"), Some(2));
        assert_eq!(trailing_comment("// only"), None);
    }
}
