//! Porting blockers outside Go code (issue 17): build files go through the scan's own
//! path, and their findings take part in fixes, suppressions, config, baselines and every
//! output format like the Go rules' findings.

use crate::compiler::copy_dir;
use crate::util::{abiport, assert_error, repo_root, require_tool, run};
use std::path::Path;
use std::process::Command;

/// A copy of a corpus case in a temp dir.
pub(crate) fn case_copy(rel: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo_root().join("corpus").join(rel), dir.path());
    dir
}

fn make_var(dir: &Path, var: &str) -> String {
    let out = Command::new("make")
        .args(["-s", &format!("print-{var}")])
        .current_dir(dir)
        .output()
        .expect("run make");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// Apply `diff` (as `abiport fix` printed it) to the tree at `root` with `git apply`.
pub(crate) fn git_apply(root: &Path, diff: &str) {
    std::fs::write(root.join("fix.diff"), diff).unwrap();
    let applied = Command::new("git")
        .args(["apply", "--verbose", "fix.diff"])
        .current_dir(root)
        .output()
        .unwrap();
    assert!(
        applied.status.success(),
        "{}\n{diff}",
        String::from_utf8_lossy(&applied.stderr)
    );
}

pub(crate) fn json(args: &[&str], cwd: &Path) -> serde_json::Value {
    let out = run(args, cwd);
    assert!(
        out.status.code().is_some_and(|c| c <= 1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON output")
}

pub(crate) fn findings_of<'v>(
    doc: &'v serde_json::Value,
    rule: &str,
) -> Vec<&'v serde_json::Value> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

#[test]
fn fixed_makefile_lists_the_target_for_make() {
    if !require_tool("make", "make") || !require_tool("git", "git") {
        return;
    }
    let dir = case_copy("build-arch-list/makefile");
    let root = dir.path();
    assert_eq!(make_var(root, "ALL_ARCH"), "amd64 arm arm64 ppc64le s390x");
    let out = run(&["fix", ".", "--arch", "mips64le"], root);
    assert_eq!(out.status.code(), Some(1), "a diff was printed");
    let diff = String::from_utf8(out.stdout).unwrap();
    git_apply(root, &diff);
    assert_eq!(
        make_var(root, "ALL_ARCH"),
        "amd64 arm arm64 ppc64le s390x mips64le"
    );
    assert_eq!(
        make_var(root, "PLATFORMS"),
        "linux/amd64,linux/arm64,linux/ppc64le,linux/mips64le"
    );
    assert_eq!(make_var(root, "DEB_ARCHES"), "amd64 arm64 armhf mips64el");
    // The recipe's buildx line now builds the target too; what is left has no fix.
    let dry = Command::new("make")
        .args(["-n", "release"])
        .current_dir(root)
        .output()
        .unwrap();
    let dry = String::from_utf8_lossy(&dry.stdout);
    assert!(
        dry.contains("--platform=linux/amd64,linux/s390x,linux/mips64le"),
        "{dry}"
    );
    assert!(
        dry.contains("for arch in amd64 arm arm64 ppc64le s390x mips64le"),
        "{dry}"
    );
    let after = json(
        &["scan", ".", "--arch", "mips64le", "--format", "json"],
        root,
    );
    let left = findings_of(&after, "build-arch-list");
    assert!(left.iter().all(|f| f["fixable"] == false), "{left:?}");
    assert_eq!(
        left.len(),
        2,
        "per-arch variables and the uname mapping: {left:?}"
    );
}

#[test]
fn hash_suppressions_are_honoured_judged_and_checked() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("build.sh"),
        "#!/bin/sh\n\
         # abiport:ignore build-arch-list -- the x86 and arm64 runners only\n\
         for a in amd64 arm64; do echo $a; done\n\
         for b in amd64 arm64; do echo $b; done # abiport:ignore build-arch-list arch=riscv64 -- riscv64 later\n\
         ARCHS=\"amd64 arm64 mips64le riscv64\" # abiport:ignore build-arch-list -- nothing to accept here\n\
         # abiport:ignore build-arch-list\n\
         echo\n",
    )
    .unwrap();
    let doc = json(
        &[
            "scan",
            ".",
            "--arch",
            "mips64le,riscv64",
            "--format",
            "json",
        ],
        root,
    );
    let lists = findings_of(&doc, "build-arch-list");
    // Line 3 is accepted; line 4 is accepted on riscv64 only.
    assert_eq!(lists.len(), 1, "{lists:?}");
    assert_eq!(lists[0]["line"], 4);
    assert_eq!(lists[0]["arches"], serde_json::json!(["mips64le"]));
    assert_eq!(
        lists[0]["fixable"], false,
        "a partly accepted finding loses its fix"
    );
    let unused = findings_of(&doc, "unused-suppression");
    assert_eq!(unused.len(), 1, "{unused:?}");
    assert_eq!(unused[0]["line"], 5);
    let invalid = findings_of(&doc, "invalid-suppression");
    assert_eq!(invalid.len(), 1, "{invalid:?}");
    assert_eq!(invalid[0]["line"], 6);
}

