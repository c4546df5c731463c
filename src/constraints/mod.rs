//! Go build constraints: which target arches a file builds for, and how to rewrite them.
//!
//! Evaluated as the go command (go/build) does for GOOS=linux and every GOARCH at once:
//! file-name suffixes, `//go:build` (or, without one, legacy `// +build` lines),
//! and `import "C"` when cgo is off. Only the header (comments, package clause, imports)
//! is read, as [`crate::header`] scans it. The one expression type is [`expr`] (parsed to
//! arch sets or to a tree); [`rewrite`] extends a file's constraint lines.
//!
//! Where the go command *refuses* a file (a `//go:build` syntax error, two `//go:build`
//! lines), abiport reports a problem and treats the file as building for no target, so
//! its declarations and references do not feed other findings.

pub mod expr;
pub mod file_name;
pub mod rewrite;
pub mod tags;

use crate::arch::ArchSet;
use crate::header::{self, Header};

/// Default `go1.N` release: matches the CLI's `--go` default.
pub const DEFAULT_GO_MINOR: u32 = 23;

/// cgo off or on: the build dimension beside GOARCH. A cross build runs without cgo; a
/// native build on the target (or under QEMU) runs with it, which is how most ports build.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Cgo {
    Off = 0,
    On = 1,
}

impl Cgo {
    pub const ALL: [Cgo; 2] = [Cgo::Off, Cgo::On];

    /// The go command's spelling: `CGO_ENABLED=0` or `CGO_ENABLED=1`.
    pub const fn name(self) -> &'static str {
        match self {
            Cgo::Off => "CGO_ENABLED=0",
            Cgo::On => "CGO_ENABLED=1",
        }
    }
}

/// A set of cgo settings as a bitset, like [`ArchSet`] for arches: which configurations a
/// scan judges, and which of them a finding breaks.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CgoSet(u8);

impl CgoSet {
    pub const EMPTY: CgoSet = CgoSet(0);
    pub const BOTH: CgoSet = CgoSet(0b11);

    pub const fn single(c: Cgo) -> CgoSet {
        CgoSet(1 << c as u8)
    }
    pub const fn contains(self, c: Cgo) -> bool {
        self.0 & (1 << c as u8) != 0
    }
    pub const fn union(self, o: CgoSet) -> CgoSet {
        CgoSet(self.0 | o.0)
    }
    pub const fn intersect(self, o: CgoSet) -> CgoSet {
        CgoSet(self.0 & o.0)
    }
    pub const fn minus(self, o: CgoSet) -> CgoSet {
        CgoSet(self.0 & !o.0)
    }
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }
    pub fn iter(self) -> impl Iterator<Item = Cgo> {
        Cgo::ALL.into_iter().filter(move |c| self.contains(*c))
    }
    /// `["CGO_ENABLED=0", "CGO_ENABLED=1"]`, in that order.
    pub fn names(self) -> Vec<&'static str> {
        self.iter().map(Cgo::name).collect()
    }
    /// `--cgo on|off|both`.
    pub fn parse(s: &str) -> Result<CgoSet, String> {
        match s.trim() {
            "on" => Ok(CgoSet::single(Cgo::On)),
            "off" => Ok(CgoSet::single(Cgo::Off)),
            "both" => Ok(CgoSet::BOTH),
            other => Err(format!(
                "invalid cgo setting `{other}` (expected on, off or both)"
            )),
        }
    }
}

impl std::fmt::Debug for CgoSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CgoSet[{}]", self.names().join(","))
    }
}

/// The build configuration constraints are evaluated under (GOOS is always linux).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildConfig {
    /// `cgo` tag true and `import "C"` files kept (off by default, as in a cross build).
    pub cgo: bool,
    /// Release tags `go1.1` … `go1.N` are true.
    pub go_minor: u32,
    /// User tags (`-tags`), true on every arch.
    pub tags: Vec<String>,
}

impl Default for BuildConfig {
    fn default() -> Self {
        BuildConfig {
            cgo: false,
            go_minor: DEFAULT_GO_MINOR,
            tags: Vec::new(),
        }
    }
}

impl BuildConfig {
    /// `"1.22"`, `"go1.22"`, `"1.22.3"`, `"1.22rc1"` → 22.
    pub fn parse_go_version(s: &str) -> Result<u32, String> {
        let bad = || format!("invalid Go version `{s}` (expected e.g. 1.22)");
        let v = s.trim();
        let v = v.strip_prefix("go").unwrap_or(v);
        let rest = v.strip_prefix("1.").ok_or_else(bad)?;
        let digits_end = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let (minor, tail) = rest.split_at(digits_end);
        let tail_ok = tail.is_empty()
            || tail
                .strip_prefix('.')
                .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
            || ["rc", "beta"].iter().any(|pre| {
                tail.strip_prefix(pre)
                    .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
            });
        if minor.is_empty() || !tail_ok {
            return Err(bad());
        }
        minor.parse().map_err(|_| bad())
    }
}

