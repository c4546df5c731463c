//! The compiler's verdict on the corpus: for every case and arch, `go build -gcflags=-e`
//! (Debian's Go, module mode, no network) must agree with `undefined-on-arch`:
//! every `undefined:` error is matched by a finding on that line for that arch, and no
//! finding for an arch sits in a package that compiles for that arch.

use crate::corpus::{cases, corpus_root, scan_case};
use crate::util::require_tool;
use abiport::arch::Arch;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

const ARCHES: [Arch; 3] = [Arch::Mips64le, Arch::Arm64, Arch::Riscv64];

/// Build one package dir for one arch; Ok(()) or the compiler's output.
pub fn go_build(module_root: &Path, pkg_dir: &str, arch: Arch) -> Result<(), String> {
    let vendored = module_root.join("vendor").is_dir();
    let target = if pkg_dir.is_empty() {
        ".".to_string()
    } else {
        format!("./{pkg_dir}")
    };
    let out = Command::new("go")
        .args(["build", "-gcflags=-e", "-o", "/dev/null", &target])
        .current_dir(module_root)
        .env("GOOS", "linux")
        .env("GOARCH", arch.name())
        .env("CGO_ENABLED", "0")
        .env("GOPROXY", "off")
        .env("GOWORK", "off")
        .env("GO111MODULE", "on")
        .env("GOTOOLCHAIN", "local")
        .env("GOFLAGS", if vendored { "-mod=vendor" } else { "-mod=mod" })
        .output()
        .expect("run go");
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// `(file, line)` of each `undefined:` error in compiler output, paths relative to the module.
pub fn undefined_errors(output: &str) -> BTreeSet<(String, usize)> {
    output
        .lines()
        .filter(|l| l.contains(": undefined: "))
        .filter_map(|l| {
            let mut parts = l.splitn(4, ':');
            let file = parts.next()?.trim_start_matches("./").to_string();
            let line = parts.next()?.parse().ok()?;
            Some((file, line))
        })
        .collect()
}

/// Package directories of a module (dirs with .go files, vendor/ excluded).
fn package_dirs(root: &Path) -> BTreeSet<String> {
    let mut dirs = BTreeSet::new();
    for e in ignore::WalkBuilder::new(root)
        .standard_filters(false)
        .build()
        .flatten()
    {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "go") {
            let rel = p
                .parent()
                .unwrap()
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            if rel != "vendor" && !rel.starts_with("vendor/") {
                dirs.insert(rel);
            }
        }
    }
    dirs
}

/// A temporary copy of a case, with Debian's golang.org/x/sys put into `vendor/` when
/// `vendor/modules.txt` lists it (third-party code is installed at test time, never shipped).
pub fn buildable_copy(case: &Path) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("temp dir");
    copy_dir(case, tmp.path());
    let modules = std::fs::read_to_string(case.join("vendor/modules.txt")).unwrap_or_default();
    if modules.contains("# golang.org/x/sys ") && !case.join("vendor/golang.org/x/sys").exists() {
        let xsys = Path::new("/usr/share/gocode/src/golang.org/x/sys");
        assert!(
            xsys.is_dir(),
            "Debian package golang-golang-x-sys-dev is not installed"
        );
        copy_dir(xsys, &tmp.path().join("vendor/golang.org/x/sys"));
    }
    tmp
}

pub fn copy_dir(from: &Path, to: &Path) {
    for e in ignore::WalkBuilder::new(from)
        .standard_filters(false)
        .build()
        .flatten()
    {
        let rel = e.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if e.file_type().is_some_and(|t| t.is_dir()) {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

fn dir_of(path: &str) -> String {
    path.rfind('/')
        .map_or(String::new(), |i| path[..i].to_string())
}

#[test]
fn corpus_agrees_with_the_compiler() {
    if !require_tool("go", "golang-go") {
        return;
    }
    let mut report = Vec::new();
    let mut problems = Vec::new();
    let (mut errors_total, mut errors_matched, mut wrong) = (0, 0, 0);
    let mut subjects: Vec<(String, PathBuf)> = cases()
        .into_iter()
        .filter(|(rule, case)| rule == "undefined-on-arch" && case.join("go.mod").exists())
        .collect();
    subjects.push(("undefined-on-arch".into(), corpus_root().join("demo")));
    for (rule, case) in subjects {
        let findings = scan_case(&rule, &case);
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let copy = buildable_copy(&case);
        let case = copy.path();
        for arch in ARCHES {
            // Finding lines for this arch, by package dir.
            let mut by_pkg: BTreeMap<String, BTreeSet<(String, usize)>> = BTreeMap::new();
            for f in findings.iter().filter(|f| f.arches.contains(arch)) {
                by_pkg
                    .entry(dir_of(&f.path))
                    .or_default()
                    .insert((f.path.clone(), f.span.line));
            }
            let all_lines: BTreeSet<(String, usize)> = by_pkg.values().flatten().cloned().collect();
            let mut errors = BTreeSet::new();
            for dir in package_dirs(case) {
                let verdict = go_build(case, &dir, arch);
                if let Err(out) = &verdict {
                    errors.extend(undefined_errors(out));
                }
                if verdict.is_ok() {
                    if let Some(lines) = by_pkg.get(&dir) {
                        wrong += lines.len();
                        problems.push(format!(
                            "{name} {arch}: package ./{dir} compiles but abiport reports {lines:?}"
                        ));
                    }
                }
            }
            for e in errors {
                errors_total += 1;
                if all_lines.contains(&e) {
                    errors_matched += 1;
                } else {
                    problems.push(format!(
                        "{name} {arch}: compiler says undefined at {}:{}, abiport is silent",
                        e.0, e.1
                    ));
                }
            }
        }
        report.push(name);
    }
    eprintln!(
        "compiler comparison over {} cases × {:?}: {errors_matched}/{errors_total} undefined errors matched, {wrong} findings on compiling packages",
        report.len(),
        ARCHES.map(|a| a.name())
    );
    assert!(!report.is_empty(), "no corpus case with go.mod");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
