//! Rewriting build constraints: the smallest extension of a file's `//go:build` (or legacy
//! `// +build`) lines that adds arches, and the `// +build` lines gofmt derives from a
//! `//go:build` expression (go/build/constraint's `PlusBuildLines`). Expressions are the one
//! [`Expr`] type of [`super::expr`]; printing is its `Display` (gofmt's form).

use super::expr::{eval_plus_build, Expr};
use super::file_name::{name_arch, name_is_linux};
use super::BuildConfig;
use crate::arch::{Arch, ArchSet};
use crate::header;

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
    matches!(x, Expr::Tag(t) if super::tags::is_known_arch(t))
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
        let y = Expr::parse_plus_build(l)?;
        x = Some(match x {
            None => y,
            Some(x) => Expr::and(x, y),
        });
    }
    x
}

/// A file's new constraint lines, without line ends.
#[derive(Debug, PartialEq, Eq)]
pub struct Extended {
    /// `//go:build …`.
    pub go_build: String,
    /// `// +build …` lines, as gofmt writes them under the `//go:build` line; empty when the
    /// file had none beside its `//go:build` line.
    pub plus_build: Vec<String>,
}

/// The constraint lines that make the file also build for `add` (on linux): the
/// `//go:build` line extended, the `// +build` lines rewritten to match it as gofmt does (a
/// `//go:build` line is made when the file has only `// +build` lines, as gofmt makes it).
/// Whether they keep every other arch as it was is for the caller to verify by evaluation.
/// Err: why no such lines can be written.
pub fn add_arches(
    cfg: &BuildConfig,
    file_name: &str,
    src: &[u8],
    add: ArchSet,
) -> Result<Extended, String> {
    if let Some(a) = name_arch(file_name) {
        return Err(format!(
            "`{file_name}` builds only for {a} by its file name; the target needs its own file, \
             not an edit"
        ));
    }
    let h = header::scan(src);
    if h.go_build.len() > 1 {
        return Err("the file has several `//go:build` lines".into());
    }
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    let linux_by_name = name_is_linux(file_name);
    let plus: Vec<String> = h.plus_build.iter().map(|l| text(l.text)).collect();
    let (expr, new_plus) = match h.go_build.first() {
        Some(g) => {
            let g = text(g.text);
            // Tags are ASCII here: the rewrite has only ever been offered for those.
            let x = Some(&g)
                .filter(|g| g.is_ascii())
                .and_then(|g| Expr::parse_go_build(g).ok())
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
            let holds = |line: &str, a: Arch| eval_plus_build(cfg, line).arches.contains(a);
            let lines = extend_plus_build(&plus, add, linux_by_name, holds);
            let y = plus_lines_expr(&lines)
                .ok_or_else(|| "a `// +build` line does not parse".to_string())?;
            let lines = plus_build_lines(&y)
                .unwrap_or_else(|| lines.iter().map(|l| format!("// +build {l}")).collect());
            (y, lines)
        }
        None => {
            let why = if h.import_c_line().is_some() && !cfg.cgo {
                "the file imports \"C\" and cross builds run without cgo".to_string()
            } else {
                "no build constraint line to extend".to_string()
            };
            return Err(why);
        }
    };
    Ok(Extended {
        go_build: format!("//go:build {expr}"),
        plus_build: new_plus,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(s: &str) -> ArchSet {
        ArchSet::parse_list(s).unwrap()
    }

    fn go(text: &str) -> Expr {
        Expr::parse_go_build(text).unwrap()
    }

    #[test]
    fn prints_like_gofmt() {
        let x = go("linux && (amd64||arm64) || linux&&mips64le");
        assert_eq!(
            x.to_string(),
            "(linux && (amd64 || arm64)) || (linux && mips64le)"
        );
        let x = go("!(a && b) && (c)");
        assert_eq!(x.to_string(), "!(a && b) && c");
        assert!(Expr::parse_go_build("a &&").is_err());
        assert!(Expr::parse_go_build("(a").is_err());
        assert!(Expr::parse_go_build("a b").is_err());
    }

    #[test]
    fn plus_build_lines_as_gofmt() {
        let x = go("linux && (amd64 || arm64)");
        assert_eq!(
            plus_build_lines(&x).unwrap(),
            vec!["// +build linux", "// +build amd64 arm64"]
        );
        let x = go("linux && amd64 && !cgo");
        assert_eq!(
            plus_build_lines(&x).unwrap(),
            vec!["// +build linux,amd64,!cgo"]
        );
        let x = go("(linux && amd64) || (linux && arm64)");
        assert_eq!(
            plus_build_lines(&x).unwrap(),
            vec!["// +build linux,amd64 linux,arm64"]
        );
        let x = go("(a && (b || c)) || d");
        assert!(plus_build_lines(&x).is_none());
    }

    #[test]
    fn extends_the_arch_group() {
        let x = go("linux && (amd64 || arm64)");
        let y = extend_go_build(&x, set("mips64le,riscv64"), false);
        assert_eq!(
            y.to_string(),
            "linux && (amd64 || arm64 || mips64le || riscv64)"
        );
        let x = go("amd64 || arm64");
        assert_eq!(
            extend_go_build(&x, set("mips64le,riscv64"), false).to_string(),
            "amd64 || arm64 || mips64le || (linux && riscv64)"
        );
        assert_eq!(
            extend_go_build(&x, set("riscv64"), true).to_string(),
            "amd64 || arm64 || riscv64"
        );
        let x = go("linux && amd64");
        assert_eq!(
            extend_go_build(&x, set("mips64le"), false).to_string(),
            "linux && (amd64 || mips64le)"
        );
    }

    #[test]
    fn arch_groups_may_name_arches_without_tables() {
        let x = go("linux && (arm64 || amd64 || ppc || ppc64)");
        let y = extend_go_build(&x, set("loong64"), false);
        assert_eq!(
            y.to_string(),
            "linux && (arm64 || amd64 || ppc || ppc64 || loong64)"
        );
        assert_eq!(
            plus_build_lines(&y).unwrap(),
            vec!["// +build linux", "// +build arm64 amd64 ppc ppc64 loong64"]
        );
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

    #[test]
    fn new_lines_for_a_file() {
        let cfg = BuildConfig::default();
        let src = b"// +build linux\n// +build amd64 arm64\n\npackage p\n";
        assert_eq!(
            add_arches(&cfg, "a.go", src, set("riscv64")).unwrap(),
            Extended {
                go_build: "//go:build linux && (amd64 || arm64 || riscv64)".into(),
                plus_build: vec![
                    "// +build linux".into(),
                    "// +build amd64 arm64 riscv64".into()
                ],
            }
        );
        // The rewrite keeps to ASCII tags.
        let src = "//go:build amd64 || ünïcode\n\npackage p\n";
        assert!(add_arches(&cfg, "a.go", src.as_bytes(), set("riscv64")).is_err());
    }
}
