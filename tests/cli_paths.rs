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
pub(crate) fn demo_copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&corpus_root().join("demo"), &tmp.path().join("tree"));
    tmp
}

pub(crate) fn stdout(args: &[&str], cwd: &Path) -> String {
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

// ---- Arch names (issue 15): one parser for every subcommand, aliases noted once. ----

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Every alias gives exactly the GOARCH's table (`abi show`), and says what it means.
#[test]
fn every_alias_shows_its_goarch_table() {
    let cwd = tempfile::tempdir().unwrap();
    for (alias, goarch) in [
        ("mips64el", "mips64le"),
        ("ppc64el", "ppc64le"),
        ("armhf", "arm"),
        ("armel", "arm"),
        ("i386", "386"),
        ("x86_64", "amd64"),
        ("aarch64", "arm64"),
        ("loongarch64", "loong64"),
        ("mipsel", "mipsle"),
        ("mips64el-linux-gnuabi64", "mips64le"),
        ("x86_64-linux-gnu", "amd64"),
        ("aarch64-linux-gnu", "arm64"),
        ("arm-linux-gnueabihf", "arm"),
        ("powerpc64le-linux-gnu", "ppc64le"),
        ("s390x-linux-gnu", "s390x"),
        ("riscv64-linux-gnu", "riscv64"),
    ] {
        let want = run(&["abi", "show", goarch, "Stat_t"], cwd.path());
        let got = run(&["abi", "show", alias, "Stat_t"], cwd.path());
        assert_eq!(got.status.code(), Some(0), "{alias}: {}", stderr_of(&got));
        assert_eq!(got.stdout, want.stdout, "{alias}");
        let err = stderr_of(&got);
        assert_eq!(
            err.matches(&format!("note: arch {alias} means GOARCH={goarch}"))
                .count(),
            1,
            "{alias}: {err}"
        );
        // A GOARCH itself is not noted.
        assert!(!stderr_of(&want).contains("note:"), "{goarch}");
    }
}

/// scan/fix/verify `--arch` and `--ref`, `rules --arch`, abiport.toml: the alias gives the
/// GOARCH's findings, and the note is printed once however often the options are built.
#[test]
fn aliases_in_every_subcommand_are_noted_once() {
    let tmp = demo_copy();
    let top = tmp.path();
    let json = |args: &[&str]| -> (Vec<Value>, String) {
        let out = run(args, top);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr_of(&out));
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        (v["findings"].as_array().unwrap().clone(), stderr_of(&out))
    };
    let (want, _) = json(&[
        "scan",
        "tree",
        "--arch",
        "mips64le,arm64",
        "--format",
        "json",
    ]);
    // Two roots: the options are built twice, the note said once.
    let (got, err) = json(&[
        "scan",
        "tree",
        "tree/pkg",
        "--arch",
        "mips64el,aarch64",
        "--ref",
        "x86_64",
        "--format",
        "json",
    ]);
    assert!(got.len() >= want.len(), "{got:?}");
    for note in [
        "abiport: note: --arch mips64el means GOARCH=mips64le\n",
        "abiport: note: --arch aarch64 means GOARCH=arm64\n",
        "abiport: note: --ref x86_64 means GOARCH=amd64\n",
    ] {
        assert_eq!(err.matches(note).count(), 1, "{err}");
    }
    let (single, _) = json(&[
        "scan",
        "tree",
        "--arch",
        "mips64el-linux-gnuabi64,aarch64-linux-gnu",
        "--format",
        "json",
    ]);
    assert_eq!(single, want);

    let fix = run(&["fix", "tree", "--arch", "mips64el"], top);
    assert_eq!(
        stderr_of(&fix)
            .matches("note: --arch mips64el means GOARCH=mips64le")
            .count(),
        1
    );
    let fixed_le = run(&["fix", "tree", "--arch", "mips64le"], top);
    assert_eq!(fix.stdout, fixed_le.stdout);
    assert!(!fix.stdout.is_empty());

    let rules = run(&["rules", "struct-field-width", "--arch", "mips64el"], top);
    let rules_le = run(&["rules", "struct-field-width", "--arch", "mips64le"], top);
    assert_eq!(rules.stdout, rules_le.stdout);
    assert!(stderr_of(&rules).contains("note: --arch mips64el means GOARCH=mips64le"));

    // abiport.toml takes the same names, and says so once.
    std::fs::write(
        top.join("tree/abiport.toml"),
        "arch = [\"mips64el\", \"aarch64\"]\nref = \"x86_64\"\n",
    )
    .unwrap();
    let (from_file, err) = json(&["scan", "tree", "--format", "json"]);
    assert_eq!(from_file, want);
    assert_eq!(
        err.matches("`arch` mips64el means GOARCH=mips64le").count(),
        1,
        "{err}"
    );
    assert_eq!(err.matches("`ref` x86_64 means GOARCH=amd64").count(), 1);
}

#[test]
fn elf_expect_takes_the_same_names() {
    if !cfg!(all(target_arch = "x86_64", target_os = "linux")) {
        return;
    }
    let exe = std::env::current_exe().unwrap();
    let exe = exe.to_str().unwrap();
    let cwd = tempfile::tempdir().unwrap();
    for name in ["linux/x86_64", "x86_64-linux-gnu", "amd64"] {
        let out = run(&["elf", exe, "--expect", name], cwd.path());
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr_of(&out));
    }
    let out = run(&["elf", exe, "--expect", "linux/mips64el"], cwd.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr_of(&out).contains("note: --expect mips64el means GOARCH=mips64le"));
}

/// Unknown names: suggestions with the family and byte order the name hints at first.
#[test]
fn unknown_arch_names_get_ranked_suggestions() {
    let cwd = tempfile::tempdir().unwrap();
    let err = |arch: &str| {
        let out = run(&["abi", "show", arch, "Stat_t"], cwd.path());
        assert_eq!(out.status.code(), Some(2), "{arch}");
        stderr_of(&out)
    };
    let e = err("mips64eel");
    assert!(e.contains("(did you mean mips64le,"), "{e}");
    let e = err("x86_46");
    assert!(e.contains("(did you mean amd64"), "{e}");
    let e = err("mips64el-linux-gnuabin32");
    assert!(e.contains("n32"), "{e}");
    // scan says the same, exit 2.
    let out = run(&["scan", ".", "--arch", "mpis64el"], cwd.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("(did you mean mips64le,"),
        "{}",
        stderr_of(&out)
    );
}
