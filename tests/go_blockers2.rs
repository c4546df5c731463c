//! Issue 16, second part: `arch-allowlist` on the machine `uname -m` names (run under
//! `qemu-mips64el` before and after the fix), `missing-asm` on `TEXT` lines without a Go
//! declaration and on `.syso` objects (against `go build`), and `arch-keyed-table` on
//! syscall-number, ioctl and struct-size tables and per-arch const files.

use crate::compiler::{copy_dir, go_build, package_dirs};
use crate::corpus::{corpus_root, scan_case};
use crate::goarch_rules::{build_mips64le, qemu};
use crate::util::{abiport, module_path, require_tool};
use abiport::arch::Arch;
use abiport::constraints::Cgo;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

/// The kernel says `mips64` under qemu-mips64el: the program refuses before the fix and
/// starts after it (the fix adds `mips64`, what both MIPS64 byte orders print).
#[test]
fn uname_allowlist_fix_lets_the_program_start_on_mips64le() {
    if !require_tool("go", "golang-go") || !require_tool("qemu-mips64el", "qemu-user") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(
        &corpus_root().join("arch-allowlist/uname-machine"),
        tmp.path(),
    );
    let bin = tmp.path().join("prog");
    build_mips64le(tmp.path(), &bin);
    let before = qemu(&bin);
    let stderr = String::from_utf8_lossy(&before.stderr);
    assert_eq!(before.status.code(), Some(1), "before: {stderr}");
    assert_eq!(stderr, "machine mips64 is not supported\n");
    let args = [
        "--arch=mips64le,mips64,riscv64",
        "--rules=arch-allowlist",
        "--unsafe-fixes",
    ];
    let applied = abiport()
        .arg("fix")
        .arg(tmp.path())
        .args(args)
        .arg("--apply")
        .output()
        .unwrap();
    assert!(
        applied.status.success(),
        "fix --apply: {}",
        String::from_utf8_lossy(&applied.stderr)
    );
    let again = abiport()
        .arg("fix")
        .arg(tmp.path())
        .args(args)
        .output()
        .unwrap();
    assert!(again.stdout.is_empty(), "the fixes do not settle");
    build_mips64le(tmp.path(), &bin);
    let after = qemu(&bin);
    assert_eq!(
        after.status.code(),
        Some(0),
        "after: {}",
        String::from_utf8_lossy(&after.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&after.stdout),
        "started on mips64\n"
    );
}

/// `go vet -asmdecl` of every package of `root` for `arch`: each "missing Go declaration"
/// as (`.s` path, line).
fn vet_undeclared(root: &Path, arch: Arch) -> BTreeSet<(String, usize)> {
    let out = Command::new("go")
        .args(["vet", "-asmdecl", "./..."])
        .current_dir(root)
        .env("GOOS", "linux")
        .env("GOARCH", arch.name())
        .env("CGO_ENABLED", "0")
        .env("GOPROXY", "off")
        .env("GOWORK", "off")
        .env("GOFLAGS", "-mod=mod")
        .output()
        .expect("run go vet");
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| l.ends_with("missing Go declaration"))
        .filter_map(|l| {
            let mut parts = l.splitn(3, ':');
            let file = parts.next()?.trim_start_matches("./").to_string();
            Some((file, parts.next()?.parse().ok()?))
        })
        .collect()
}

/// `go build` of every package of `root` for `arch`: each "X defined in both Go and
/// assembly" as (package dir, X).
fn compiler_duplicates(root: &Path, arch: Arch) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for dir in package_dirs(root) {
        if let Err(text) = go_build(root, &dir, arch, Cgo::Off) {
            for l in text.lines() {
                if let Some(name) = l
                    .strip_suffix(" defined in both Go and assembly")
                    .and_then(|l| l.rsplit(' ').next())
                {
                    out.insert((dir.clone(), name.to_string()));
                }
            }
        }
    }
    out
}