#[test]
fn config_baseline_and_formats_cover_build_files() {
    let dir = case_copy("build-arch-list/workflow");
    let root = dir.path();
    let args = ["scan", ".", "--arch", "mips64le", "--format", "json"];
    let doc = json(&args, root);
    let n = findings_of(&doc, "build-arch-list").len();
    assert_eq!(n, 3);
    // Severity and per-path overrides from abiport.toml.
    std::fs::write(
        root.join("abiport.toml"),
        "[severity]\nbuild-arch-list = \"info\"\n",
    )
    .unwrap();
    let out = run(&["scan", ".", "--arch", "mips64le"], root);
    assert_eq!(
        out.status.code(),
        Some(0),
        "info findings do not fail the run"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("☞"));
    std::fs::write(
        root.join("abiport.toml"),
        "[[overrides]]\npath = \".github/**\"\nignore = [\"build-arch-list\"]\n",
    )
    .unwrap();
    let doc = json(&args, root);
    assert!(findings_of(&doc, "build-arch-list").is_empty());
    std::fs::remove_file(root.join("abiport.toml")).unwrap();

    // Baseline: recorded findings are hidden, and stay hidden when lines are added above.
    let out = run(
        &[
            "scan",
            ".",
            "--arch",
            "mips64le",
            "--write-baseline",
            "base.json",
        ],
        root,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let wf = root.join(".github/workflows/release.yml");
    let text = std::fs::read_to_string(&wf).unwrap();
    std::fs::write(&wf, format!("# a new comment\n# and another\n{text}")).unwrap();
    let out = run(
        &["scan", ".", "--arch", "mips64le", "--baseline", "base.json"],
        root,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    // SARIF and GitHub annotations name the build file.
    let sarif = run(
        &["scan", ".", "--arch", "mips64le", "--format", "sarif"],
        root,
    );
    let sarif: serde_json::Value = serde_json::from_slice(&sarif.stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), n);
    assert!(results.iter().all(
        |r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            == ".github/workflows/release.yml"
            && r["partialFingerprints"]["abiport/v1"].is_string()
    ));
    let gh = run(
        &["scan", ".", "--arch", "mips64le", "--format", "github"],
        root,
    );
    let gh = String::from_utf8_lossy(&gh.stdout);
    assert_eq!(
        gh.matches("::error file=.github/workflows/release.yml")
            .count(),
        n,
        "{gh}"
    );
}

#[test]
fn build_files_are_excluded_deselected_and_skipped_for_one_go_file() {
    let dir = case_copy("build-arch-list/makefile");
    let root = dir.path();
    std::fs::write(root.join("main.go"), "package main\n\nfunc main() {}\n").unwrap();
    let count = |args: &[&str]| {
        let doc = json(args, root);
        findings_of(&doc, "build-arch-list").len()
    };
    assert!(count(&["scan", ".", "--format", "json"]) > 0);
    assert_eq!(
        count(&["scan", ".", "--format", "json", "--exclude", "Makefile"]),
        0
    );
    assert_eq!(
        count(&[
            "scan",
            ".",
            "--format",
            "json",
            "--ignore",
            "build-arch-list"
        ]),
        0
    );
    assert_eq!(count(&["scan", "main.go", "--format", "json"]), 0);
    // Other projects' build files under vendor/ are not read.
    let vendored = root.join("vendor/example.com/dep");
    std::fs::create_dir_all(&vendored).unwrap();
    std::fs::rename(root.join("Makefile"), vendored.join("Makefile")).unwrap();
    let out = abiport()
        .args(["scan", ".", "--format", "json"])
        .current_dir(root)
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(findings_of(&doc, "build-arch-list").is_empty());
}

#[test]
fn stale_pin_fix_rewrites_go_mod_only_with_unsafe_fixes() {
    if !require_tool("git", "git") {
        return;
    }
    let dir = case_copy("stale-abi-pin/gomod-epoll");
    let root = dir.path();
    let safe = run(&["fix", ".", "--arch", "mips64le"], root);
    assert!(safe.stdout.is_empty(), "unsafe: not in the plain diff");
    let out = run(&["fix", ".", "--arch", "mips64le", "--unsafe-fixes"], root);
    let diff = String::from_utf8(out.stdout).unwrap();
    assert!(
        diff.contains("+require golang.org/x/sys v0.0.0-20191115151921-52ab43148777"),
        "{diff}"
    );
    git_apply(root, &diff);
    let after = json(
        &["scan", ".", "--arch", "mips64le", "--format", "json"],
        root,
    );
    assert!(findings_of(&after, "stale-abi-pin").is_empty(), "{after}");
    // The go command reads the fixed go.mod and its version.
    if require_tool("go", "golang-go") {
        let edit = Command::new("go")
            .args(["mod", "edit", "-json"])
            .current_dir(root)
            .env("GOFLAGS", "-mod=mod")
            .env("GOPROXY", "off")
            .output()
            .unwrap();
        assert!(
            edit.status.success(),
            "{}",
            String::from_utf8_lossy(&edit.stderr)
        );
        let doc: serde_json::Value = serde_json::from_slice(&edit.stdout).unwrap();
        assert_eq!(
            doc["Require"][0]["Version"],
            "v0.0.0-20191115151921-52ab43148777"
        );
    }
}

#[test]
fn godeps_json_pins_are_dated_or_said_to_be_unknown() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("Godeps")).unwrap();
    let godeps = |rev: &str| {
        format!(
            "{{\n  \"ImportPath\": \"example.com/agent\",\n  \"Deps\": [\n    {{\n      \"ImportPath\": \"golang.org/x/sys/unix\",\n      \"Rev\": \"{rev}\"\n    }}\n  ]\n}}\n"
        )
    };
    std::fs::write(root.join("Godeps/Godeps.json"), godeps("b4ddaad3f8a3")).unwrap();
    std::fs::write(
        root.join("agent.go"),
        "package agent\n\nimport \"golang.org/x/sys/unix\"\n\nvar Events = make([]unix.EpollEvent, 8)\n",
    )
    .unwrap();
    let args = [
        "scan",
        ".",
        "--arch",
        "mips64le,riscv64",
        "--format",
        "json",
    ];
    let doc = json(&args, root);
    let pins = findings_of(&doc, "stale-abi-pin");
    assert_eq!(pins.len(), 1, "{doc}");
    assert_eq!(pins[0]["path"], "Godeps/Godeps.json");
    assert_eq!(pins[0]["line"], 6);
    assert_eq!(pins[0]["arches"], serde_json::json!(["mips64le"]));
    assert_eq!(pins[0]["severity"], "error");
    // A commit the table cannot date is a warning that says so.
    std::fs::write(root.join("Godeps/Godeps.json"), godeps("0123456789abcdef")).unwrap();
    let doc = json(&args, root);
    let pins = findings_of(&doc, "stale-abi-pin");
    assert_eq!(pins.len(), 1, "{doc}");
    assert_eq!(pins[0]["severity"], "warning");
    assert!(
        pins[0]["message"].as_str().unwrap().contains("cannot date"),
        "{doc}"
    );
    // A vendor/ without x/sys: the copy was pruned, the pin does not build anything.
    std::fs::create_dir_all(root.join("vendor/github.com/pkg/errors")).unwrap();
    let doc = json(&args, root);
    assert!(findings_of(&doc, "stale-abi-pin").is_empty(), "{doc}");
    std::fs::remove_dir_all(root.join("vendor")).unwrap();
    // Without a use of an affected API the pin is silent (b4ddaad3f8a3 postdates the
    // riscv64 port, so a use of the package alone needs nothing there).
    std::fs::write(root.join("Godeps/Godeps.json"), godeps("b4ddaad3f8a3")).unwrap();
    std::fs::write(
        root.join("agent.go"),
        "package agent\n\nimport \"golang.org/x/sys/unix\"\n\nvar Pid = unix.Getpid()\n",
    )
    .unwrap();
    let doc = json(&args, root);
    assert!(findings_of(&doc, "stale-abi-pin").is_empty(), "{doc}");
}

