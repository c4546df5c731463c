//! Rewriting build constraints: a `//go:build` expression tree printed the way gofmt
//! prints it (go/build/constraint's `String`), `// +build` lines derived from it the way
//! gofmt derives them (`PlusBuildLines`), and the smallest extension that adds arches.

use crate::arch::{Arch, ArchSet};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expr {
    Tag(String),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
}

impl Expr {
    pub fn tag(s: &str) -> Expr {
        Expr::Tag(s.to_string())
    }
    pub fn and(a: Expr, b: Expr) -> Expr {
        Expr::And(Box::new(a), Box::new(b))
    }
    pub fn or(a: Expr, b: Expr) -> Expr {
        Expr::Or(Box::new(a), Box::new(b))
    }
}

impl std::fmt::Display for Expr {
    /// gofmt's form: `&&` operands that are `||` get parentheses and vice versa.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Expr::Tag(t) => f.write_str(t),
            Expr::Not(x) => match **x {
                Expr::And(..) | Expr::Or(..) => write!(f, "!({x})"),
                _ => write!(f, "!{x}"),
            },
            Expr::And(a, b) => {
                for (i, x) in [a, b].into_iter().enumerate() {
                    if i > 0 {
                        f.write_str(" && ")?;
                    }
                    match **x {
                        Expr::Or(..) => write!(f, "({x})")?,
                        _ => write!(f, "{x}")?,
                    }
                }
                Ok(())
            }
            Expr::Or(a, b) => {
                for (i, x) in [a, b].into_iter().enumerate() {
                    if i > 0 {
                        f.write_str(" || ")?;
                    }
                    match **x {
                        Expr::And(..) => write!(f, "({x})")?,
                        _ => write!(f, "{x}")?,
                    }
                }
                Ok(())
            }
        }
    }
}

/// Parse a `//go:build` expression (the text after the prefix). `None` on a syntax error.
pub fn parse_go_build(text: &str) -> Option<Expr> {
    let toks = tokenize(text)?;
    let mut p = P { toks, i: 0 };
    let e = p.or(0)?;
    (p.i == p.toks.len()).then_some(e)
}

/// Parse one `// +build` line's text: space = OR, comma = AND, `!` = NOT.
pub fn parse_plus_build(text: &str) -> Option<Expr> {
    let mut x: Option<Expr> = None;
    for clause in text.split_ascii_whitespace() {
        let mut y: Option<Expr> = None;
        for lit in clause.split(',') {
            let (neg, name) = match lit.strip_prefix('!') {
                Some(n) => (true, n),
                None => (false, lit),
            };
            if !is_tag(name) {
                return None;
            }
            let z = if neg {
                Expr::Not(Box::new(Expr::tag(name)))
            } else {
                Expr::tag(name)
            };
            y = Some(match y {
                None => z,
                Some(y) => Expr::and(y, z),
            });
        }
        let y = y?;
        x = Some(match x {
            None => y,
            Some(x) => Expr::or(x, y),
        });
    }
    x
}

fn is_tag(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    Tag(String),
    Not,
    And,
    Or,
    Open,
    Close,
}

fn tokenize(s: &str) -> Option<Vec<Tok>> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b' ' | b'\t' => i += 1,
            b'!' => {
                out.push(Tok::Not);
                i += 1;
            }
            b'(' => {
                out.push(Tok::Open);
                i += 1;
            }
            b')' => {
                out.push(Tok::Close);
                i += 1;
            }
            b'&' if b.get(i + 1) == Some(&b'&') => {
                out.push(Tok::And);
                i += 2;
            }
            b'|' if b.get(i + 1) == Some(&b'|') => {
                out.push(Tok::Or);
                i += 2;
            }
            _ => {
                let start = i;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'.')
                {
                    i += 1;
                }
                if i == start {
                    return None;
                }
                out.push(Tok::Tag(s[start..i].to_string()));
            }
        }
    }
    Some(out)
}

struct P {
    toks: Vec<Tok>,
    i: usize,
}

