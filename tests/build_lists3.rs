//! build-arch-list's `docker manifest` lists, Jenkinsfile lists and per-arch Dockerfile
//! sets (issue 17): fixes apply with `git apply` and do what they say, and the Dockerfile
//! set is judged from the files the tree has.

use crate::non_go::{case_copy, findings_of, git_apply, json};
use crate::util::{require_tool, run};
use std::path::Path;
use std::process::Command;

fn scan_json(root: &Path) -> serde_json::Value {
    json(
        &[
            "scan",
            ".",
            "--arch",
            "mips64le",
            "--rules",
            "build-arch-list",
            "--format",
            "json",
        ],
        root,
    )
}

/// The findings of build-arch-list in one file, as (line, fixable, message).
fn in_file(doc: &serde_json::Value, path: &str) -> Vec<(u64, bool, String)> {
    findings_of(doc, "build-arch-list")
        .into_iter()
        .filter(|f| f["path"] == path)
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["fixable"] == true,
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// `make -n TARGET VARS…` in `dir`: the commands make would run.
fn make_dry(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("make")
        .arg("-n")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run make");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn manifest_create_fix_applies_and_make_pushes_the_target_image() {
    if !require_tool("make", "make") || !require_tool("git", "git") {
        return;
    }
    let dir = case_copy("build-arch-list/manifest");
    let root = dir.path();
    let before = scan_json(root);
    let makefile = in_file(&before, "Makefile");
    assert_eq!(
        makefile.iter().map(|f| (f.0, f.1)).collect::<Vec<_>>(),
        [(8, true), (16, false)],
        "the create line is fixable, the annotated list is not: {makefile:?}"
    );
    let dry = make_dry(root, &["push-manifest"]);
    assert!(!dry.contains("agent-mips64le"), "{dry}");

    let out = run(
        &[
            "fix",
            ".",
            "--arch",
            "mips64le",
            "--rules",
            "build-arch-list",
        ],
        root,
    );
    assert_eq!(out.status.code(), Some(1), "a diff was printed");
    let diff = String::from_utf8(out.stdout).unwrap();
    git_apply(root, &diff);

    let dry = make_dry(root, &["push-manifest"]);
    assert!(
        dry.contains(
            "registry.example.org/agent-s390x:v1.2.0 registry.example.org/agent-mips64le:v1.2.0"
        ),
        "{dry}"
    );
    // The script's list gets the image in its own quoting and Debian spelling, and bash
    // still reads the script.
    let script = std::fs::read_to_string(root.join("scripts/push-manifest.sh")).unwrap();
    assert!(
        script.contains(r#""${IMAGE}:${TAG}-ppc64el" "${IMAGE}:${TAG}-mips64el""#),
        "{script}"
    );
    let syntax = Command::new("bash")
        .args(["-n", "scripts/push-manifest.sh"])
        .current_dir(root)
        .status()
        .unwrap();
    assert!(syntax.success());
    // What is left are the annotated lists, without a fix.
    let after = scan_json(root);
    let left = findings_of(&after, "build-arch-list");
    assert_eq!(left.len(), 2, "{left:?}");
    assert!(left.iter().all(|f| f["fixable"] == false), "{left:?}");
}

#[test]
fn manifest_list_from_a_variable_is_left_to_the_variable() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let loop_form = "ALL_ARCH = amd64 arm64\n\
        push:\n\
        \tdocker manifest create $(IMAGE) $(IMAGE)-amd64 $(IMAGE)-arm64\n\
        \tfor arch in $(ALL_ARCH); do docker manifest annotate --arch $${arch} $(IMAGE) $(IMAGE)-$${arch}; done\n";
    std::fs::write(root.join("Makefile"), loop_form).unwrap();
    let doc = scan_json(root);
    let found = in_file(&doc, "Makefile");
    // ALL_ARCH is reported where it is set; the manifest takes its arches from it.
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].2.starts_with("`ALL_ARCH` lists"), "{found:?}");
    // The same images with literal annotations: the manifest is the text's to judge.
    let literal = loop_form.replace(
        "\tfor arch in $(ALL_ARCH); do docker manifest annotate --arch $${arch} $(IMAGE) $(IMAGE)-$${arch}; done\n",
        "\tdocker manifest annotate --arch amd64 $(IMAGE) $(IMAGE)-amd64\n\
         \tdocker manifest annotate --arch=\"arm64\" $(IMAGE) $(IMAGE)-arm64\n",
    );
    std::fs::write(root.join("Makefile"), literal).unwrap();
    let doc = scan_json(root);
    let found = in_file(&doc, "Makefile");
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!((found[1].0, found[1].1), (5, false), "{found:?}");
}

