//! Issue 15: every output names files relative to the current directory (as ruff and
//! `go vet` do), fix diffs relative to the git work tree's top, while findings, baselines
//! and suppressions keep paths relative to the scanned root.

use crate::compiler::copy_dir;
use crate::corpus::corpus_root;
use crate::fix::git;
use crate::util::{require_tool, run};
use serde_json::Value;
use std::path::Path;

/// `TMP/tree`: a copy of the demo.
fn demo_copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&corpus_root().join("demo"), &tmp.path().join("tree"));
    tmp
}

fn stdout(args: &[&str], cwd: &Path) -> String {
    let out = run(args, cwd);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn json_paths(args: &[&str], cwd: &Path) -> Vec<String> {
    let v: Value = serde_json::from_str(&stdout(args, cwd)).unwrap();
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_subdirectory_scanned_from_the_root_keeps_its_path() {
    let tmp = demo_copy();
    let tree = tmp.path().join("tree");
    let human = stdout(&["scan", "pkg/devices"], &tree);
    assert!(
        human.contains("╭─[pkg/devices/devices.go:16:10]"),
        "{human}"
    );
    let paths = json_paths(&["scan", "pkg/devices", "--format", "json"], &tree);
    assert!(!paths.is_empty());
    assert!(
        paths.iter().all(|p| p == "pkg/devices/devices.go"),
        "{paths:?}"
    );
}

#[test]
fn paths_from_above_the_tree_in_every_format() {
    let tmp = demo_copy();
    let top = tmp.path();
    let human = stdout(&["scan", "tree"], top);
    assert!(
        human.contains("╭─[tree/pkg/devices/devices.go:16:10]"),
        "{human}"
    );
    assert!(
        human.contains("╭─[tree/cmd/nodeagent/main.go:16:12]"),
        "{human}"
    );
    let paths = json_paths(&["scan", "tree", "--format", "json"], top);
    assert!(paths.contains(&"tree/pkg/devices/devices.go".to_string()));
    assert!(paths.iter().all(|p| p.starts_with("tree/")), "{paths:?}");

    let github = stdout(&["scan", "tree", "--format", "github"], top);
    assert!(
        github.contains("::error file=tree/pkg/devices/devices.go,line=16,col=10,"),
        "{github}"
    );

    let sarif: Value =
        serde_json::from_str(&stdout(&["scan", "tree", "--format", "sarif"], top)).unwrap();
    let run0 = &sarif["runs"][0];
    let base = run0["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    let cwd = top.canonicalize().unwrap();
    assert_eq!(base, format!("file://{}/", cwd.display()));
    let locs: Vec<&Value> = run0["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["locations"][0]["physicalLocation"]["artifactLocation"])
        .collect();
    assert!(locs
        .iter()
        .any(|l| l["uri"] == "tree/pkg/devices/devices.go" && l["uriBaseId"] == "%SRCROOT%"));
    // Each URI resolved against %SRCROOT% is the file.
    for l in &locs {
        let uri = l["uri"].as_str().unwrap();
        assert!(cwd.join(uri).is_file(), "{uri}");
    }
}

#[test]
fn paths_from_a_subdirectory_go_up() {
    let tmp = demo_copy();
    let sub = tmp.path().join("tree/pkg/devices");
    let paths = json_paths(&["scan", "../..", "--format", "json"], &sub);
    assert!(
        paths.contains(&"../../cmd/nodeagent/main.go".to_string()),
        "{paths:?}"
    );
    assert!(paths.contains(&"devices.go".to_string()), "{paths:?}");
    let human = stdout(&["scan", "../.."], &sub);
    assert!(
        human.contains("╭─[../../cmd/nodeagent/main.go:16:12]"),
        "{human}"
    );
    assert!(human.contains("╭─[devices.go:16:10]"), "{human}");
    let github = stdout(&["scan", "../..", "--format", "github"], &sub);
    assert!(
        github.contains("::error file=../../cmd/nodeagent/main.go,line=16,"),
        "{github}"
    );
    let sarif: Value =
        serde_json::from_str(&stdout(&["scan", "../..", "--format", "sarif"], &sub)).unwrap();
    let uris: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(uris.contains(&"../../cmd/nodeagent/main.go"), "{uris:?}");
    assert!(uris.contains(&"devices.go"), "{uris:?}");
}

/// Baselines keep root-relative paths: written from above the tree or from inside it,
/// the file is the same, and each hides the other's findings.
#[test]
fn baselines_stay_relative_to_the_root() {
    let tmp = demo_copy();
    let tree = tmp.path().join("tree");
    let above = tmp.path().join("above.json");
    let inside = tmp.path().join("inside.json");
    run(
        &["scan", "tree", "--write-baseline", above.to_str().unwrap()],
        tmp.path(),
    );
    run(
        &["scan", ".", "--write-baseline", inside.to_str().unwrap()],
        &tree,
    );
    let a = std::fs::read_to_string(&above).unwrap();
    assert!(a.contains("\"path\": \"pkg/devices/devices.go\""), "{a}");
    assert_eq!(a, std::fs::read_to_string(&inside).unwrap());
    let out = run(
        &[
            "scan",
            "tree/pkg/..",
            "--baseline",
            inside.to_str().unwrap(),
        ],
        tmp.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// `abiport fix sub | git apply` from the top of a real git repository, and from another
/// directory of it; `verify` takes the same diff.
#[test]
fn fix_diff_applies_from_anywhere_in_the_git_work_tree() {
    if !require_tool("git", "git") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    copy_dir(
        &corpus_root().join("undefined-on-arch/plus-build-list"),
        &repo.join("sub/case"),
    );
    std::fs::create_dir_all(repo.join("docs")).unwrap();
    std::fs::write(repo.join("docs/README"), "elsewhere\n").unwrap();
    assert!(git(&repo, &["init", "-q"], None).status.success());
    assert!(git(&repo, &["add", "."], None).status.success());
    assert!(git(&repo, &["commit", "-qm", "import"], None)
        .status
        .success());
    let declaring = "sub/case/system/setuid_linux.go";

    for (cwd, arg) in [
        (repo.clone(), "sub/case"),
        (repo.join("docs"), "../sub/case"),
    ] {
        let fix = run(&["fix", arg], &cwd);
        assert_eq!(fix.status.code(), Some(1), "a diff was printed");
        let diff = String::from_utf8(fix.stdout).unwrap();
        assert!(
            diff.starts_with(&format!("diff --git a/{declaring} b/{declaring}\n")),
            "{diff}"
        );
        // From the repository's top, as the issue asks.
        let apply = git(&repo, &["apply", "-"], Some(diff.as_bytes()));
        assert!(
            apply.status.success(),
            "{}",
            String::from_utf8_lossy(&apply.stderr)
        );
        let fixed = std::fs::read_to_string(repo.join(declaring)).unwrap();
        assert!(fixed.contains("mips64le"), "{fixed}");
        // Undo for the next round; a clean tree prints no diff.
        assert!(git(&repo, &["checkout", "--", "."], None).status.success());

        // verify applies the diff to a copy of the root (stripping `sub/case/`).
        let patch = tmp.path().join("p.diff");
        std::fs::write(&patch, &diff).unwrap();
        let v = run(&["verify", arg, "--patches", patch.to_str().unwrap()], &cwd);
        assert_eq!(
            v.status.code(),
            Some(0),
            "{}{}",
            String::from_utf8_lossy(&v.stdout),
            String::from_utf8_lossy(&v.stderr)
        );
    }
}

/// Outside any git work tree, the diff is relative to the current directory when the root
/// is below it; `patch -p1` and `git apply` take it there.
#[test]
fn fix_diff_outside_git_is_relative_to_the_current_directory() {
    if !require_tool("git", "git") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(
        &corpus_root().join("undefined-on-arch/plus-build-list"),
        &tmp.path().join("w/case"),
    );
    let top = tmp.path().join("w");
    let fix = run(&["fix", "case"], &top);
    let diff = String::from_utf8(fix.stdout).unwrap();
    assert!(
        diff.starts_with("diff --git a/case/system/setuid_linux.go "),
        "{diff}"
    );
    let apply = git(&top, &["apply", "-"], Some(diff.as_bytes()));
    assert!(
        apply.status.success(),
        "{}",
        String::from_utf8_lossy(&apply.stderr)
    );
    // Scanned from inside: root-relative paths, as before.
    let inside = run(&["fix", "."], &top.join("case"));
    assert!(inside.stdout.is_empty(), "applied above: nothing left");
}
