//! `verify --build` (issue 14): the patch set is proven by Debian's Go, before and after,
//! per arch and package. Small trees, 2–3 arches; the runs share the user's GOCACHE (as
//! `verify --build` does), so the standard library is compiled once per arch.

use crate::util::{abiport, assert_exit, require_tool, run_within};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

/// Cold caches compile the standard library for each arch.
const LIMIT: Duration = Duration::from_secs(600);

/// `dev` breaks on mips64le only (`Rdev` is uint32 there); `cmd/agent` imports it by the
/// tree's own path; `broken` fails on every arch (a type error upstream).
fn write_tree(root: &Path, with_go_mod: bool) {
    let files: &[(&str, &str)] = &[
        (
            "dev/dev.go",
            "package dev\n\nimport \"syscall\"\n\n// Rdev is the device number of path.\n\
             func Rdev(path string) (uint64, error) {\n\tvar st syscall.Stat_t\n\
             \tif err := syscall.Stat(path, &st); err != nil {\n\t\treturn 0, err\n\t}\n\
             \tvar rdev uint64 = st.Rdev\n\treturn rdev, nil\n}\n",
        ),
        (
            "cmd/agent/main.go",
            "package main\n\nimport (\n\t\"fmt\"\n\n\t\"example.com/agent/dev\"\n)\n\n\
             func main() {\n\tfmt.Println(dev.Rdev(\"/dev/null\"))\n}\n",
        ),
        (
            "broken/broken.go",
            "package broken\n\nvar Size int = \"16\"\n",
        ),
    ];
    for (rel, text) in files {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    if with_go_mod {
        std::fs::write(root.join("go.mod"), "module example.com/agent\n\ngo 1.19\n").unwrap();
    }
}

/// Every file under `root` with its bytes.
fn contents(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            } else {
                out.insert(e.path(), std::fs::read(e.path()).unwrap());
            }
        }
    }
    out
}

/// `abiport fix` of the tree, written next to it.
fn fix_patch(root: &Path, out: &Path) -> PathBuf {
    let fix = abiport()
        .args(["fix", ".", "--arch", "mips64le"])
        .current_dir(root)
        .output()
        .unwrap();
    assert_eq!(fix.status.code(), Some(1), "{fix:?}");
    assert!(String::from_utf8_lossy(&fix.stdout).contains("uint64(st.Rdev)"));
    let patch = out.join("fix.patch");
    std::fs::write(&patch, &fix.stdout).unwrap();
    patch
}

/// A patch adding a file that only arm64 compiles, with a type error.
fn arm64_breaking_patch(out: &Path) -> PathBuf {
    let patch = out.join("arm64.patch");
    std::fs::write(
        &patch,
        "diff --git a/dev/page_arm64.go b/dev/page_arm64.go\nnew file mode 100644\n\
         --- /dev/null\n+++ b/dev/page_arm64.go\n@@ -0,0 +1,3 @@\n+package dev\n+\n\
         +var pageShift int = \"16\"\n",
    )
    .unwrap();
    patch
}

