//! Baselines (README "Baseline"): `scan --write-baseline FILE` records the findings of
//! today by fingerprint ([`Finding::fingerprint`]); `scan --baseline FILE` reports only the
//! findings not in it and counts the recorded ones that are gone.
//!
//! The file is JSON, version 1: `{"version":1,"findings":[{"fingerprint","rule","path",
//! "arches","message"}]}`, sorted by path, rule and fingerprint. Only `fingerprint` and
//! `arches` are read back; the rest is there for the reviewer of the file.

use crate::arch::{Arch, ArchSet};
use crate::error::{Result, UserError};
use crate::finding::Finding;
use crate::report::BaselineSummary;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

const VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    version: u32,
    findings: Vec<Entry>,
}

#[derive(Serialize, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct Entry {
    fingerprint: String,
    rule: String,
    path: String,
    arches: Vec<String>,
    message: String,
}

/// A baseline as read: per fingerprint, its rule, path and the arches it was accepted for.
pub struct Baseline {
    entries: HashMap<String, Accepted>,
}

struct Accepted {
    rule: String,
    path: String,
    arches: ArchSet,
}

/// What a scan covers, so that recorded findings it did not look for are not counted as
/// fixed: the rules run, the target arches, and the file or directory reported (`scan
/// dir/x.go`, `scan cmd` in a module).
pub struct Scope<'a> {
    pub rules: &'a [&'a str],
    pub targets: ArchSet,
    pub only_path: Option<&'a str>,
}

impl Baseline {
    /// Read a baseline file. A missing, unreadable or malformed file is an error (exit 2):
    /// a gate must not pass because its baseline went missing.
    pub fn load(path: &Path) -> Result<Baseline> {
        let shown = path.display();
        let text = std::fs::read_to_string(path).map_err(|e| {
            UserError::new(format!("cannot read baseline {shown}: {e}"))
                .with_help("write one with `abiport scan --write-baseline FILE`")
        })?;
        let file: File = serde_json::from_str(&text).map_err(|e| {
            UserError::new(format!("{shown}: not an abiport baseline: {e}"))
                .with_help("write it again with `abiport scan --write-baseline FILE`")
        })?;
        if file.version != VERSION {
            return Err(UserError::new(format!(
                "{shown}: baseline version {} (this abiport reads version {VERSION})",
                file.version
            ))
            .with_help("write it again with `abiport scan --write-baseline FILE`"));
        }
        let mut entries: HashMap<String, Accepted> = HashMap::new();
        for e in file.findings {
            let mut arches = ArchSet::EMPTY;
            for name in &e.arches {
                let arch: Arch = name.parse().map_err(|err| {
                    UserError::new(format!("{shown}: finding {}: {err}", e.fingerprint))
                })?;
                arches.insert(arch);
            }
            let slot = entries.entry(e.fingerprint).or_insert(Accepted {
                rule: e.rule,
                path: e.path,
                arches: ArchSet::EMPTY,
            });
            slot.arches = slot.arches.union(arches);
        }
        Ok(Baseline { entries })
    }

    /// Drop the findings the baseline accepts: a finding whose fingerprint it records for
    /// all of the finding's arches. A finding that now breaks on an arch the baseline did
    /// not record is kept whole (it is new for that arch, and its message names every
    /// arch). Counts what was hidden, what was kept for new arches, and the recorded
    /// findings within `scope` that no finding matched (fixed since the baseline).
    pub fn filter(&self, findings: &mut Vec<Finding>, scope: &Scope) -> BaselineSummary {
        let mut matched: std::collections::HashSet<&str> = std::collections::HashSet::new();
        let mut known = 0;
        let mut new_arches = 0;
        findings.retain(|f| {
            let Some(fp) = f.fingerprint() else {
                return true;
            };
            let Some((key, accepted)) = self.entries.get_key_value(&fp) else {
                return true;
            };
            matched.insert(key);
            if f.arches.minus(accepted.arches).is_empty() {
                known += 1;
                false
            } else {
                new_arches += 1;
                true
            }
        });
        let fixed = self
            .entries
            .iter()
            .filter(|(fp, e)| {
                !matched.contains(fp.as_str())
                    && scope.rules.contains(&e.rule.as_str())
                    && !e.arches.intersect(scope.targets).is_empty()
                    && scope
                        .only_path
                        .is_none_or(|p| crate::walk::covers(p, &e.path))
            })
            .count();
        BaselineSummary {
            known,
            new_arches,
            fixed,
        }
    }
}

/// Write the findings as a baseline (atomically: a temporary file renamed over `path`).
/// Gives how many entries were written, and how many findings could not be recorded
/// (no fingerprint: the scan could not place them in their file's tree).
pub fn write(path: &Path, findings: &[Finding]) -> Result<(usize, usize)> {
    let mut by_fp: BTreeMap<(String, String, String), Entry> = BTreeMap::new();
    let mut unplaced = 0;
    for f in findings {
        let Some(fp) = f.fingerprint() else {
            unplaced += 1;
            continue;
        };
        let key = (f.path.clone(), f.rule.to_string(), fp.clone());
        let entry = by_fp.entry(key).or_insert_with(|| Entry {
            fingerprint: fp,
            rule: f.rule.to_string(),
            path: f.path.clone(),
            arches: Vec::new(),
            message: crate::finding::uncited(&f.message).into_owned(),
        });
        let mut arches: ArchSet = entry
            .arches
            .iter()
            .filter_map(|a| Arch::from_name(a))
            .collect();
        arches = arches.union(f.arches);
        entry.arches = arches.names().into_iter().map(String::from).collect();
    }
    let file = File {
        version: VERSION,
        findings: by_fp.into_values().collect(),
    };
    let count = file.findings.len();
    let mut text = serde_json::to_string_pretty(&file).unwrap_or_default();
    text.push('\n');
    crate::walk::write_atomically(path, text.as_bytes(), "baseline")
        .map_err(|e| UserError::new(format!("cannot write baseline {}: {e}", path.display())))?;
    Ok((count, unplaced))
}