#[test]
fn base_image_fix_keeps_the_arg_and_leaves_no_finding() {
    if !require_tool("git", "git") {
        return;
    }
    let dir = case_copy("base-image-platform/multi-stage");
    let root = dir.path();
    let doc = json(
        &["scan", ".", "--arch", "mips64le", "--format", "json"],
        root,
    );
    let found = findings_of(&doc, "base-image-platform");
    assert_eq!(found.len(), 2, "{doc}");
    assert!(
        found[1]["fact"]
            .as_str()
            .unwrap()
            .contains("review the commands on line 22, 24: `apk add` becomes"),
        "{doc}"
    );
    let plain = run(&["fix", ".", "--arch", "mips64le"], root);
    assert!(plain.stdout.is_empty(), "unsafe: not in the plain diff");
    let out = run(&["fix", ".", "--arch", "mips64le", "--unsafe-fixes"], root);
    let diff = String::from_utf8(out.stdout).unwrap();
    assert!(
        diff.contains("+FROM golang:${GO_VERSION}-bookworm AS test"),
        "{diff}"
    );
    assert!(diff.contains("+FROM debian:bookworm-slim"), "{diff}");
    git_apply(root, &diff);
    let after = json(
        &["scan", ".", "--arch", "mips64le", "--format", "json"],
        root,
    );
    assert!(
        findings_of(&after, "base-image-platform").is_empty(),
        "{after}"
    );
}