fn verify(root: &Path, args: &[&str], patches: &[&Path]) -> Output {
    let mut cmd = abiport();
    cmd.args(["verify", "."]).args(args).arg("--patches");
    cmd.args(patches).current_dir(root);
    run_within(cmd, LIMIT).output
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// The cell of `package` under `column` in the human matrix.
fn cell(stdout: &str, package: &str, column: &str) -> Option<String> {
    let mut lines = stdout.lines().skip_while(|l| !l.starts_with("package "));
    let header: Vec<&str> = lines.next()?.split_whitespace().collect();
    let at = header.iter().position(|h| *h == column)?;
    lines
        .map(|l| l.split_whitespace().collect::<Vec<_>>())
        .find(|cells| cells.first() == Some(&package))
        .and_then(|cells| cells.get(at).map(|c| c.to_string()))
}

#[test]
fn the_fix_builds_on_mips64le_and_the_tree_is_left_alone() {
    if !require_tool("go", "golang-go") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("agent");
    write_tree(&root, true);
    let patch = fix_patch(&root, dir.path());
    let original = contents(&root);

    let out = verify(
        &root,
        &["--arch", "mips64le", "--cgo", "off", "--build"],
        &[&patch],
    );
    let stdout = text(&out.stdout);
    assert_exit(&out, 0);
    assert!(stdout.contains("module mode"), "{stdout}");
    assert_eq!(
        cell(&stdout, "./dev", "mips64le").as_deref(),
        Some("FAIL→ok")
    );
    assert_eq!(cell(&stdout, "./dev", "amd64").as_deref(), Some("ok"));
    assert_eq!(
        cell(&stdout, "./cmd/agent", "mips64le").as_deref(),
        Some("dep→ok")
    );
    // Failing on the reference arch before the patches too: reported, not fatal.
    assert_eq!(
        cell(&stdout, "./broken", "mips64le").as_deref(),
        Some("FAIL")
    );
    assert!(
        stdout.contains("note: ./broken fails for amd64 (CGO_ENABLED=0), mips64le (CGO_ENABLED=0) before and after the patches, and for amd64 before: broken upstream"),
        "{stdout}"
    );
    assert!(stdout.contains("cannot use \"16\""), "{stdout}");
    assert_eq!(contents(&root), original, "the user's tree was written");

    // The same as a JSON document.
    let out = verify(
        &root,
        &[
            "--arch", "mips64le", "--cgo", "off", "--build", "--format", "json",
        ],
        &[&patch],
    );
    assert_exit(&out, 0);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let build = &doc["build"];
    assert_eq!(build["passed"], true);
    assert_eq!(build["mode"], "module");
    let dev = build["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["package"] == "./dev")
        .unwrap();
    let mips = dev["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["arch"] == "mips64le")
        .unwrap();
    assert_eq!(
        (&mips["before"], &mips["after"], &mips["verdict"]),
        (&"fail".into(), &"ok".into(), &"fixed".into())
    );
    assert!(mips["errors"][0]
        .as_str()
        .unwrap()
        .contains("st.Rdev (variable of type uint32)"));
    assert_eq!(contents(&root), original, "the user's tree was written");
}

#[test]
fn a_patch_that_breaks_another_arch_fails_naming_it() {
    if !require_tool("go", "golang-go") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("agent");
    write_tree(&root, true);
    let fix = fix_patch(&root, dir.path());
    let bad = arm64_breaking_patch(dir.path());
    let arches = ["--arch", "mips64le,arm64", "--cgo", "off"];

    // The rescan alone cannot see a type error: it passes.
    let rescan = verify(&root, &arches, &[&fix, &bad]);
    assert_exit(&rescan, 0);

    let out = verify(&root, &[&arches[..], &["--build"]].concat(), &[&fix, &bad]);
    let stdout = text(&out.stdout);
    assert_exit(&out, 1);
    assert_eq!(cell(&stdout, "./dev", "arm64").as_deref(), Some("ok→FAIL"));
    assert_eq!(
        cell(&stdout, "./dev", "mips64le").as_deref(),
        Some("FAIL→ok")
    );
    assert_eq!(
        cell(&stdout, "./cmd/agent", "arm64").as_deref(),
        Some("ok→dep")
    );
    assert!(
        stdout.contains(
            "error: ./dev fails for arm64 (CGO_ENABLED=0) after the patches; it built before"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("dev/page_arm64.go:3:"), "{stdout}");
    assert!(
        text(&out.stderr).contains("2 broken"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_target_still_failing_after_the_patches_fails() {
    if !require_tool("go", "golang-go") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("agent");
    write_tree(&root, true);
    // An empty patch set: mips64le fails before and after, amd64 builds.
    let empty = dir.path().join("empty.patch");
    std::fs::write(&empty, "").unwrap();
    let out = verify(
        &root,
        &["--arch", "mips64le", "--cgo", "off", "--build"],
        &[&empty],
    );
    let stdout = text(&out.stdout);
    assert_exit(&out, 1);
    assert_eq!(cell(&stdout, "./dev", "mips64le").as_deref(), Some("FAIL"));
    assert!(
        stdout.contains("error: ./dev still fails for mips64le (CGO_ENABLED=0) after the patches"),
        "{stdout}"
    );
}

#[test]
fn a_tree_without_go_mod_builds_in_gopath_mode() {
    if !require_tool("go", "golang-go") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // Not under any GOPATH: the import path comes from the tree's imports of itself.
    let root = dir.path().join("checkout");
    write_tree(&root, false);
    let patch = fix_patch(&root, dir.path());
    let original = contents(&root);
    let mut cmd = abiport();
    cmd.args([
        "verify", ".", "--arch", "mips64le", "--cgo", "off", "--build",
    ])
    .arg("--patches")
    .arg(&patch)
    .env("GOPATH", dir.path().join("no-gopath"))
    .current_dir(&root);
    let out = run_within(cmd, LIMIT).output;
    let stdout = text(&out.stdout);
    assert_exit(&out, 0);
    assert!(stdout.contains("gopath mode"), "{stdout}");
    assert_eq!(
        cell(&stdout, "./dev", "mips64le").as_deref(),
        Some("FAIL→ok")
    );
    // `example.com/agent/dev` resolved: the copy sat at $GOPATH/src/example.com/agent.
    assert_eq!(cell(&stdout, "./cmd/agent", "amd64").as_deref(), Some("ok"));
    assert_eq!(
        cell(&stdout, "./cmd/agent", "mips64le").as_deref(),
        Some("dep→ok")
    );
    assert_eq!(contents(&root), original);
}

#[test]
fn cgo_builds_use_the_cross_compiler_or_say_which_package_is_missing() {
    if !require_tool("go", "golang-go")
        || !require_tool("mips64el-linux-gnuabi64-gcc", "gcc-mips64el-linux-gnuabi64")
    {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("agent");
    write_tree(&root, true);
    let patch = fix_patch(&root, dir.path());
    // riscv64: Debian's cross compiler for it is not among the test dependencies.
    let out = verify(
        &root,
        &["--arch", "mips64le,riscv64", "--cgo", "on", "--build"],
        &[&patch],
    );
    let stdout = text(&out.stdout);
    assert_exit(&out, 0);
    assert_eq!(
        cell(&stdout, "./dev", "mips64le+cgo").as_deref(),
        Some("FAIL→ok")
    );
    let riscv_built = stdout
        .lines()
        .any(|l| l.starts_with("package ") && l.contains("riscv64+cgo"));
    if !riscv_built {
        assert!(
            stdout.contains("note: CGO_ENABLED=1 not built for riscv64: ")
                && (stdout.contains("gcc-riscv64-linux-gnu")
                    || stdout.contains("libc6-dev-riscv64-cross")),
            "{stdout}"
        );
    }
}

#[test]
fn without_go_it_is_an_error_naming_the_package() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("agent");
    write_tree(&root, true);
    let empty = dir.path().join("empty.patch");
    std::fs::write(&empty, "").unwrap();
    // git stays reachable; go does not.
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let git = std::process::Command::new("sh")
        .args(["-c", "command -v git"])
        .output()
        .unwrap();
    std::os::unix::fs::symlink(text(&git.stdout).trim(), bin.join("git")).unwrap();
    let mut cmd = abiport();
    cmd.args(["verify", ".", "--build", "--patches"])
        .arg(&empty)
        .env("PATH", &bin)
        .current_dir(&root);
    let out = run_within(cmd, LIMIT).output;
    let stderr = text(&out.stderr);
    assert_exit(&out, 2);
    assert!(stderr.contains("`go` is not on PATH"), "{stderr}");
    assert!(stderr.contains("golang-go"), "{stderr}");
    // Without --build, no Go is needed.
    let mut cmd = abiport();
    cmd.args(["verify", ".", "--cgo", "off", "--patches"])
        .arg(&empty)
        .env("PATH", &bin)
        .current_dir(&root);
    let out = run_within(cmd, LIMIT).output;
    assert_exit(&out, 1);
}

#[test]
fn a_vendored_module_is_built_from_vendor() {
    if !require_tool("go", "golang-go") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("agent");
    let files: &[(&str, &str)] = &[
        (
            "go.mod",
            "module example.com/agent\n\ngo 1.19\n\nrequire example.com/lib v1.0.0\n",
        ),
        (
            "vendor/modules.txt",
            "# example.com/lib v1.0.0\n## explicit\nexample.com/lib\n",
        ),
        (
            "vendor/example.com/lib/lib.go",
            "package lib\n\nimport \"syscall\"\n\nfunc Rdev(st *syscall.Stat_t) uint64 {\n\
             \tvar rdev uint64 = st.Rdev\n\treturn rdev\n}\n",
        ),
        (
            "main.go",
            "package main\n\nimport (\n\t\"syscall\"\n\n\t\"example.com/lib\"\n)\n\n\
             func main() { println(lib.Rdev(&syscall.Stat_t{})) }\n",
        ),
    ];
    for (rel, text) in files {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let patch = fix_patch(&root, dir.path());
    // Offline, example.com/lib exists only in vendor/: only `-mod=vendor` finds it.
    let out = verify(
        &root,
        &["--arch", "mips64le", "--cgo", "off", "--build"],
        &[&patch],
    );
    let stdout = text(&out.stdout);
    assert_exit(&out, 0);
    assert_eq!(
        cell(&stdout, "./vendor/example.com/lib", "mips64le").as_deref(),
        Some("FAIL→ok")
    );
    assert_eq!(cell(&stdout, ".", "amd64").as_deref(), Some("ok"));
    assert_eq!(cell(&stdout, ".", "mips64le").as_deref(), Some("dep→ok"));
}

/// A `go` that knows only amd64 (as an old or trimmed toolchain would).
#[test]
fn a_goarch_the_installed_go_lacks_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("agent");
    write_tree(&root, true);
    let empty = dir.path().join("empty.patch");
    std::fs::write(&empty, "").unwrap();
    let bin = dir.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let go = bin.join("go");
    std::fs::write(
        &go,
        "#!/bin/sh\ncase \"$*\" in\n\"env GOVERSION\") echo go1.4 ;;\n\"env GOHOSTARCH\") echo amd64 ;;\n\
         \"tool dist list\") echo linux/amd64 ;;\n*) exit 3 ;;\nesac\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&go, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = abiport();
    cmd.args([
        "verify",
        ".",
        "--arch",
        "mips64le,arm64",
        "--build",
        "--patches",
    ])
    .arg(&empty)
    .env("PATH", path)
    .current_dir(&root);
    let out = run_within(cmd, LIMIT).output;
    let stderr = text(&out.stderr);
    assert_exit(&out, 2);
    assert!(
        stderr.contains("cannot build for GOARCH=arm64,mips64le"),
        "{stderr}"
    );
    assert!(stderr.contains("golang-go"), "{stderr}");
}