/// `TEXT` lines against the toolchain, per target: every "missing Go declaration" of
/// `go vet` (not also given on the reference, where it is no porting bug) is a finding at
/// that line, every "defined in both Go and assembly" of the compiler a finding at a
/// `TEXT` line of that function in that package, and nothing else.
#[test]
fn text_lines_agree_with_vet_and_the_compiler() {
    if !require_tool("go", "golang-go") {
        return;
    }
    let case = corpus_root().join("missing-asm/text-lines");
    let findings: Vec<_> = scan_case("missing-asm", &case)
        .into_iter()
        .filter(|f| f.path.ends_with(".s"))
        .collect();
    let copy = tempfile::tempdir().unwrap();
    copy_dir(&case, copy.path());
    let root = copy.path();
    assert_eq!(module_path(root), "example.com/textlines");
    let on_reference = vet_undeclared(root, Arch::Amd64);
    let (mut vetted, mut duplicated) = (0, 0);
    let mut problems = Vec::new();
    for arch in [Arch::Arm64, Arch::Mips64, Arch::Mips64le] {
        let mine: Vec<_> = findings
            .iter()
            .filter(|f| f.arches.contains(arch))
            .collect();
        let undeclared: BTreeSet<_> = vet_undeclared(root, arch)
            .difference(&on_reference)
            .cloned()
            .collect();
        let found: BTreeSet<_> = mine.iter().map(|f| (f.path.clone(), f.span.line)).collect();
        if undeclared != found {
            problems.push(format!("{arch}: vet {undeclared:?}, abiport {found:?}"));
        }
        vetted += undeclared.len();
        for (dir, name) in compiler_duplicates(root, arch) {
            duplicated += 1;
            let hit = mine.iter().any(|f| {
                f.path.starts_with(&format!("{dir}/"))
                    && f.message
                        == format!(
                            "`{name}` is defined in both Go and assembly on {}",
                            f.arches
                        )
            });
            if !hit {
                problems.push(format!(
                    "{arch}: the compiler says {dir}.{name} is defined twice, abiport is silent"
                ));
            }
        }
        for f in &mine {
            if f.message.contains("defined in both") {
                let dir = f.path.rsplit_once('/').map_or("", |(d, _)| d).to_string();
                let name = f.message.split('`').nth(1).unwrap_or_default().to_string();
                if !compiler_duplicates(root, arch).contains(&(dir, name)) {
                    problems.push(format!(
                        "{arch}: {}:{} is no compiler error",
                        f.path, f.span.line
                    ));
                }
            }
        }
    }
    eprintln!("TEXT lines vs go vet: {vetted} matched; vs the compiler: {duplicated} duplicates");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // The case has both kinds, on two arches for the duplicate.
    assert_eq!((vetted, duplicated), (3, 2));
}

/// Compile a C file of the fixture into a `.syso` object with `cc`.
fn object(cc: &str, c_file: &Path, out: &Path) {
    let o = Command::new(cc)
        .args(["-x", "c", "-O2", "-c", "-o"])
        .arg(out)
        .arg(c_file)
        .output()
        .expect("run the C compiler");
    assert!(
        o.status.success(),
        "{cc}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// `go build` of the fixture's program for `arch` (linked): its error output.
fn link_errors(root: &Path, arch: Arch) -> String {
    let o = Command::new("go")
        .args(["build", "-o", "/dev/null", "."])
        .current_dir(root)
        .env("GOOS", "linux")
        .env("GOARCH", arch.name())
        .env("CGO_ENABLED", "0")
        .env("GOPROXY", "off")
        .env("GOWORK", "off")
        .env("GOFLAGS", "-mod=mod")
        .output()
        .expect("run go build");
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// (path, line, arches) of each missing-asm finding on `root`.
fn missing_asm_findings(root: &Path) -> Vec<(String, u64, String)> {
    let out = abiport()
        .arg("scan")
        .arg(root)
        .args([
            "--arch=mips64le,riscv64",
            "--rules=missing-asm",
            "--format=json",
        ])
        .current_dir(root)
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["arches"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| a.as_str().unwrap())
                    .collect::<Vec<_>>()
                    .join(","),
            )
        })
        .collect()
}

/// `.syso` objects made at run time: `add_mips64le.syso` (mips64el gcc) defines
/// `example.com/syso/p.add`, so the compiler accepts the body-less `add` on mips64le and
/// abiport counts it there (riscv64, with nothing, is "missing function body" for both);
/// `helper.syso`, an x86-64 object without arch suffix, is linked into every arch and the
/// linker refuses it on mips64le, where abiport reports it. Without the objects, abiport
/// and the compiler agree again.
#[test]
fn syso_objects_agree_with_the_toolchain() {
    if !require_tool("go", "golang-go")
        || !require_tool("gcc", "gcc")
        || !require_tool("mips64el-linux-gnuabi64-gcc", "gcc-mips64el-linux-gnuabi64")
    {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    copy_dir(&crate::util::repo_root().join("tests/fixtures/syso"), root);
    let add = root.join("p/add_mips64le.syso");
    let helper = root.join("q/helper.syso");
    object(
        "mips64el-linux-gnuabi64-gcc",
        &root.join("p/add.c.txt"),
        &add,
    );
    object("gcc", &root.join("q/helper.c.txt"), &helper);

    let with = missing_asm_findings(root);
    assert_eq!(
        with,
        [
            ("p/p.go".to_string(), 5, "riscv64".to_string()),
            ("q/q.go".to_string(), 2, "mips64le,riscv64".to_string()),
        ]
    );
    let mips = link_errors(root, Arch::Mips64le);
    assert!(!mips.contains("missing function body"), "{mips}");
    assert!(
        mips.contains("helper.syso): elf object but not mips64"),
        "{mips}"
    );
    let riscv = link_errors(root, Arch::Riscv64);
    assert!(
        riscv.contains("p/p.go:5:6: missing function body"),
        "{riscv}"
    );

    std::fs::remove_file(&add).unwrap();
    std::fs::remove_file(&helper).unwrap();
    let without = missing_asm_findings(root);
    assert_eq!(
        without,
        [("p/p.go".to_string(), 5, "mips64le,riscv64".to_string())]
    );
    let mips = link_errors(root, Arch::Mips64le);
    assert!(mips.contains("p/p.go:5:6: missing function body"), "{mips}");
    assert!(!mips.contains("elf object"), "{mips}");
}