impl P {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.i)
    }
    fn or(&mut self, depth: usize) -> Option<Expr> {
        let mut x = self.and(depth)?;
        while self.peek() == Some(&Tok::Or) {
            self.i += 1;
            x = Expr::or(x, self.and(depth)?);
        }
        Some(x)
    }
    fn and(&mut self, depth: usize) -> Option<Expr> {
        let mut x = self.not(depth)?;
        while self.peek() == Some(&Tok::And) {
            self.i += 1;
            x = Expr::and(x, self.not(depth)?);
        }
        Some(x)
    }
    fn not(&mut self, depth: usize) -> Option<Expr> {
        if depth > 100 {
            return None;
        }
        match self.toks.get(self.i)?.clone() {
            Tok::Not => {
                self.i += 1;
                Some(Expr::Not(Box::new(self.not(depth + 1)?)))
            }
            Tok::Open => {
                self.i += 1;
                let x = self.or(depth + 1)?;
                if self.peek() != Some(&Tok::Close) {
                    return None;
                }
                self.i += 1;
                Some(x)
            }
            Tok::Tag(t) => {
                self.i += 1;
                Some(Expr::Tag(t))
            }
            _ => None,
        }
    }
}

fn push_not(x: &Expr, not: bool) -> Expr {
    match x {
        Expr::Not(y) => push_not(y, !not),
        Expr::And(a, b) if not => Expr::or(push_not(a, true), push_not(b, true)),
        Expr::Or(a, b) if not => Expr::and(push_not(a, true), push_not(b, true)),
        Expr::And(a, b) => Expr::and(push_not(a, false), push_not(b, false)),
        Expr::Or(a, b) => Expr::or(push_not(a, false), push_not(b, false)),
        Expr::Tag(_) if not => Expr::Not(Box::new(x.clone())),
        Expr::Tag(_) => x.clone(),
    }
}

fn split_and<'a>(x: &'a Expr, out: &mut Vec<&'a Expr>) {
    match x {
        Expr::And(a, b) => {
            split_and(a, out);
            split_and(b, out);
        }
        _ => out.push(x),
    }
}

fn split_or<'a>(x: &'a Expr, out: &mut Vec<&'a Expr>) {
    match x {
        Expr::Or(a, b) => {
            split_or(a, out);
            split_or(b, out);
        }
        _ => out.push(x),
    }
}

/// The `// +build` lines gofmt writes for a `//go:build` expression; `None` when the
/// expression is too complex for them (gofmt writes an error line then).
pub fn plus_build_lines(x: &Expr) -> Option<Vec<String>> {
    let x = push_not(x, false);
    let mut ands = Vec::new();
    split_and(&x, &mut ands);
    let mut split: Vec<Vec<Vec<String>>> = Vec::new();
    for or in ands {
        let mut ors = Vec::new();
        split_or(or, &mut ors);
        let mut clauses = Vec::new();
        for and in ors {
            let mut lits = Vec::new();
            split_and(and, &mut lits);
            let mut clause = Vec::new();
            for lit in lits {
                match lit {
                    Expr::Tag(_) | Expr::Not(_) => clause.push(lit.to_string()),
                    _ => return None,
                }
            }
            clauses.push(clause);
        }
        split.push(clauses);
    }
    if split.iter().all(|or| or.len() <= 1) {
        let lits: Vec<String> = split.into_iter().flatten().flatten().collect();
        split = vec![vec![lits]];
    }
    Some(
        split
            .into_iter()
            .map(|or| {
                let mut line = "// +build".to_string();
                for clause in or {
                    line.push(' ');
                    line.push_str(&clause.join(","));
                }
                line
            })
            .collect(),
    )
}

/// GOARCHes Go supports only on linux: a bare tag for them adds nothing on other systems.
fn linux_only(a: Arch) -> bool {
    matches!(
        a,
        Arch::Loong64 | Arch::Mips | Arch::Mipsle | Arch::Mips64le | Arch::Ppc64le | Arch::S390x
    )
}

/// A GOARCH tag, including those abiport has no tables for (`ppc`, `amd64p32`, …).
fn is_arch_tag(x: &Expr) -> bool {
    matches!(x, Expr::Tag(t) if crate::constraints::tags::is_known_arch(t))
}

