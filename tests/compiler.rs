//! The compiler's verdict on the corpus: for every case and arch, `go build -gcflags=-e`
//! (Debian's Go, module mode, no network) must agree with `undefined-on-arch`:
//! every `undefined:` error (names and members) is matched by a finding on that line for that arch, and no
//! finding for an arch sits in a package that compiles for that arch.
//!
//! Both cgo settings are compared: `CGO_ENABLED=0` for every case, and `CGO_ENABLED=1`
//! (with Debian's cross C compiler) for cases whose files read cgo, on the arches that
//! compiler exists for. A finding counts for a setting when its `configs` holds it.

use crate::corpus::{case_argv, cases, corpus_root, scan_options};
use crate::util::require_tool;
use abiport::arch::Arch;
use abiport::constraints::Cgo;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

const ARCHES: [Arch; 3] = [Arch::Mips64le, Arch::Arm64, Arch::Riscv64];

/// The cross C compiler `CGO_ENABLED=1` builds for `arch` with (installed by
/// scripts/install-deps.sh), if there is one with its C library headers.
pub fn cross_cc(arch: Arch) -> Option<&'static str> {
    match arch {
        Arch::Mips64le => Some("mips64el-linux-gnuabi64-gcc"),
        Arch::Amd64 => Some("gcc"),
        _ => None,
    }
}

/// Whether some Go file of the case reads cgo: `import "C"` or `cgo` in a constraint.
pub fn reads_cgo(case: &Path) -> bool {
    ignore::WalkBuilder::new(case)
        .standard_filters(false)
        .build()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "go"))
        .any(|e| {
            let text = std::fs::read_to_string(e.path()).unwrap_or_default();
            text.contains("import \"C\"")
                || text.lines().any(|l| {
                    (l.starts_with("//go:build") || l.starts_with("// +build")) && l.contains("cgo")
                })
        })
}

/// The (cgo setting, arch) pairs a case is compared on: every arch of `arches` without
/// cgo; with cgo too when the case reads it, where a cross C compiler exists.
pub fn settings(case: &Path, arches: &[Arch]) -> Vec<(Cgo, Arch)> {
    let mut out: Vec<(Cgo, Arch)> = arches.iter().map(|&a| (Cgo::Off, a)).collect();
    if reads_cgo(case) {
        out.extend(
            arches
                .iter()
                .filter(|&&a| cross_cc(a).is_some())
                .map(|&a| (Cgo::On, a)),
        );
    }
    out
}

