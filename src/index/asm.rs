//! Go assembly (`.s`) files of the tree: the arches each builds for (its constraints and
//! `_GOARCH.s` suffix, evaluated as for Go files) and the Go functions its `TEXT` lines
//! define. A line scan, no assembler: it reads the forms Go code writes,
//!
//! - `TEXT ·crc(SB), NOSPLIT, $0-28` — a function of the package being built;
//! - `TEXT example.com∕x∕crc·crc(SB)` — qualified by an import path (`∕` is U+2215, the
//!   assembler's `/`); it counts for the package with that import path;
//! - `TEXT ·f<ABIInternal>(SB)`, `TEXT ·f+0(SB)` — an ABI or offset after the name;
//!
//! and skips `TEXT` lines of C-style symbols (`_rt0_amd64(SB)`: no `·`) and of
//! preprocessor macros whose name is pasted (`·name##suffix`).

use crate::arch::ArchSet;
use crate::syntax::tree::Span;

/// One `.s` file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AsmFile {
    /// Relative to the scanned root, `/` separated.
    pub rel: String,
    /// The directory (the package the go command assembles it with).
    pub dir: String,
    /// The arches it builds for under the judged cgo setting.
    pub arches: ArchSet,
    pub symbols: Vec<TextSymbol>,
    /// For a `.syso` object: the arches its ELF machine is for (empty when it is no ELF
    /// object abiport knows); `None` for a `.s` file.
    pub machine: Option<ArchSet>,
}

impl AsmFile {
    /// The arches where its symbols define Go functions: a `.syso` object only where its
    /// machine is the arch's.
    pub fn defines_on(&self) -> ArchSet {
        match self.machine {
            Some(m) => self.arches.intersect(m),
            None => self.arches,
        }
    }
}

/// The Go functions a `.syso` object defines: its defined global symbols named
/// `import/path.name` (what the linker looks up for a body-less `func name`).
pub fn object_symbols(names: impl IntoIterator<Item = String>) -> Vec<TextSymbol> {
    let mut out: Vec<TextSymbol> = names
        .into_iter()
        .filter_map(|full| {
            let (q, name) = full.rsplit_once('.')?;
            let ident = name
                .chars()
                .next()
                .is_some_and(|c| c == '_' || c.is_alphabetic())
                && name.chars().all(|c| c == '_' || c.is_alphanumeric());
            (ident && !q.is_empty()).then(|| TextSymbol {
                qualifier: Some(q.to_string()),
                name: name.to_string(),
                line: 0,
                span: Span {
                    start: 0,
                    end: 0,
                    line: 1,
                    column: 1,
                    end_line: 1,
                    end_column: 1,
                },
            })
        })
        .collect();
    out.sort_by(|a, b| (&a.qualifier, &a.name).cmp(&(&b.qualifier, &b.name)));
    out.dedup();
    out
}

/// A `TEXT` line that defines a Go function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TextSymbol {
    /// The import path before `·` (`/` restored); `None` for `·name`, the package itself.
    pub qualifier: Option<String>,
    pub name: String,
    /// 1-based.
    pub line: usize,
    /// `TEXT ·name(SB)` in the file.
    pub span: Span,
}

impl TextSymbol {
    /// Whether this defines `name` of the package with import path `import_path` (unknown
    /// for a package outside any module: then only `·name` counts, and a qualifier naming
    /// the package's directory).
    pub fn defines(&self, name: &str, import_path: Option<&str>, dir: &str) -> bool {
        if self.name != name {
            return false;
        }
        match (&self.qualifier, import_path) {
            (None, _) => true,
            (Some(q), Some(path)) => q == path,
            (Some(q), None) => dir == q || dir.ends_with(&format!("/{q}")),
        }
    }
}

/// A package-level Go function of a directory holding `.s` files: whether it has a body
/// decides what a `TEXT` line of the same name means (the implementation, or a duplicate).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoFunc {
    pub file: super::FileId,
    pub name: String,
    pub body: bool,
    /// 1-based line of the name.
    pub line: usize,
}

const MIDDLE_DOT: &str = "\u{b7}";
const DIVISION_SLASH: &str = "\u{2215}";

