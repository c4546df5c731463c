//! The edit that makes a file also build for more arches: the new constraint lines come from
//! [`crate::constraints::rewrite`]; this module finds the lines they replace (kept together,
//! BOM and CRLF kept) and checks by evaluation that only the wanted arches were added.

use crate::arch::ArchSet;
use crate::constraints::{evaluate, rewrite, BuildConfig};
use crate::finding::Edit;
use crate::header;

/// One edit to a file's header that makes it also build for `add` (on linux), leaving every
/// other arch as it was: the `//go:build` line extended, the `// +build` lines rewritten to
/// match it as gofmt does (a `//go:build` line is added when the file has only `// +build`
/// lines, as gofmt adds it). Err: why no such edit is possible.
pub fn extend_file(
    cfg: &BuildConfig,
    file_name: &str,
    src: &[u8],
    add: ArchSet,
) -> Result<Edit, String> {
    let new = rewrite::add_arches(cfg, file_name, src, add)?;
    let bom = if src.starts_with(b"\xef\xbb\xbf") {
        3
    } else {
        0
    };
    let body = &src[bom..];
    let h = header::scan(src);
    // The constraint lines must sit together, so one edit can replace them.
    let mut numbers: Vec<usize> = h
        .go_build
        .iter()
        .chain(h.plus_build.iter())
        .map(|l| l.line)
        .collect();
    numbers.sort_unstable();
    let (first, last) = (numbers[0], numbers[numbers.len() - 1]);
    if last - first + 1 != numbers.len() {
        return Err("the build constraint lines are not next to each other".into());
    }
    let starts = crate::syntax::tree::line_starts(body);
    let start = bom + starts[first - 1];
    let mut end = bom + starts.get(last).map_or(body.len(), |&s| s - 1);
    if end > start && src[end - 1] == b'\r' {
        end -= 1;
    }
    let crlf = src.get(end) == Some(&b'\r');
    let mut block = new.go_build;
    for l in &new.plus_build {
        block.push_str(if crlf { "\r\n" } else { "\n" });
        block.push_str(l);
    }
    let edit = Edit::replace(start, end, block);
    let mut new_src = src[..start].to_vec();
    new_src.extend_from_slice(edit.text.as_bytes());
    new_src.extend_from_slice(&src[end..]);
    let before = evaluate(cfg, file_name, src);
    let after = evaluate(cfg, file_name, &new_src);
    let want = before.arches.union(add);
    if after.arches != want || after.problems.len() > before.problems.len() {
        return Err(format!(
            "no extension of the constraint builds for exactly {want} (the result builds for {})",
            after.arches
        ));
    }
    Ok(edit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn extend(src: &str, name: &str, add: &str) -> Result<String, String> {
        let cfg = BuildConfig::default();
        let e = extend_file(
            &cfg,
            name,
            src.as_bytes(),
            ArchSet::parse_list(add).unwrap(),
        )?;
        let out = crate::edit::apply(src.as_bytes(), &[e]).unwrap();
        Ok(String::from_utf8(out).unwrap())
    }

    #[test]
    fn file_edits() {
        assert_eq!(
            extend(
                "//go:build linux && amd64\n\npackage p\n",
                "a.go",
                "mips64le"
            )
            .unwrap(),
            "//go:build linux && (amd64 || mips64le)\n\npackage p\n"
        );
        // CRLF and a BOM are kept; only the constraint lines change.
        assert_eq!(
            extend("\u{feff}// c\r\n// +build amd64\r\n\r\npackage p\r\n", "a_linux.go", "riscv64")
                .unwrap(),
            "\u{feff}// c\r\n//go:build amd64 || riscv64\r\n// +build amd64 riscv64\r\n\r\npackage p\r\n"
        );
        let e = extend("package p\n", "a_amd64.go", "mips64le").unwrap_err();
        assert!(e.contains("by its file name"), "{e}");
        let e = extend("package p\n", "a.go", "mips64le").unwrap_err();
        assert!(e.contains("no build constraint"), "{e}");
        let e = extend(
            "// +build amd64\n// other\n//go:build amd64\n\npackage p\n",
            "a.go",
            "mips64le",
        )
        .unwrap_err();
        assert!(e.contains("not next to each other"), "{e}");
        // `!mips64le` cannot be extended to mips64le by adding a term: refused by evaluation.
        let e = extend(
            "//go:build !mips64le && amd64\n\npackage p\n",
            "a.go",
            "mips64le",
        )
        .unwrap_err();
        assert!(e.contains("exactly"), "{e}");
    }
}
