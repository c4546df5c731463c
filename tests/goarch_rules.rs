//! `impossible-goarch`, `arch-allowlist` and `arch-keyed-table` (issue 16), end to end: the corpus programs
//! built for mips64le and run under `qemu-mips64el` take the dead or refusing branch before
//! the fixes (safe and unsafe) and the working one after them; the fixed tree is gofmt-clean, builds, and a
//! second fix has nothing left to do. On Debian's Go tree every finding of the two rules is
//! one judged by hand (see the report of issue 16).

use crate::compiler::copy_dir;
use crate::corpus::corpus_root;
use crate::util::{abiport, require_tool};
use std::path::Path;
use std::process::{Command, Output};

pub fn build_mips64le(dir: &Path, out: &Path) {
    let o = Command::new("go")
        .args(["build", "-o"])
        .arg(out)
        .arg(".")
        .current_dir(dir)
        .env("GOOS", "linux")
        .env("GOARCH", "mips64le")
        .env("CGO_ENABLED", "0")
        .env("GOPROXY", "off")
        .env("GOWORK", "off")
        .env("GOFLAGS", "-mod=mod")
        .output()
        .expect("run go build");
    assert!(
        o.status.success(),
        "go build: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

pub fn qemu(bin: &Path) -> Output {
    Command::new("qemu-mips64el")
        .arg(bin)
        .env_remove("REFUSALS_UNTESTED_ARCH")
        .output()
        .expect("run qemu-mips64el")
}

fn fix(dir: &Path, args: &[&str]) -> Output {
    abiport()
        .arg("fix")
        .arg(dir)
        .args(args)
        .output()
        .expect("run abiport fix")
}

fn gofmt_clean(dir: &Path) {
    let o = Command::new("gofmt")
        .arg("-l")
        .arg(".")
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        o.stdout.is_empty(),
        "not gofmt-clean: {}",
        String::from_utf8_lossy(&o.stdout)
    );
}

/// Run the program of `case` for mips64le under qemu, apply the rule's unsafe fixes, and run
/// it again; return both outputs. Also checks the fixes are gofmt-clean and settle, and that
/// the safe ones alone (`safe`: whether the rule has any here) change no build constraint.
fn before_and_after(case: &str, rule: &str, arches: &str, safe: bool) -> Option<(Output, Output)> {
    if !require_tool("go", "golang-go") || !require_tool("qemu-mips64el", "qemu-user") {
        return None;
    }
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&corpus_root().join(case), tmp.path());
    let bin = tmp.path().join("prog");
    build_mips64le(tmp.path(), &bin);
    let before = qemu(&bin);
    let (arch_arg, rule_arg) = (format!("--arch={arches}"), format!("--rules={rule}"));
    let args = vec![arch_arg.as_str(), rule_arg.as_str()];
    // Unsafe fixes only on request.
    let safe_only = fix(tmp.path(), &args);
    let diff = String::from_utf8_lossy(&safe_only.stdout);
    assert_eq!(!diff.is_empty(), safe, "{case}: safe fixes: {diff}");
    assert!(
        !diff.lines().any(|l| l.starts_with("+//go:build")),
        "{case}: a safe fix changes a build constraint: {diff}"
    );
    let mut apply = args.clone();
    apply.extend(["--unsafe-fixes", "--apply"]);
    let applied = fix(tmp.path(), &apply);
    // `fix --apply` exits 1 while findings no fix covers remain, as a rescan does.
    let rescan = abiport()
        .arg("scan")
        .arg(tmp.path())
        .args(&args)
        .output()
        .unwrap();
    assert_eq!(
        applied.status.code(),
        rescan.status.code(),
        "{case}: fix --apply"
    );
    gofmt_clean(tmp.path());
    let mut again = args.clone();
    again.push("--unsafe-fixes");
    let second = fix(tmp.path(), &again);
    assert!(
        second.stdout.is_empty(),
        "{case}: the fixes do not settle: {}",
        String::from_utf8_lossy(&second.stdout)
    );
    build_mips64le(tmp.path(), &bin);
    Some((before, qemu(&bin)))
}