#[test]
fn jenkinsfile_fixes_apply_and_suppressions_use_line_comments() {
    if !require_tool("git", "git") {
        return;
    }
    let dir = case_copy("build-arch-list/jenkins");
    let root = dir.path();
    let before = scan_json(root);
    assert_eq!(in_file(&before, "Jenkinsfile").len(), 2);
    assert_eq!(in_file(&before, "ci/release.jenkinsfile").len(), 3);
    let out = run(
        &[
            "fix",
            ".",
            "--arch",
            "mips64le",
            "--rules",
            "build-arch-list",
        ],
        root,
    );
    assert_eq!(out.status.code(), Some(1), "a diff was printed");
    git_apply(root, &String::from_utf8(out.stdout).unwrap());
    let pipeline = std::fs::read_to_string(root.join("Jenkinsfile")).unwrap();
    assert!(
        pipeline.contains("values 'amd64', 'arm64', 's390x', 'mips64le'"),
        "{pipeline}"
    );
    assert!(
        pipeline.contains("'linux/ppc64le',\n                               'linux/mips64le'"),
        "{pipeline}"
    );
    let scripted = std::fs::read_to_string(root.join("ci/release.jenkinsfile")).unwrap();
    assert!(
        scripted.contains(r#"["amd64", "armhf", "arm64", "mips64el"]"#),
        "{scripted}"
    );
    assert!(
        scripted.contains("['amd64', 's390x', 'mips64le']"),
        "{scripted}"
    );
    assert!(findings_of(&scan_json(root), "build-arch-list").is_empty());

    // `//` suppressions on the line above, in a file of its own.
    std::fs::write(
        root.join("Jenkinsfile.nightly"),
        "// abiport:ignore build-arch-list -- nightly runs on the x86 and arm64 agents only\n\
         def arches = ['amd64', 'arm64']\n\
         def others = ['amd64', 's390x']\n",
    )
    .unwrap();
    let doc = scan_json(root);
    let left = in_file(&doc, "Jenkinsfile.nightly");
    assert_eq!(
        left.iter().map(|f| f.0).collect::<Vec<_>>(),
        [3],
        "{left:?}"
    );
}

#[test]
fn dockerfile_set_is_judged_from_the_files_the_tree_has() {
    if !require_tool("make", "make") {
        return;
    }
    let dir = case_copy("build-arch-list/dockerfile-set");
    let root = dir.path();
    let doc = scan_json(root);
    let makefile = in_file(&doc, "Makefile");
    assert_eq!(makefile.len(), 1, "{makefile:?}");
    assert!(!makefile[0].1, "no fix: {makefile:?}");
    assert_eq!(in_file(&doc, "hack/build-images.sh").len(), 1);
    // What make would read for the target is the file that is missing.
    let dry = make_dry(root, &["container", "ARCH=mips64le"]);
    assert!(dry.contains("-f images/agent/Dockerfile.mips64le"), "{dry}");
    assert!(!root.join("images/agent/Dockerfile.mips64le").exists());
    assert!(root.join("images/agent/Dockerfile.amd64").exists());

    // Without an arch list in the Makefile, the reference is the host's own arch: silent
    // there; the glob still derives the arches from the files.
    let text = std::fs::read_to_string(root.join("Makefile")).unwrap();
    let no_list = text.replace("ALL_ARCH = amd64 arm64 ppc64le mips64le\n", "");
    assert_ne!(text, no_list);
    std::fs::write(root.join("Makefile"), no_list).unwrap();
    let doc = scan_json(root);
    assert!(in_file(&doc, "Makefile").is_empty());
    assert_eq!(in_file(&doc, "hack/build-images.sh").len(), 1);

    // With the target's Dockerfile added, nothing is left.
    std::fs::write(
        root.join("images/agent/Dockerfile.mips64le"),
        "FROM debian:bookworm-slim\n",
    )
    .unwrap();
    std::fs::write(root.join("Makefile"), text).unwrap();
    let doc = scan_json(root);
    assert!(findings_of(&doc, "build-arch-list").is_empty());
}