#[test]
fn abiport_toml_adds_base_images_and_checks_them() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::write(
        root.join("Dockerfile"),
        "FROM registry.example.com/base/agent:2\nFROM alpine:3.16\n",
    )
    .unwrap();
    let args = ["scan", ".", "--arch", "mips64le", "--format", "json"];
    let lines = |doc: &serde_json::Value| -> Vec<u64> {
        findings_of(doc, "base-image-platform")
            .iter()
            .map(|f| f["line"].as_u64().unwrap())
            .collect()
    };
    assert_eq!(
        lines(&json(&args, root)),
        vec![2],
        "another registry: not in the table"
    );
    // The user's entries come first: they can add images and override the built-in ones.
    std::fs::write(
        root.join("abiport.toml"),
        r#"
[[base-image]]
name = "registry.example.com/base/agent"
tags = ["*"]
platforms = ["amd64", "arm64"]
family = "debian"
replace = { mips64le = "registry.example.com/base/agent-debian:2" }
source = "our registry's manifest list, checked by hand"
as-of = "2026-12-01"

[[base-image]]
name = "alpine"
tags = ["3.16"]
platforms = ["amd64", "mips64le"]
family = "alpine"
source = "a local mirror with a mips64el build"
as-of = "2026-12-01"
"#,
    )
    .unwrap();
    let doc = json(&args, root);
    assert_eq!(lines(&doc), vec![1], "{doc}");
    let f = &findings_of(&doc, "base-image-platform")[0];
    assert!(
        f["fact"]
            .as_str()
            .unwrap()
            .starts_with("our registry's manifest list"),
        "{doc}"
    );
    // A bad entry is a config error naming the file and the key.
    std::fs::write(
        root.join("abiport.toml"),
        "[[base-image]]\nname = \"x\"\ntags = [\"*\"]\nplatforms = [\"mips64el\"]\nfamily = \"debian\"\nsource = \"s\"\nas-of = \"d\"\n",
    )
    .unwrap();
    let out = run(&["scan", "."], root);
    assert_error(&out, 2, "abiport.toml");
    assert_error(&out, 2, "`mips64el` is no GOARCH");
}
