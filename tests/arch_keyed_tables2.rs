//! Issue 16, `arch-keyed-table` on per-arch constant files: the fallback file's value is
//! proven wrong at run time under qemu, and the change the finding describes (its no-fix
//! reason) is applied as written, built for several arches and proven right.

use crate::compiler::{copy_dir, go_build};
use crate::corpus::corpus_root;
use crate::goarch_rules::{build_mips64le, qemu};
use crate::util::{abiport, require_tool};
use abiport::arch::Arch;
use abiport::constraints::Cgo;
use std::path::Path;
use std::process::Command;

const ARGS: [&str; 2] = ["--arch=mips64le,riscv64", "--rules=arch-keyed-table"];

/// The findings of a scan of `dir`, as JSON objects.
fn findings(dir: &Path) -> Vec<serde_json::Value> {
    let out = abiport()
        .arg("scan")
        .arg(dir)
        .args(ARGS)
        .arg("--format=json")
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    v["findings"].as_array().unwrap().clone()
}

/// The program's line saying whether the raw syscall and `syscall.Gettid` agree.
fn gettid_line(stdout: &[u8]) -> String {
    String::from_utf8_lossy(stdout)
        .lines()
        .find(|l| l.starts_with("raw gettid"))
        .expect("the gettid line")
        .to_string()
}

/// Text between backquotes after each `marker` in `text`, pairwise: `a` with `b`.
fn quoted_pairs(text: &str, marker: &str) -> Vec<(String, String)> {
    let re = regex::Regex::new(&format!("`([^`]+)`{marker}`([^`]+)`")).unwrap();
    re.captures_iter(text)
        .map(|c| (c[1].to_string(), c[2].to_string()))
        .collect()
}

