//! `--statistics`: findings counted per rule and arch, with how many `abiport fix` fixes
//! (like `ruff --statistics`), then the summary line.

use super::human::closing_lines;
use super::{count_by_arch, fixable_counts, Report};
use crate::finding::Finding;
use std::fmt::Write as _;

/// One row per rule with findings (most findings first, then by id), then the total row.
pub fn statistics(r: &Report, quiet: bool) -> String {
    let mut rules: Vec<&str> = r.findings.iter().map(|f| f.rule).collect();
    rules.sort_unstable();
    rules.dedup();
    let mut rows: Vec<(usize, usize, &str, String)> = rules
        .into_iter()
        .map(|rule| {
            let of_rule: Vec<Finding> = r
                .findings
                .iter()
                .filter(|f| f.rule == rule)
                .cloned()
                .collect();
            (
                of_rule.len(),
                fixable_counts(&of_rule).0,
                rule,
                arch_counts(&of_rule),
            )
        })
        .collect();
    rows.sort_by(|a, b| b.0.cmp(&a.0).then(a.2.cmp(b.2)));
    rows.push((
        r.findings.len(),
        fixable_counts(r.findings).0,
        "total",
        arch_counts(r.findings),
    ));
    let width = rows.iter().map(|row| row.2.len()).max().unwrap_or(0).max(4);
    let mut out = format!(
        "{:>5}  {:>7}  {:width$}  arches\n",
        "count", "fixable", "rule"
    );
    for (count, fixable, rule, arches) in rows {
        let line = format!("{count:>5}  {fixable:>7}  {rule:width$}  {arches}");
        let _ = writeln!(out, "{}", line.trim_end());
    }
    if !quiet {
        out.push('\n');
        out.push_str(&closing_lines(r));
    }
    out
}

/// `arm64: 1, mips64le: 2` (suppression findings break no arch: empty).
fn arch_counts(findings: &[Finding]) -> String {
    count_by_arch(findings)
        .iter()
        .map(|(a, n)| format!("{a}: {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    #[test]
    fn per_rule_and_arch_with_fixable() {
        let dir = root();
        let mut f = findings();
        f.push(f[0].clone());
        f[2].fix.as_mut().unwrap().applicability = crate::finding::Applicability::Safe;
        let (n, s) = (notes(), stats());
        let r = report(&f, &n, &s, dir.path());
        assert_eq!(
            statistics(&r, true),
            "count  fixable  rule                arches\n    \
                 2        1  undefined-on-arch   arm64: 2, riscv64: 2\n    \
                 1        0  struct-field-width  mips64le: 1\n    \
                 3        1  total               arm64: 2, mips64le: 1, riscv64: 2\n"
        );
        assert!(statistics(&r, false).ends_with(
            "in 0.25 s; 1 note\n[*] 1 fixable with `abiport fix` (1 more with `--unsafe-fixes`)\n"
        ));
    }
}
