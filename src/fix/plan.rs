//! Planning: which fixes to apply, grouped by file; identical edits merged, overlapping
//! ones dropped (first in finding order wins) and reported.

use crate::arch::ArchSet;
use crate::finding::{Applicability, Edit, Finding};
use std::collections::BTreeMap;

/// The accepted fixes of one file.
#[derive(Debug, Default, Clone)]
pub struct FileFixes {
    /// Accepted edits, deduplicated, sorted by position.
    pub edits: Vec<Edit>,
    /// Distinct fix titles, in finding order.
    pub titles: Vec<String>,
    /// The subject of each title's fix (`Fix::subject`), in the same order.
    pub subjects: Vec<String>,
    /// Indices of the findings these fixes resolve.
    pub findings: Vec<usize>,
    /// Arches the resolved findings break on.
    pub arches: ArchSet,
}

/// A fix that was not applied, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dropped {
    pub path: String,
    pub title: String,
    pub reason: String,
}

#[derive(Debug, Default)]
pub struct Plan {
    /// Root-relative path → its fixes, in path order.
    pub files: BTreeMap<String, FileFixes>,
    pub dropped: Vec<Dropped>,
    /// Unsafe fixes left out because `--unsafe-fixes` was not given.
    pub hidden_unsafe: usize,
    /// Display-only fixes (never applied).
    pub display_only: usize,
}

impl Plan {
    pub fn fix_count(&self) -> usize {
        self.files.values().map(|f| f.titles.len()).sum()
    }
}

fn overlaps(a: &Edit, b: &Edit) -> bool {
    if a.start == a.end && b.start == b.end {
        return a.start == b.start;
    }
    // An insertion strictly inside a replaced range overlaps it; touching ranges do not.
    a.start < b.end && b.start < a.end
}

/// Choose the fixes to apply from sorted findings: `Safe` ones, plus `Unsafe` with
/// `unsafe_fixes`. A fix whose edits collide with an accepted fix's is dropped whole.
pub fn plan(findings: &[Finding], unsafe_fixes: bool) -> Plan {
    let mut p = Plan::default();
    for (i, f) in findings.iter().enumerate() {
        let Some(fix) = &f.fix else { continue };
        match fix.applicability {
            Applicability::DisplayOnly => {
                p.display_only += 1;
                continue;
            }
            Applicability::Unsafe if !unsafe_fixes => {
                p.hidden_unsafe += 1;
                continue;
            }
            _ => {}
        }
        if fix.edits.is_empty() {
            continue;
        }
        let path = fix.target(&f.path).to_string();
        let entry = p.files.entry(path.clone()).or_default();
        let new: Vec<&Edit> = fix
            .edits
            .iter()
            .filter(|e| !entry.edits.contains(e))
            .collect();
        let clash = new.iter().any(|e| {
            e.start > e.end
                || entry.edits.iter().any(|a| overlaps(a, e))
                || new.iter().any(|b| !std::ptr::eq(*b, *e) && overlaps(b, e))
        });
        if clash {
            let reason = format!(
                "its edits overlap another fix in {path} (kept: {})",
                entry
                    .titles
                    .first()
                    .map_or("an earlier edit of the same fix", |t| t.as_str())
            );
            if !p
                .dropped
                .iter()
                .any(|d| d.path == path && d.title == fix.title)
            {
                p.dropped.push(Dropped {
                    path,
                    title: fix.title.clone(),
                    reason,
                });
            }
            continue;
        }
        entry.edits.extend(new.into_iter().cloned());
        entry.edits.sort_by_key(|e| (e.start, e.end));
        if !entry.titles.contains(&fix.title) {
            entry.titles.push(fix.title.clone());
            entry.subjects.push(fix.subject.clone());
        }
        entry.findings.push(i);
        entry.arches = entry.arches.union(f.arches);
    }
    p.files.retain(|_, f| !f.edits.is_empty());
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Fix, Payload, Severity, Span};

    fn finding(path: &str, line: usize, fix: Fix) -> Finding {
        Finding {
            rule: "r",
            severity: Severity::Error,
            file: 0,
            path: path.into(),
            span: Span {
                start: 0,
                end: 0,
                line,
                column: 1,
                end_line: line,
                end_column: 1,
            },
            arches: ArchSet::single(crate::arch::Arch::Mips64le),
            configs: crate::constraints::CgoSet::BOTH,
            message: "m".into(),
            fact: "f".into(),
            payload: Payload::None,
            no_fix: None,
            fix: Some(fix),
            anchor: None,
        }
    }

    #[test]
    fn identical_edits_merge_and_overlaps_drop() {
        let e = Edit::replace(0, 3, "abc");
        let f = vec![
            finding("a.go", 1, Fix::safe("one", vec![e.clone()]).in_file("d.go")),
            finding("b.go", 2, Fix::safe("one", vec![e.clone()]).in_file("d.go")),
            finding(
                "c.go",
                3,
                Fix::safe("two", vec![Edit::replace(2, 5, "x")]).in_file("d.go"),
            ),
            finding(
                "c.go",
                4,
                Fix::unsafe_edit("three", vec![Edit::insert(9, "y")]),
            ),
        ];
        let p = plan(&f, false);
        assert_eq!(p.files["d.go"].edits, vec![e]);
        assert_eq!(p.files["d.go"].findings, vec![0, 1]);
        assert_eq!(p.dropped.len(), 1);
        assert_eq!(p.dropped[0].title, "two");
        assert_eq!(p.hidden_unsafe, 1);
        assert!(!p.files.contains_key("c.go"));
        assert!(plan(&f, true).files.contains_key("c.go"));
    }
}