/// The Go functions `src` (a `.s` file) defines, in file order.
pub fn text_symbols(src: &[u8]) -> Vec<TextSymbol> {
    let text = match crate::lexer::utf8(src) {
        Some(t) => std::borrow::Cow::Borrowed(t),
        None => String::from_utf8_lossy(src),
    };
    let mut out = Vec::new();
    let mut line_start = 0;
    for (i, full) in text.split('\n').enumerate() {
        let this_start = line_start;
        line_start += full.len() + 1;
        let full = full.strip_suffix('\r').unwrap_or(full);
        let line = full.trim_start();
        let column = full.len() - line.len();
        let Some(rest) = line.strip_prefix("TEXT") else {
            continue;
        };
        if !rest.starts_with([' ', '\t']) {
            continue;
        }
        let rest = rest.trim_start();
        let Some(open) = rest.find("(SB)") else {
            continue;
        };
        let symbol = &rest[..open];
        // `name<>`: static to the file, never a Go function.
        if symbol.contains("<>") {
            continue;
        }
        // `name<ABIInternal>`, `name+0`.
        let symbol = symbol.split(['<', '+']).next().unwrap_or(symbol).trim();
        let Some(dot) = symbol.rfind(MIDDLE_DOT) else {
            continue;
        };
        let name = &symbol[dot + MIDDLE_DOT.len()..];
        let is_ident = |s: &str| {
            s.chars()
                .next()
                .is_some_and(|c| c == '_' || c.is_alphabetic())
                && s.chars().all(|c| c == '_' || c.is_alphanumeric())
        };
        if !is_ident(name) {
            continue;
        }
        let qualifier = &symbol[..dot];
        if qualifier.contains(['#', ' ', '\t']) {
            continue;
        }
        let len = line.len() - rest.len() + open + "(SB)".len();
        let start = this_start + column;
        out.push(TextSymbol {
            qualifier: (!qualifier.is_empty()).then(|| qualifier.replace(DIVISION_SLASH, "/")),
            name: name.to_string(),
            line: i + 1,
            span: Span {
                start,
                end: start + len,
                line: i + 1,
                column: column + 1,
                end_line: i + 1,
                end_column: column + len + 1,
            },
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(src: &str) -> Vec<(Option<String>, String, usize)> {
        text_symbols(src.as_bytes())
            .into_iter()
            .map(|s| (s.qualifier, s.name, s.line))
            .collect()
    }

    #[test]
    fn reads_the_forms_go_code_writes() {
        let src = "#include \"textflag.h\"\n\
                   \n\
                   // func crc(p []byte) uint32\n\
                   TEXT ·crc(SB),NOSPLIT,$0-28\n\
                   \tRET\n\
                   TEXT\t·update(SB), NOSPLIT, $0 // trailing\n\
                   TEXT example.com\u{2215}x\u{2215}crc·fold(SB),$0\n\
                   TEXT ·abi<ABIInternal>(SB),$0\n\
                   TEXT ·off+0(SB),$0\n\
                   TEXT ·local<>(SB),$0\n\
                   TEXT _rt0_amd64(SB),$0\n\
                   TEXTFLAG ·nope(SB)\n\
                   \tTEXT ·name##Suffix(SB), $0\n\
                   // TEXT ·commented(SB)\n";
        assert_eq!(
            names(src),
            vec![
                (None, "crc".into(), 4),
                (None, "update".into(), 6),
                (Some("example.com/x/crc".into()), "fold".into(), 7),
                (None, "abi".into(), 8),
                (None, "off".into(), 9),
            ]
        );
    }

    #[test]
    fn a_qualified_symbol_counts_for_its_package_only() {
        let own = &text_symbols("TEXT ·f(SB),$0\n".as_bytes())[0];
        assert!(own.defines("f", Some("example.com/a"), "a"));
        assert!(!own.defines("g", Some("example.com/a"), "a"));
        let q = &text_symbols("TEXT example.com\u{2215}a·f(SB),$0\n".as_bytes())[0];
        assert!(q.defines("f", Some("example.com/a"), "a"));
        assert!(!q.defines("f", Some("example.com/b"), "b"));
        let runtime = &text_symbols("TEXT runtime·f(SB),$0\n".as_bytes())[0];
        assert!(!runtime.defines("f", Some("example.com/a"), "a"));
    }
}
