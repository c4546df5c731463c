//! Text edits: applying a file's edits, and the gofmt alignment of trailing comments after
//! them (`align`). The fix builders' toolkit sits here, below the rules; the fix phase
//! that plans and applies whole fixes is `crate::fix`.

pub mod align;

use crate::finding::Edit;

/// Apply non-overlapping edits to a text, from the end so offsets stay valid.
/// Err when an edit is out of bounds or splits a UTF-8 character.
pub fn apply(src: &[u8], edits: &[Edit]) -> Result<Vec<u8>, String> {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|e| std::cmp::Reverse((e.start, e.end)));
    let text = std::str::from_utf8(src).ok();
    let mut out = src.to_vec();
    let mut below = src.len();
    for e in sorted {
        if e.start > e.end || e.end > src.len() {
            return Err(format!("edit {}..{} is outside the file", e.start, e.end));
        }
        if e.end > below {
            return Err(format!("edit {}..{} overlaps another edit", e.start, e.end));
        }
        below = e.start;
        if let Some(t) = text {
            if !t.is_char_boundary(e.start) || !t.is_char_boundary(e.end) {
                return Err(format!("edit {}..{} splits a character", e.start, e.end));
            }
        }
        out.splice(e.start..e.end, e.text.bytes());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applies_from_the_end() {
        let src = b"hello world";
        let out = apply(src, &[Edit::replace(0, 5, "bye"), Edit::insert(11, "!")]).unwrap();
        assert_eq!(out, b"bye world!");
        assert!(apply(src, &[Edit::replace(3, 20, "")]).is_err());
        assert!(apply("é".as_bytes(), &[Edit::insert(1, "x")]).is_err());
        assert!(apply(src, &[Edit::replace(0, 5, "a"), Edit::replace(3, 7, "b")]).is_err());
    }
}
