//! Go build constraints: which target arches a file builds for.
//! INTERIM: file-name suffixes only; replaced by the full evaluator on the `front` branch.

use crate::arch::{Arch, ArchSet};

pub struct BuildConfig {
    pub cgo: bool,
    pub go_minor: u32,
    pub tags: Vec<String>,
}

impl BuildConfig {
    pub fn parse_go_version(s: &str) -> Result<u32, String> {
        s.trim_start_matches("go").strip_prefix("1.").and_then(|m| m.split('.').next()?.parse().ok()).ok_or_else(|| format!("bad Go version `{s}`"))
    }
}

pub struct ConstraintProblem {
    pub line: usize,
    pub message: String,
}

pub struct FileConstraint {
    pub arches: ArchSet,
    pub is_test: bool,
    pub problems: Vec<ConstraintProblem>,
}

pub fn evaluate(_cfg: &BuildConfig, file_name: &str, _src: &[u8]) -> FileConstraint {
    let stem = file_name.trim_end_matches(".go");
    let is_test = stem.ends_with("_test");
    let stem = stem.trim_end_matches("_test");
    let parts: Vec<&str> = stem.split('_').collect();
    let mut arches = ArchSet::ALL;
    if let Some(last) = parts.last() {
        if let Some(a) = Arch::from_name(last) {
            arches = ArchSet::single(a);
        } else if ["windows", "darwin", "freebsd"].contains(last) {
            arches = ArchSet::EMPTY;
        }
    }
    FileConstraint { arches, is_test, problems: vec![] }
}