/// The term that adds `a` on linux only: `a`, or `linux && a` when the rest of the
/// constraint does not already confine the file to linux and `a` exists elsewhere.
fn arch_term(a: Arch, linux_confined: bool) -> Expr {
    if linux_confined || linux_only(a) {
        Expr::tag(a.name())
    } else {
        Expr::and(Expr::tag("linux"), Expr::tag(a.name()))
    }
}

/// Extend a `//go:build` expression so that it also holds for `add` on linux, in the form
/// a person would write: into the arch group of `linux && (amd64 || arm64)`, at the end of
/// `amd64 || arm64`, else `… || linux && a`. The caller verifies the result by evaluation.
pub fn extend_go_build(x: &Expr, add: ArchSet, linux_by_name: bool) -> Expr {
    let mut ands = Vec::new();
    split_and(x, &mut ands);
    let confined = linux_by_name || ands.iter().any(|c| **c == Expr::tag("linux"));
    if ands.len() > 1 {
        // `linux && (amd64 || arm64)`: extend the one conjunct made of arch tags.
        let groups: Vec<usize> = ands
            .iter()
            .enumerate()
            .filter(|(_, c)| {
                let mut ors = Vec::new();
                split_or(c, &mut ors);
                ors.iter().all(|o| is_arch_tag(o))
            })
            .map(|(i, _)| i)
            .collect();
        if let [g] = groups[..] {
            let mut group = ands[g].clone();
            for a in add.iter() {
                group = Expr::or(group, arch_term(a, confined));
            }
            let mut parts: Vec<Expr> = ands.iter().map(|c| (*c).clone()).collect();
            parts[g] = group;
            let mut it = parts.into_iter();
            let first = it.next().unwrap_or_else(|| Expr::tag("linux"));
            return it.fold(first, Expr::and);
        }
    }
    // `(linux && amd64) || (linux && arm64)`: keep the style, `|| (linux && a)`.
    let mut ors = Vec::new();
    split_or(x, &mut ors);
    let all_linux = ors.iter().all(|o| {
        let mut lits = Vec::new();
        split_and(o, &mut lits);
        lits.len() > 1 && lits.iter().any(|l| **l == Expr::tag("linux"))
    });
    let mut out = x.clone();
    for a in add.iter() {
        let term = if all_linux {
            Expr::and(Expr::tag("linux"), Expr::tag(a.name()))
        } else {
            arch_term(a, confined)
        };
        out = Expr::or(out, term);
    }
    out
}

/// Extend `// +build` lines (ANDed; each an OR of comma-ANDed clauses) so that they also
/// hold for `add` on linux: each line false there gets one more clause (`linux,a` when the
/// line's clauses all name `linux`, else as [`arch_term`]). Returns the new line texts.
pub fn extend_plus_build(
    lines: &[String],
    add: ArchSet,
    linux_by_name: bool,
    holds: impl Fn(&str, Arch) -> bool,
) -> Vec<String> {
    let confined = linux_by_name || lines.iter().any(|l| l.trim() == "linux");
    lines
        .iter()
        .map(|line| {
            let mut line = line.trim().to_string();
            let all_linux = line
                .split_ascii_whitespace()
                .all(|c| c.split(',').any(|l| l == "linux"));
            for a in add.iter() {
                if holds(&line, a) {
                    continue;
                }
                let clause = if all_linux {
                    format!("linux,{}", a.name())
                } else {
                    match arch_term(a, confined) {
                        Expr::Tag(t) => t,
                        _ => format!("linux,{}", a.name()),
                    }
                };
                line.push(' ');
                line.push_str(&clause);
            }
            line
        })
        .collect()
}

/// The expression gofmt synthesises from `// +build` lines.
pub fn plus_lines_expr(lines: &[String]) -> Option<Expr> {
    let mut x: Option<Expr> = None;
    for l in lines {
        let y = parse_plus_build(l)?;
        x = Some(match x {
            None => y,
            Some(x) => Expr::and(x, y),
        });
    }
    x
}

/// The GOARCH a file name restricts the file to (`x_amd64.go`, `x_linux_arm64_test.go`).
pub fn name_arch(file_name: &str) -> Option<&str> {
    let stem = file_name.strip_suffix(".go")?;
    let stem = stem.strip_suffix("_test").unwrap_or(stem);
    let (_, last) = stem.rsplit_once('_')?;
    crate::constraints::tags::is_known_arch(last).then_some(last)
}