/// Build one package dir for one arch and cgo setting; Ok(()) or the compiler's output.
pub fn go_build(module_root: &Path, pkg_dir: &str, arch: Arch, cgo: Cgo) -> Result<(), String> {
    let vendored = module_root.join("vendor").is_dir();
    let target = if pkg_dir.is_empty() {
        ".".to_string()
    } else {
        format!("./{pkg_dir}")
    };
    let mut cmd = Command::new("go");
    if cgo == Cgo::On {
        cmd.env(
            "CC",
            cross_cc(arch).expect("a cross C compiler for the arch"),
        );
    }
    let out = cmd
        .args(["build", "-gcflags=-e", "-o", "/dev/null", &target])
        .current_dir(module_root)
        .env("GOOS", "linux")
        .env("GOARCH", arch.name())
        .env("CGO_ENABLED", if cgo == Cgo::On { "1" } else { "0" })
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

/// `(file, line)` of each undefined name (`undefined: x`) or member (`x.F undefined (type
/// T has no field or method F)`) in compiler output, paths relative to the module.
pub fn undefined_errors(output: &str) -> BTreeSet<(String, usize)> {
    output
        .lines()
        .filter(|l| l.contains(": undefined: ") || l.contains(" has no field or method "))
        .filter_map(|l| {
            let mut parts = l.splitn(4, ':');
            let file = parts.next()?.trim_start_matches("./").to_string();
            let line = parts.next()?.parse().ok()?;
            Some((file, line))
        })
        .collect()
}

/// Package directories of a module (dirs with .go files, vendor/ excluded).
pub fn package_dirs(root: &Path) -> BTreeSet<String> {
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

/// A case's findings with every suppression ignored: the compiler knows no directive, so a
/// finding accepted by one (the demo has one) still counts in the comparison.
fn scan_unsuppressed(rule: &str, case: &std::path::Path) -> Vec<abiport::finding::Finding> {
    let mut argv = case_argv(rule, case);
    argv.push("--ignore-suppressions".into());
    abiport::scan::analyze(&scan_options(&argv))
        .expect("scan")
        .findings
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
        let findings = scan_unsuppressed(&rule, &case);
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let copy = buildable_copy(&case);
        let case = copy.path();
        for (cgo, arch) in settings(case, &ARCHES) {
            // Finding lines for this arch and setting, by package dir.
            let mut by_pkg: BTreeMap<String, BTreeSet<(String, usize)>> = BTreeMap::new();
            for f in findings
                .iter()
                .filter(|f| f.arches.contains(arch) && f.configs.contains(cgo))
            {
                by_pkg
                    .entry(dir_of(&f.path))
                    .or_default()
                    .insert((f.path.clone(), f.span.line));
            }
            let all_lines: BTreeSet<(String, usize)> = by_pkg.values().flatten().cloned().collect();
            let mut errors = BTreeSet::new();
            for dir in package_dirs(case) {
                let verdict = go_build(case, &dir, arch, cgo);
                if let Err(out) = &verdict {
                    errors.extend(undefined_errors(out));
                }
                if verdict.is_ok() {
                    if let Some(lines) = by_pkg.get(&dir) {
                        wrong += lines.len();
                        problems.push(format!(
                            "{name} {arch} {}: package ./{dir} compiles but abiport reports {lines:?}",
                            cgo.name()
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
                        "{name} {arch} {}: compiler says undefined at {}:{}, abiport is silent",
                        cgo.name(),
                        e.0,
                        e.1
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

/// Arches the type-aware rules are compared on (issue 4).
const TYPE_ARCHES: [Arch; 5] = [
    Arch::Mips64le,
    Arch::Mips64,
    Arch::Arm64,
    Arch::Riscv64,
    Arch::I386,
];

/// Rules whose compile-class findings must match the compiler's type errors.
const TYPE_RULES: [&str; 3] = [
    "struct-field-width",
    "epoll-event-layout",
    "abi-struct-drift",
];

/// `(file, line)` of each type-mismatch error: the class the type-aware rules own.
pub fn type_errors(output: &str) -> BTreeSet<(String, usize)> {
    const CLASS: [&str; 9] = [
        "cannot use ",
        "mismatched types",
        "too few values",
        "too many values",
        "unknown field",
        "has no field or method",
        "implicit assignment to unexported field",
        "invalid field name",
        "(mismatched types",
    ];
    output
        .lines()
        .filter(|l| CLASS.iter().any(|c| l.contains(c)))
        .filter_map(|l| {
            let mut parts = l.splitn(4, ':');
            let file = parts.next()?.trim_start_matches("./").to_string();
            let line = parts.next()?.parse().ok()?;
            Some((file, line))
        })
        .collect()
}

/// Findings that describe a run-time layout problem rather than a compile error: wrong
/// vendored layouts and byte-size assumptions. They may sit in packages that compile.
fn is_runtime_class(f: &abiport::finding::Finding) -> bool {
    f.rule == "abi-struct-drift" || (f.rule == "epoll-event-layout" && f.message.contains("-byte"))
}

/// Lines a finding covers: its own, and the use sites its message names ("at line 33").
fn covered_lines(f: &abiport::finding::Finding) -> BTreeSet<(String, usize)> {
    let mut out = BTreeSet::new();
    out.insert((f.path.clone(), f.span.line));
    let re = regex::Regex::new(r"\bat lines? ((?:\d+(?:, )?)+)").unwrap();
    for c in re.captures_iter(&f.message) {
        for n in c[1].split(", ").filter_map(|n| n.trim().parse().ok()) {
            out.insert((f.path.clone(), n));
        }
    }
    out
}

#[test]
fn type_rules_agree_with_the_compiler() {
    if !require_tool("go", "golang-go") {
        return;
    }
    let mut problems = Vec::new();
    let (mut errors_total, mut errors_matched) = (0, 0);
    let (mut findings_total, mut findings_wrong) = (0, 0);
    let mut runtime_class = 0;
    let mut names = Vec::new();
    let mut subjects: Vec<(String, PathBuf)> = cases()
        .into_iter()
        .filter(|(rule, case)| TYPE_RULES.contains(&rule.as_str()) && case.join("go.mod").exists())
        .collect();
    let registered: Vec<&str> = TYPE_RULES
        .into_iter()
        .filter(|r| abiport::rules::by_id(r).is_some())
        .collect();
    subjects.push((registered.join(","), corpus_root().join("demo")));
    for (rule, case) in subjects {
        let findings: Vec<_> = scan_unsuppressed(&rule, &case)
            .into_iter()
            .filter(|f| TYPE_RULES.contains(&f.rule))
            .collect();
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        runtime_class += findings.iter().filter(|f| is_runtime_class(f)).count();
        let copy = buildable_copy(&case);
        let root = copy.path();
        for (cgo, arch) in settings(root, &TYPE_ARCHES) {
            let mine: Vec<_> = findings
                .iter()
                .filter(|f| f.arches.contains(arch) && f.configs.contains(cgo))
                .filter(|f| !is_runtime_class(f))
                .collect();
            let mut errors = BTreeSet::new();
            let mut compiles = BTreeSet::new();
            for dir in package_dirs(root) {
                match go_build(root, &dir, arch, cgo) {
                    Ok(()) => {
                        compiles.insert(dir);
                    }
                    Err(out) => errors.extend(type_errors(&out)),
                }
            }
            let covered: BTreeSet<(String, usize)> =
                mine.iter().flat_map(|f| covered_lines(f)).collect();
            for e in &errors {
                errors_total += 1;
                if covered.contains(e) {
                    errors_matched += 1;
                } else {
                    problems.push(format!(
                        "{name} {arch} {}: compiler reports a type error at {}:{}, abiport is silent",
                        cgo.name(),
                        e.0,
                        e.1
                    ));
                }
            }
            for f in &mine {
                findings_total += 1;
                let in_compiling = compiles.contains(&dir_of(&f.path));
                let matches_error = covered_lines(f).iter().any(|l| errors.contains(l));
                if in_compiling || !matches_error {
                    findings_wrong += 1;
                    problems.push(format!(
                        "{name} {arch} {}: {} finding at {}:{} matches no compiler error{}",
                        cgo.name(),
                        f.rule,
                        f.path,
                        f.span.line,
                        if in_compiling {
                            " (package compiles)"
                        } else {
                            ""
                        }
                    ));
                }
            }
        }
        names.push(name);
    }
    let pct = |a: usize, b: usize| {
        if b == 0 {
            100.0
        } else {
            100.0 * a as f64 / b as f64
        }
    };
    eprintln!(
        "type rules vs compiler over {} packages × {:?}: recall {errors_matched}/{errors_total} ({:.1} %), false positives {findings_wrong}/{findings_total} ({:.1} %); {runtime_class} run-time-class findings (layouts, byte sizes) not compared",
        names.len(),
        TYPE_ARCHES.map(|a| a.name()),
        pct(errors_matched, errors_total),
        pct(findings_wrong, findings_total),
    );
    assert!(
        errors_total > 0,
        "no type errors in the corpus: nothing compared"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
