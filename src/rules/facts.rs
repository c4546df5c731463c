//! Wording shared by the rules' facts (not a rule).

use crate::arch::{Arch, ArchSet};

/// Format a set of per-arch values compactly: "5038 on mips64, mips64le; 172 on arm64".
pub fn per_arch_values(values: &[(Arch, String)]) -> String {
    let mut groups: Vec<(String, ArchSet)> = Vec::new();
    for (a, v) in values {
        match groups.iter_mut().find(|(x, _)| x == v) {
            Some((_, s)) => s.insert(*a),
            None => groups.push((v.clone(), ArchSet::single(*a))),
        }
    }
    groups
        .iter()
        .map(|(v, s)| format!("{v} on {s}"))
        .collect::<Vec<_>>()
        .join("; ")
}
