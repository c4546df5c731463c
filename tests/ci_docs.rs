//! README "Use in CI" and `.pre-commit-hooks.yaml` describe commands that work as written.

use crate::compiler::copy_dir;
use crate::corpus::corpus_root;
use crate::util::{abiport, repo_root};

/// `key: value` of the hook's top-level entry (the file is a one-item YAML list).
fn hook_value(text: &str, key: &str) -> String {
    text.lines()
        .map(|l| l.trim_start_matches("- ").trim())
        .find_map(|l| l.strip_prefix(&format!("{key}:")))
        .unwrap_or_else(|| panic!("no `{key}` in .pre-commit-hooks.yaml"))
        .trim()
        .to_string()
}

#[test]
fn pre_commit_hook_runs_the_scan_the_readme_shows() {
    let text = std::fs::read_to_string(repo_root().join(".pre-commit-hooks.yaml")).unwrap();
    assert_eq!(hook_value(&text, "id"), "abiport");
    assert_eq!(hook_value(&text, "language"), "rust");
    assert_eq!(hook_value(&text, "pass_filenames"), "false");
    let entry = hook_value(&text, "entry");
    let mut words = entry.split_whitespace();
    assert_eq!(words.next(), Some("abiport"), "{entry}");
    let entry_args: Vec<&str> = words.collect();
    // pre-commit runs the entry from the repository's top with the hook's `args`.
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&corpus_root().join("demo"), tmp.path());
    let first = abiport()
        .args(&entry_args)
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert_eq!(first.status.code(), Some(1), "the demo has findings");
    // README's gate: record a baseline, then only new findings fail.
    let wrote = abiport()
        .args(&entry_args)
        .args(["--write-baseline", "abiport-baseline.json"])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert_eq!(wrote.status.code(), Some(0));
    let gate = abiport()
        .args(&entry_args)
        .args(["--baseline", "abiport-baseline.json"])
        .current_dir(tmp.path())
        .output()
        .unwrap();
    assert_eq!(
        gate.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&gate.stderr)
    );
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    assert!(readme.contains("abiport scan . --baseline abiport-baseline.json"));
    assert!(readme.contains("- id: abiport"));
}