/// A constraint the go command rejects or silently ignores; reported, never fatal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConstraintProblem {
    /// 1-based line in the file.
    pub line: usize,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileConstraint {
    /// Targets (GOOS=linux, GOARCH=each) the file builds for; empty if none.
    pub arches: ArchSet,
    pub is_test: bool,
    pub problems: Vec<ConstraintProblem>,
}

/// Evaluate the build constraints of one `.go` file for every target at once.
/// `file_name` is the base name; `src` may be the whole file (only the header is read).
pub fn evaluate(cfg: &BuildConfig, file_name: &str, src: &[u8]) -> FileConstraint {
    evaluate_header(cfg, file_name, &header::scan(src))
}

/// [`evaluate`] for a file whose header is already scanned.
pub fn evaluate_header(cfg: &BuildConfig, file_name: &str, h: &Header<'_>) -> FileConstraint {
    let is_test = file_name::is_test_name(file_name);
    let mut result = FileConstraint {
        arches: ArchSet::EMPTY,
        is_test,
        problems: Vec::new(),
    };
    if file_name::is_ignored_name(file_name) {
        return result;
    }
    // The go command drops a file by its name before reading it, so a file that can't
    // build for linux reports no header problems either.
    let by_name = file_name::name_arches(cfg, file_name);
    if by_name.is_empty() {
        return result;
    }
    let by_header = header_arches(cfg, h, &mut result.problems);
    let mut arches = by_name.intersect(by_header);
    if !arches.is_empty() {
        if let Some(line) = h.import_c_line() {
            if !cfg.cgo {
                arches = ArchSet::EMPTY;
            } else if is_test {
                result.problems.push(ConstraintProblem {
                    line,
                    message: "`import \"C\"` in a test file; the go command rejects this file"
                        .into(),
                });
                arches = ArchSet::EMPTY;
            }
        }
    }
    result.arches = arches;
    result
}

/// The header constraint the go command honours, as written, for messages such as
/// "declared only under `// +build linux,amd64 linux,arm64`": the `//go:build` line, else the
/// honoured `// +build` lines joined with `; `. `None` when the header has none.
pub fn constraint_text(h: &Header<'_>) -> Option<String> {
    if let Some(first) = h.go_build.first() {
        return Some(format!("//go:build {}", text(first.text)));
    }
    if h.plus_build.is_empty() {
        return None;
    }
    let lines: Vec<String> = h
        .plus_build
        .iter()
        .map(|cl| format!("// +build {}", text(cl.text)))
        .collect();
    Some(lines.join("; "))
}

fn text(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(bytes)
}

/// The arches allowed by the header's `//go:build` or `// +build` lines.
fn header_arches(
    cfg: &BuildConfig,
    h: &Header<'_>,
    problems: &mut Vec<ConstraintProblem>,
) -> ArchSet {
    let mut plus = ArchSet::ALL;
    for cl in &h.plus_build {
        let r = expr::eval_plus_build(cfg, &text(cl.text));
        plus = plus.intersect(r.arches);
        if h.go_build.is_empty() {
            for term in r.bad_terms {
                let message = if term.is_empty() {
                    "empty `// +build` line; the go command reads it as `ignore`, so the file \
                     never builds"
                        .to_string()
                } else {
                    format!(
                        "`{term}` in `// +build` is not a valid build tag; the go command reads \
                         it as `ignore` (never true)"
                    )
                };
                problems.push(ConstraintProblem {
                    line: cl.line,
                    message,
                });
            }
        }
    }

    let Some(first) = h.go_build.first() else {
        for &line in &h.misplaced_plus_build {
            problems.push(ConstraintProblem {
                line,
                message: "`// +build` line is ignored by the go command: it must be followed by \
                          a blank line and come before the package clause"
                    .into(),
            });
        }
        return plus;
    };
    if let Some(second) = h.go_build.get(1) {
        problems.push(ConstraintProblem {
            line: second.line,
            message: format!(
                "multiple `//go:build` lines (first on line {}); the go command rejects this \
                 file, abiport treats it as building for no target",
                first.line
            ),
        });
        return ArchSet::EMPTY;
    }
    match expr::eval_go_build(cfg, &text(first.text)) {
        Ok(arches) => {
            if !h.plus_build.is_empty() && plus != arches {
                let differ = ArchSet::from_bits(plus.bits() ^ arches.bits());
                problems.push(ConstraintProblem {
                    line: h.plus_build[0].line,
                    message: format!(
                        "`// +build` lines disagree with `//go:build` on {differ}; the go \
                         command uses `//go:build` (run `gofmt` to resync)"
                    ),
                });
            }
            arches
        }
        Err(e) => {
            problems.push(ConstraintProblem {
                line: first.line,
                message: format!(
                    "invalid `//go:build` expression: {} (at column {}); the go command rejects \
                     this file, abiport treats it as building for no target",
                    e.kind,
                    first.column + e.offset
                ),
            });
            ArchSet::EMPTY
        }
    }
}

#[cfg(test)]
mod tests;