/// Whether the file name confines the file to linux (`x_linux.go`, `x_linux_amd64.go`).
pub fn name_is_linux(file_name: &str) -> bool {
    let stem = file_name.strip_suffix(".go").unwrap_or(file_name);
    let stem = stem.strip_suffix("_test").unwrap_or(stem);
    let parts: Vec<&str> = stem.split('_').collect();
    let n = parts.len();
    (n >= 2 && parts[n - 1] == "linux")
        || (n >= 3 && parts[n - 2] == "linux" && Arch::from_name(parts[n - 1]).is_some())
}

/// One edit to a file's header that makes it also build for `add` (on linux), leaving every
/// other arch as it was: the `//go:build` line extended, the `// +build` lines rewritten to
/// match it as gofmt does (a `//go:build` line is added when the file has only `// +build`
/// lines, as gofmt adds it). Err: why no such edit is possible.
pub fn extend_file(
    cfg: &crate::constraints::BuildConfig,
    file_name: &str,
    src: &[u8],
    add: ArchSet,
) -> Result<crate::finding::Edit, String> {
    use crate::constraints::{evaluate, header};
    if let Some(a) = name_arch(file_name) {
        return Err(format!(
            "`{file_name}` builds only for {a} by its file name; the target needs its own file, \
             not an edit"
        ));
    }
    let before = evaluate(cfg, file_name, src);
    let bom = if src.starts_with(b"\xef\xbb\xbf") {
        3
    } else {
        0
    };
    let body = &src[bom..];
    let h = header::scan(src);
    if h.go_build.len() > 1 {
        return Err("the file has several `//go:build` lines".into());
    }
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let linux_by_name = name_is_linux(file_name);
    let plus: Vec<String> = h.plus_build.iter().map(|l| text(l.text)).collect();
    let (expr, new_plus) = match h.go_build.first() {
        Some(g) => {
            let x = parse_go_build(&text(g.text))
                .ok_or_else(|| "the `//go:build` line does not parse".to_string())?;
            let y = extend_go_build(&x, add, linux_by_name);
            let lines = if plus.is_empty() {
                Vec::new()
            } else {
                plus_build_lines(&y).ok_or_else(|| {
                    "the extended `//go:build` expression is too complex for `// +build` lines"
                        .to_string()
                })?
            };
            (y, lines)
        }
        None if !plus.is_empty() => {
            let holds = |line: &str, a: Arch| {
                crate::constraints::expr::eval_plus_build(cfg, line)
                    .arches
                    .contains(a)
            };
            let lines = extend_plus_build(&plus, add, linux_by_name, holds);
            let y = plus_lines_expr(&lines)
                .ok_or_else(|| "a `// +build` line does not parse".to_string())?;
            let lines = plus_build_lines(&y)
                .unwrap_or_else(|| lines.iter().map(|l| format!("// +build {l}")).collect());
            (y, lines)
        }
        None => {
            let why = if header::import_c_line(src).is_some() && !cfg.cgo {
                "the file imports \"C\" and cross builds run without cgo".to_string()
            } else {
                "no build constraint line to extend".to_string()
            };
            return Err(why);
        }
    };
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
    let starts: Vec<usize> = std::iter::once(0)
        .chain(memchr::memchr_iter(b'\n', body).map(|i| i + 1))
        .collect();
    let start = bom + starts[first - 1];
    let mut end = bom + starts.get(last).map_or(body.len(), |&s| s - 1);
    if end > start && src[end - 1] == b'\r' {
        end -= 1;
    }
    let crlf = src.get(end) == Some(&b'\r');
    let mut block = format!("//go:build {expr}");
    for l in &new_plus {
        block.push_str(if crlf { "\r\n" } else { "\n" });
        block.push_str(l);
    }
    let edit = crate::finding::Edit::replace(start, end, block);
    let mut new_src = src[..start].to_vec();
    new_src.extend_from_slice(edit.text.as_bytes());
    new_src.extend_from_slice(&src[end..]);
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

    fn set(s: &str) -> ArchSet {
        ArchSet::parse_list(s).unwrap()
    }

    #[test]
    fn prints_like_gofmt() {
        let x = parse_go_build("linux && (amd64||arm64) || linux&&mips64le").unwrap();
        assert_eq!(
            x.to_string(),
            "(linux && (amd64 || arm64)) || (linux && mips64le)"
        );
        let x = parse_go_build("!(a && b) && (c)").unwrap();
        assert_eq!(x.to_string(), "!(a && b) && c");
        assert!(parse_go_build("a &&").is_none());
        assert!(parse_go_build("(a").is_none());
        assert!(parse_go_build("a b").is_none());
    }

    #[test]
    fn plus_build_lines_as_gofmt() {
        let x = parse_go_build("linux && (amd64 || arm64)").unwrap();
        assert_eq!(
            plus_build_lines(&x).unwrap(),
            vec!["// +build linux", "// +build amd64 arm64"]
        );
        let x = parse_go_build("linux && amd64 && !cgo").unwrap();
        assert_eq!(
            plus_build_lines(&x).unwrap(),
            vec!["// +build linux,amd64,!cgo"]
        );
        let x = parse_go_build("(linux && amd64) || (linux && arm64)").unwrap();
        assert_eq!(
            plus_build_lines(&x).unwrap(),
            vec!["// +build linux,amd64 linux,arm64"]
        );
        let x = parse_go_build("(a && (b || c)) || d").unwrap();
        assert!(plus_build_lines(&x).is_none());
    }

    #[test]
    fn extends_the_arch_group() {
        let x = parse_go_build("linux && (amd64 || arm64)").unwrap();
        let y = extend_go_build(&x, set("mips64le,riscv64"), false);
        assert_eq!(
            y.to_string(),
            "linux && (amd64 || arm64 || mips64le || riscv64)"
        );
        let x = parse_go_build("amd64 || arm64").unwrap();
        assert_eq!(
            extend_go_build(&x, set("mips64le,riscv64"), false).to_string(),
            "amd64 || arm64 || mips64le || (linux && riscv64)"
        );
        assert_eq!(
            extend_go_build(&x, set("riscv64"), true).to_string(),
            "amd64 || arm64 || riscv64"
        );
        let x = parse_go_build("linux && amd64").unwrap();
        assert_eq!(
            extend_go_build(&x, set("mips64le"), false).to_string(),
            "linux && (amd64 || mips64le)"
        );
    }

    #[test]
    fn arch_groups_may_name_arches_without_tables() {
        let x = parse_go_build("linux && (arm64 || amd64 || ppc || ppc64)").unwrap();
        let y = extend_go_build(&x, set("loong64"), false);
        assert_eq!(
            y.to_string(),
            "linux && (arm64 || amd64 || ppc || ppc64 || loong64)"
        );
        assert_eq!(
            plus_build_lines(&y).unwrap(),
            vec!["// +build linux", "// +build arm64 amd64 ppc ppc64 loong64"]
        );
        assert_eq!(name_arch("x_ppc.go"), Some("ppc"));
        assert_eq!(name_arch("x_linux.go"), None);
        assert_eq!(name_arch("amd64.go"), None);
        assert_eq!(name_arch("x_arm64_test.go"), Some("arm64"));
    }

    fn extend(src: &str, name: &str, add: &str) -> Result<String, String> {
        let cfg = crate::constraints::BuildConfig::default();
        let e = extend_file(&cfg, name, src.as_bytes(), set(add))?;
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

    #[test]
    fn extends_plus_build_lines() {
        let lines = vec!["linux,amd64 linux,arm64".to_string()];
        let got = extend_plus_build(&lines, set("mips64le,riscv64"), false, |_, _| false);
        assert_eq!(
            got,
            vec!["linux,amd64 linux,arm64 linux,mips64le linux,riscv64"]
        );
        let x = plus_lines_expr(&got).unwrap();
        assert_eq!(
            x.to_string(),
            "(linux && amd64) || (linux && arm64) || (linux && mips64le) || (linux && riscv64)"
        );
        assert_eq!(
            plus_build_lines(&x).unwrap(),
            vec!["// +build linux,amd64 linux,arm64 linux,mips64le linux,riscv64"]
        );
    }
}
