//! Edits of composite literals shared by fix builders (not a rule): entries appended to
//! a map literal the way gofmt lays them out.

use crate::finding::Edit;
use crate::syntax::tree::FIELD;
use tree_sitter::Node;

/// Append `key: value` entries (source text) to a map literal: after the last entry on a
/// one-line literal, else one line each with the last entry's indentation and the values
/// aligned as gofmt aligns consecutive `key: value` lines (one space after the longest
/// `key:`). Refused for literals with comments, unkeyed elements or several entries on a
/// line.
pub fn append_map_entries(
    src: &[u8],
    lit: Node<'_>,
    entries: &[(String, String)],
) -> Result<Vec<Edit>, String> {
    let body = lit.child_by_field_id(FIELD.body).ok_or("no body")?;
    let mut c = body.walk();
    let children: Vec<Node<'_>> = body.named_children(&mut c).collect();
    let elements: Vec<Node<'_>> = children
        .iter()
        .copied()
        .filter(|e| e.kind() != "comment")
        .collect();
    if elements.iter().any(|e| e.kind() != "keyed_element") {
        return Err("the map literal has unkeyed elements".into());
    }
    // Trailing comments only (`"amd64": x, // why`, or after the `{`): gofmt realigns
    // those.
    let rows: Vec<usize> = elements.iter().map(|e| e.start_position().row).collect();
    let brace_row = body.start_position().row;
    if children.iter().any(|e| {
        let row = e.start_position().row;
        e.kind() == "comment" && row != brace_row && !rows.contains(&row)
    }) {
        return Err("the map literal has comments on lines of their own".into());
    }
    let last = elements.last().ok_or("the map literal is empty")?;
    if body.start_position().row == body.end_position().row {
        let more: String = entries.iter().map(|(k, v)| format!(", {k}: {v}")).collect();
        return Ok(vec![Edit::insert(last.end_byte(), more)]);
    }
    if rows.windows(2).any(|w| w[0] == w[1]) {
        return Err("the map literal has several entries on a line".into());
    }
    if elements
        .iter()
        .any(|e| e.start_position().row != e.end_position().row)
    {
        // gofmt aligns only runs of one-line entries; keep out of its way.
        return Err("the map literal has entries over several lines".into());
    }
    let key_len = |e: &Node<'_>| {
        e.child_by_field_id(FIELD.key)
            .map_or(0, |k| k.end_byte() - k.start_byte())
    };
    let width = elements
        .iter()
        .map(key_len)
        .chain(entries.iter().map(|(k, _)| k.len()))
        .max()
        .unwrap_or(0);
    let mut edits = Vec::new();
    for e in &elements {
        let (Some(k), Some(v)) = (
            e.child_by_field_id(FIELD.key),
            e.child_by_field_id(FIELD.value),
        ) else {
            return Err("a map entry has no key or value".into());
        };
        let gap = format!(":{}", " ".repeat(width - key_len(e) + 1));
        if &src[k.end_byte()..v.start_byte()] != gap.as_bytes() {
            edits.push(Edit::replace(k.end_byte(), v.start_byte(), gap));
        }
    }
    let indent = line_indent(src, last.start_byte());
    comma_after(src, last.end_byte()).ok_or("no comma after the last entry")?;
    // At the end of the last entry's line, after any trailing comment.
    let line_end = src[last.end_byte()..]
        .iter()
        .position(|b| *b == b'\n')
        .map_or(src.len(), |i| last.end_byte() + i);
    let lines: String = entries
        .iter()
        .map(|(k, v)| format!("\n{indent}{k}:{}{v},", " ".repeat(width - k.len() + 1)))
        .collect();
    edits.push(Edit::insert(line_end, lines));
    Ok(edits)
}

/// The offset just past the `,` that follows `at` (spaces between allowed).
pub fn comma_after(src: &[u8], at: usize) -> Option<usize> {
    let rest = &src[at..];
    let skip = rest
        .iter()
        .take_while(|b| **b == b' ' || **b == b'\t')
        .count();
    (rest.get(skip) == Some(&b',')).then_some(at + skip + 1)
}

/// The indentation of the line `at` is on.
pub fn line_indent(src: &[u8], at: usize) -> String {
    let start = src[..at]
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    String::from_utf8_lossy(&src[start..at])
        .chars()
        .take_while(|c| *c == '\t' || *c == ' ')
        .collect()
}
