//! Findings with one root cause, for human output: a whole-tree scan often reports one
//! missing name or one incomplete build constraint at dozens of use sites.
//!
//! The cause is read from what each finding already carries: the fix (the same edits to
//! the same file: one constraint line, one declaration), else the package and reason of a
//! name undefined on a target (`Payload::Undefined` with why no fix is offered), else the
//! help text itself. Findings of different rules or severities never share a group.

use crate::finding::{Finding, NoFix, Payload, Severity};
use crate::index::PkgId;
use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Cause<'a> {
    /// One change fixes them all: the same edits to the same file.
    Fix {
        file: &'a str,
        edits: Vec<(usize, usize, &'a str)>,
    },
    /// Names of one package of the tree undefined on a target, none fixable for the same
    /// reason (the declaring files build by file name only, say).
    Undefined {
        package: PkgId,
        no_fix: &'a str,
        title: Option<&'a str>,
    },
    /// The same help (fact, caveat, fix title).
    Help {
        fact: Cow<'a, str>,
        title: Option<&'a str>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key<'a> {
    rule: &'a str,
    severity: Severity,
    cause: Cause<'a>,
}

fn key(f: &Finding) -> Key<'_> {
    let title = f.fix.as_ref().map(|fix| fix.title.as_str());
    let cause = match (&f.fix, &f.payload, &f.no_fix) {
        (Some(fix), _, _) if !fix.edits.is_empty() => Cause::Fix {
            file: fix.target(&f.path),
            edits: fix
                .edits
                .iter()
                .map(|e| (e.start, e.end, e.text.as_str()))
                .collect(),
        },
        (_, Payload::Undefined { package, .. }, Some(NoFix::Why(why) | NoFix::Terse(why))) => {
            Cause::Undefined {
                package: *package,
                no_fix: why,
                title,
            }
        }
        _ => Cause::Help {
            fact: f.shown_fact(),
            title,
        },
    };
    Key {
        rule: f.rule,
        severity: f.severity,
        cause,
    }
}

/// The findings (indices into `findings`, which are sorted) grouped by root cause: groups
/// in the order of their first finding, members in output order. A finding alone is a
/// group of one.
pub fn by_cause(findings: &[Finding]) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut index: HashMap<Key<'_>, usize> = HashMap::new();
    for (i, f) in findings.iter().enumerate() {
        match index.entry(key(f)) {
            Entry::Occupied(g) => groups[*g.get()].push(i),
            Entry::Vacant(slot) => {
                slot.insert(groups.len());
                groups.push(vec![i]);
            }
        }
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::super::test_support::findings;
    use super::*;
    use crate::finding::{Edit, Fix};

    #[test]
    fn same_fix_same_group_other_fix_other_group() {
        let mut f = findings();
        f.push(f[0].clone());
        f[2].span.line += 10;
        f[2].message = "`syscall.SYS_EPOLL_CREATE` is undefined on arm64".into();
        f[2].fact = "another fact".into();
        assert_eq!(by_cause(&f), vec![vec![0, 2], vec![1]]);
        // Another edit: another cause, even with the same title.
        f[2].fix.as_mut().unwrap().edits[0].text = "x".into();
        assert_eq!(by_cause(&f), vec![vec![0], vec![1], vec![2]]);
    }

    #[test]
    fn undefined_names_of_one_package_group_by_reason() {
        let mut f = findings();
        for g in f.iter_mut() {
            g.rule = "undefined-on-arch";
            g.severity = Severity::Error;
            g.fix = None;
            g.payload = Payload::Undefined {
                package: 7,
                name: g.message.clone(),
            };
            g.no_fix = Some(NoFix::Why(
                "it builds only for amd64 by its file name".into(),
            ));
        }
        assert_eq!(by_cause(&f), vec![vec![0, 1]]);
        // Another package: another cause.
        f[1].payload = Payload::Undefined {
            package: 8,
            name: "x".into(),
        };
        assert_eq!(by_cause(&f), vec![vec![0], vec![1]]);
    }

    #[test]
    fn without_fix_or_payload_the_help_decides() {
        let mut f = findings();
        f[0].fix = None;
        f[0].rule = f[1].rule;
        f[0].severity = f[1].severity;
        assert_eq!(by_cause(&f), vec![vec![0], vec![1]]);
        f[0].fact = f[1].fact.clone();
        assert_eq!(by_cause(&f), vec![vec![0, 1]]);
        // A fix without edits is no cause of its own: its title is part of the help.
        f[0].fix = Some(Fix::display_only("look", Vec::<Edit>::new()));
        assert_eq!(by_cause(&f), vec![vec![0], vec![1]]);
    }
}