#[test]
fn allowlist_fix_lets_the_program_start_on_mips64le() {
    let Some((before, after)) = before_and_after(
        "arch-allowlist/refusals",
        "arch-allowlist",
        "mips64le,riscv64",
        false,
    ) else {
        return;
    };
    let stderr = String::from_utf8_lossy(&before.stderr);
    assert_eq!(before.status.code(), Some(1), "before: {stderr}");
    assert!(stderr.contains("arch mips64le is untested"), "{stderr}");
    assert_eq!(
        after.status.code(),
        Some(0),
        "after: {}",
        String::from_utf8_lossy(&after.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&after.stdout),
        "started on mips64le\n"
    );
}

#[test]
fn impossible_goarch_fix_makes_the_mips64le_case_run() {
    let Some((before, after)) = before_and_after(
        "impossible-goarch/dead-branches",
        "impossible-goarch",
        "mips64le",
        true,
    ) else {
        return;
    };
    // The dead `case "mipsel64":`, and the file behind `//go:build amd64 || mipsel64`.
    assert_eq!(
        String::from_utf8_lossy(&before.stdout),
        "seccomp arches: []\ntuning: \n"
    );
    assert_eq!(
        String::from_utf8_lossy(&after.stdout),
        "seccomp arches: [SCMP_ARCH_MIPSEL SCMP_ARCH_MIPSEL64 SCMP_ARCH_MIPSEL64N32]\ntuning: vectorised\n"
    );
}

#[test]
fn allowlist_fixes_leave_only_the_unfixable_checks() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&corpus_root().join("arch-allowlist/refusals"), tmp.path());
    let args = ["--arch=mips64le,riscv64", "--rules=arch-allowlist"];
    let applied = fix(
        tmp.path(),
        &[&args[..], &["--unsafe-fixes", "--apply"]].concat(),
    );
    // The unfixable checks remain: exit 1, as ruff does.
    assert_eq!(applied.status.code(), Some(1));
    let out = abiport()
        .current_dir(tmp.path())
        .arg("scan")
        .arg(tmp.path())
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut left: Vec<String> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect();
    left.sort();
    // The deny-list and the case doing amd64 work have no fix; every other check now
    // lets both targets through.
    assert_eq!(
        left,
        [
            "`atomicAlign` refuses mips64le, riscv64: only amd64 passes this arch check",
            "`refuseMips` refuses mips64le at this arch check",
        ]
    );
}

/// Every finding of the two rules on Debian's Go tree, judged by hand: containerd's
/// `case "mipsel64":` (the bug of issue 16: the default seccomp profile gets no arches on
/// mips64le), and x/tools' Native Client launcher, which refuses every arch without a NaCl
/// loader (true, and rightly without a fix). etcd's `checkSupportArch` is silent: Debian
/// patched its `os.Exit(1)` into a warning. `arch-keyed-table` finds nothing: the tree's
/// arch-token tables are keyed by libseccomp's names, not by GOARCH.
#[test]
fn debian_tree_findings_are_the_judged_ones() {
    let Some(tree) = crate::util::debian_go_tree("github.com/containerd/containerd") else {
        return;
    };
    // In the tree: paths are shown relative to it (issue 15).
    let out = abiport()
        .current_dir(tree)
        .arg("scan")
        .arg(tree)
        .args([
            "--arch=mips64le",
            "--rules=impossible-goarch,arch-allowlist,arch-keyed-table",
            "--format=json",
        ])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let got: Vec<(String, u64, String)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want = [
        (
            "github.com/containerd/containerd/contrib/seccomp/seccomp_default.go",
            41,
            "impossible-goarch",
        ),
        (
            "golang.org/x/tools/playground/socket/socket.go",
            464,
            "arch-allowlist",
        ),
    ];
    let want: Vec<(String, u64, String)> = want
        .iter()
        .map(|(p, l, r)| (p.to_string(), *l, r.to_string()))
        .collect();
    assert_eq!(got, want);
}