#[test]
fn fallback_gettid_is_wrong_on_mips64le_until_copied_as_the_finding_says() {
    if !require_tool("go", "golang-go") || !require_tool("qemu-mips64el", "qemu-user") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    copy_dir(&corpus_root().join("arch-keyed-table/per-arch-consts"), dir);
    let bin = dir.join("prog");
    build_mips64le(dir, &bin);
    let before = qemu(&bin);
    assert!(before.status.success());
    let line = gettid_line(&before.stdout);
    assert!(line.ends_with("same false"), "before: {line}");

    // The safe fix: the mips64x file's membarrier number.
    let applied = abiport()
        .arg("fix")
        .arg(dir)
        .args(ARGS)
        .arg("--apply")
        .output()
        .unwrap();
    // Exit 1: findings without a fix are left.
    assert_eq!(applied.status.code(), Some(1), "{applied:?}");
    assert!(
        String::from_utf8_lossy(&applied.stderr).contains("1 fix in 1 file"),
        "{applied:?}"
    );
    let mips64x = std::fs::read_to_string(dir.join("getrandom_mips64x.go")).unwrap();
    assert!(mips64x.contains("const sysMembarrier = 5318 "), "{mips64x}");

    // The fallback: do what the reason says, literally.
    let found = findings(dir);
    let gettid = found
        .iter()
        .find(|f| {
            f["message"]
                .as_str()
                .unwrap()
                .starts_with("`sysGettid` is 186 here")
        })
        .expect("the sysGettid finding");
    assert_eq!(gettid["fixable"], false);
    let fact = gettid["fact"].as_str().unwrap();
    let copies = quoted_pairs(fact, " with ");
    assert_eq!(
        copies,
        [
            (
                "sys_mips64le.go".to_string(),
                "const sysGettid = 5178".to_string()
            ),
            ("sys_riscv64.go".into(), "const sysGettid = 178".into()),
        ],
        "{fact}"
    );
    let narrow = regex::Regex::new("add `([^`]+)` to `sys_other.go`'s constraint")
        .unwrap()
        .captures(fact)
        .expect("the constraint to narrow")[1]
        .to_string();
    assert_eq!(narrow, "&& !mips64le && !riscv64");
    let other = std::fs::read_to_string(dir.join("sys_other.go")).unwrap();
    let wrong_line = other
        .lines()
        .find(|l| l.starts_with("const sysGettid = 186"))
        .unwrap();
    for (file, decl) in &copies {
        std::fs::write(dir.join(file), other.replace(wrong_line, decl)).unwrap();
    }
    let build_line = other.lines().next().unwrap();
    assert!(build_line.starts_with("//go:build "));
    std::fs::write(
        dir.join("sys_other.go"),
        other.replacen(build_line, &format!("{build_line} {narrow}"), 1),
    )
    .unwrap();

    for arch in [
        Arch::Amd64,
        Arch::Arm64,
        Arch::I386,
        Arch::Mips64le,
        Arch::Riscv64,
        Arch::Ppc64le,
        Arch::S390x,
    ] {
        if let Err(e) = go_build(dir, "", arch, Cgo::Off) {
            panic!("{arch} after the copies:\n{e}");
        }
    }
    build_mips64le(dir, &bin);
    let after = qemu(&bin);
    let line = gettid_line(&after.stdout);
    assert!(line.ends_with("same true"), "after: {line}");
    if require_tool("qemu-riscv64", "qemu-user") {
        let rv = dir.join("prog-riscv64");
        let o = Command::new("go")
            .args(["build", "-o"])
            .arg(&rv)
            .arg(".")
            .current_dir(dir)
            .env("GOOS", "linux")
            .env("GOARCH", "riscv64")
            .env("CGO_ENABLED", "0")
            .env("GOPROXY", "off")
            .env("GOFLAGS", "-mod=mod")
            .output()
            .unwrap();
        assert!(o.status.success(), "{o:?}");
        let run = Command::new("qemu-riscv64").arg(&rv).output().unwrap();
        let line = gettid_line(&run.stdout);
        assert!(line.ends_with("same true"), "riscv64 after: {line}");
    }
    let left: Vec<String> = findings(dir)
        .iter()
        .map(|f| f["message"].as_str().unwrap().to_string())
        .filter(|m| m.contains("sysGettid") || m.contains("sysMembarrier"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

/// The struct-size table has no mips64le entry: the program sizes its stat buffer 0 there
/// until the fix adds the size the tables give, which `unsafe.Sizeof` confirms under qemu.
#[test]
fn stat_size_table_entry_added_by_the_fix_matches_sizeof_on_mips64le() {
    if !require_tool("go", "golang-go") || !require_tool("qemu-mips64el", "qemu-user") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    copy_dir(&corpus_root().join("arch-keyed-table/struct-sizes"), dir);
    let bin = dir.join("prog");
    build_mips64le(dir, &bin);
    let out = String::from_utf8_lossy(&qemu(&bin).stdout).into_owned();
    assert!(
        out.starts_with("stat size 128, table 0, same false"),
        "before: {out}"
    );
    let applied = abiport()
        .arg("fix")
        .arg(dir)
        .args(ARGS)
        .arg("--apply")
        .output()
        .unwrap();
    assert!(applied.status.success(), "{applied:?}");
    for arch in [Arch::Amd64, Arch::Arm64, Arch::I386, Arch::Riscv64] {
        if let Err(e) = go_build(dir, "", arch, Cgo::Off) {
            panic!("{arch} after the fix:\n{e}");
        }
    }
    build_mips64le(dir, &bin);
    let out = String::from_utf8_lossy(&qemu(&bin).stdout).into_owned();
    assert!(
        out.starts_with("stat size 128, table 128, same true"),
        "after: {out}"
    );
}

/// Go's runtime keeps many per-arch constants (`internal/goarch`, `runtime/internal/sys`),
/// right on every arch by construction; small ones coincide with syscall numbers
/// (`_PCQuantum` is 1 on amd64 and 4 on arm and ppc64: `SYS_WRITE` there), which must not
/// make them tables of that fact.
#[test]
fn go_sources_give_no_finding() {
    let Some(listed) = crate::util::goroot_findings("arch-keyed-table", |_| true) else {
        return;
    };
    assert!(listed.is_empty(), "{}", listed.join("\n"));
}
