//! `missing-asm` against the compiler: every "missing function body" that `go build` reports
//! (Debian's Go 1.19, `CGO_ENABLED=0`) and every "relocation target … not defined" when a
//! program calling the function links must be a finding for that arch, and every finding
//! must be one of those errors — on the corpus and on a real package (Debian's snappy with
//! its arm64 assembly taken away). Debian's whole tree, which Debian builds on mips64el,
//! must give no finding. Also `edit::align` against gofmt's layout of real files (the
//! realignment the safe impossible-goarch fix of a map key needs).

use crate::compiler::{copy_dir, go_build, package_dirs};
use crate::corpus::{cases, scan_case};
use crate::util::{abiport, module_path, require_tool};
use abiport::arch::Arch;
use abiport::constraints::Cgo;
use abiport::finding::Finding;
use abiport::scan::{analyze, ScanOptions};
use std::collections::BTreeSet;
use std::path::Path;

const ARCHES: [Arch; 5] = [
    Arch::Amd64,
    Arch::Arm64,
    Arch::S390x,
    Arch::Mips64le,
    Arch::Riscv64,
];

/// `(file, line)` of each "missing function body" in compiler output.
fn missing_bodies(output: &str) -> BTreeSet<(String, usize)> {
    output
        .lines()
        .filter(|l| l.ends_with(": missing function body"))
        .filter_map(|l| {
            let mut parts = l.splitn(3, ':');
            let file = parts.next()?.trim_start_matches("./").to_string();
            Some((file, parts.next()?.parse().ok()?))
        })
        .collect()
}

/// The symbols (`example.com/x/vec.dot`) of each "relocation target … not defined".
fn undefined_symbols(output: &str) -> BTreeSet<String> {
    output
        .lines()
        .filter_map(|l| {
            let rest = l.split("relocation target ").nth(1)?;
            Some(rest.strip_suffix(" not defined")?.to_string())
        })
        .collect()
}

/// The function a finding is about: its message starts with it in backticks.
fn function(f: &Finding) -> &str {
    f.message.split('`').nth(1).unwrap_or_default()
}

/// Compare the findings on `root` (module `module`) with `go build` of every package for
/// each arch; returns (errors, errors matched), pushing every disagreement to `problems`.
fn compare(
    name: &str,
    root: &Path,
    module: &str,
    findings: &[Finding],
    problems: &mut Vec<String>,
) -> (usize, usize) {
    let (mut total, mut matched) = (0, 0);
    for arch in ARCHES {
        let (mut bodies, mut symbols) = (BTreeSet::new(), BTreeSet::new());
        for dir in package_dirs(root) {
            if let Err(out) = go_build(root, &dir, arch, Cgo::Off) {
                bodies.extend(missing_bodies(&out));
                symbols.extend(undefined_symbols(&out));
            }
        }
        // Findings at `TEXT` lines are `go vet`'s and the compiler's duplicate check
        // (tests/go_blockers2.rs), not these errors.
        let mine: Vec<&Finding> = findings
            .iter()
            .filter(|f| f.rule == "missing-asm" && f.arches.contains(arch))
            .filter(|f| !f.path.ends_with(".s"))
            .collect();
        let symbol_of = |f: &Finding| {
            let dir = f.path.rsplit_once('/').map_or("", |(d, _)| d);
            let pkg = if dir.is_empty() {
                module.to_string()
            } else {
                format!("{module}/{dir}")
            };
            format!("{pkg}.{}", function(f))
        };
        for f in &mine {
            let at = (f.path.clone(), f.span.line);
            if !bodies.contains(&at) && !symbols.contains(&symbol_of(f)) {
                problems.push(format!(
                    "{name} {arch}: finding at {}:{} matches no compiler or linker error",
                    f.path, f.span.line
                ));
            }
        }
        for b in &bodies {
            total += 1;
            if mine.iter().any(|f| (f.path.clone(), f.span.line) == *b) {
                matched += 1;
            } else {
                problems.push(format!(
                    "{name} {arch}: compiler says missing function body at {}:{}, abiport is silent",
                    b.0, b.1
                ));
            }
        }
        for s in &symbols {
            total += 1;
            if mine.iter().any(|f| symbol_of(f) == *s) {
                matched += 1;
            } else {
                problems.push(format!(
                    "{name} {arch}: linker says {s} is not defined, abiport is silent"
                ));
            }
        }
    }
    (total, matched)
}

#[test]
fn corpus_agrees_with_the_compiler_and_linker() {
    if !require_tool("go", "golang-go") {
        return;
    }
    let mut problems = Vec::new();
    let (mut total, mut matched, mut link_errors) = (0, 0, 0);
    let subjects: Vec<_> = cases()
        .into_iter()
        .filter(|(rule, _)| rule == "missing-asm")
        .collect();
    assert!(!subjects.is_empty(), "no missing-asm corpus case");
    for (rule, case) in subjects {
        let findings = scan_case(&rule, &case);
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        let copy = tempfile::tempdir().unwrap();
        copy_dir(&case, copy.path());
        let (t, m) = compare(
            &name,
            copy.path(),
            &module_path(&case),
            &findings,
            &mut problems,
        );
        total += t;
        matched += m;
        link_errors += findings
            .iter()
            .filter(|f| f.fact.contains("fails to link"))
            .count();
    }
    eprintln!("missing-asm vs go build: {matched}/{total} errors matched");
    assert!(total > 0, "the corpus gives the compiler nothing to reject");
    assert!(link_errors > 0, "no link-only case in the corpus");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

const SNAPPY: &str = "/usr/share/gocode/src/github.com/golang/snappy";

fn scan_all(root: &Path) -> Vec<Finding> {
    let mut opts = ScanOptions::new(root, abiport::arch::ArchSet::ALL, Arch::Amd64);
    opts.rules = vec![abiport::rules::by_id("missing-asm").unwrap()];
    analyze(&opts).unwrap().findings
}

/// snappy declares `decode`, `encodeBlock`… without a body under `// +build amd64 arm64`
/// and implements them in `*_amd64.s` and `*_arm64.s`: silent, and it builds. Without the
/// arm64 assembly (a port that widened the constraint and forgot the `.s` file), every
/// body-less function is a finding for arm64 alone, exactly where the compiler rejects it.
#[test]
fn real_package_without_its_arm64_assembly() {
    if !require_tool("go", "golang-go") {
        return;
    }
    if !Path::new(SNAPPY).is_dir() {
        if std::env::var_os("CI").is_some() {
            panic!("Debian's golang-github-golang-snappy-dev is missing: run scripts/install-debian-tree.sh");
        }
        eprintln!("skipping: Debian's snappy is not installed");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(Path::new(SNAPPY), tmp.path());
    let root = tmp.path();
    assert_eq!(scan_all(root), Vec::new(), "snappy as Debian ships it");
    let mut problems = Vec::new();
    let (total, matched) = compare(
        "snappy",
        root,
        "github.com/golang/snappy",
        &[],
        &mut problems,
    );
    assert_eq!((total, matched), (0, 0), "{problems:?}");

    for s in ["decode_arm64.s", "encode_arm64.s"] {
        std::fs::remove_file(root.join(s)).unwrap();
    }
    let findings = scan_all(root);
    let got: Vec<(String, String)> = findings
        .iter()
        .map(|f| (function(f).to_string(), f.arches.names().join(",")))
        .collect();
    assert_eq!(
        got,
        [
            "decode",
            "emitLiteral",
            "emitCopy",
            "extendMatch",
            "encodeBlock"
        ]
        .map(|n| (n.to_string(), "arm64".to_string()))
    );
    let (total, matched) = compare(
        "snappy",
        root,
        "github.com/golang/snappy",
        &findings,
        &mut problems,
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert_eq!((total, matched), (5, 5));
}

/// Debian builds every package of its Go tree on mips64el, so a finding there would be a
/// false positive; the tree's 227 body-less functions beside `.s` files are all covered.
#[test]
fn debian_tree_gives_no_finding() {
    let Some(tree) = crate::util::debian_go_tree("golang.org/x/crypto") else {
        return;
    };
    let out = abiport()
        .arg("scan")
        .arg(tree)
        .args(["--arch=all", "--rules=missing-asm", "--format=json"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["findings"], serde_json::json!([]));
    assert_eq!(out.status.code(), Some(0));
}

/// The `.s` files are read only when the rule runs: another rule's scan of a tree with a
/// `.s` file that cannot be read stays clean.
#[test]
fn assembly_is_read_only_for_the_rule() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    std::fs::write(root.join("go.mod"), "module example.com/a\n\ngo 1.19\n").unwrap();
    std::fs::write(root.join("a.go"), "package a\n\nfunc f() int\n").unwrap();
    // Not valid UTF-8: a note when read.
    std::fs::write(root.join("a_amd64.s"), b"TEXT \xb7f(SB),$0\n\x00").unwrap();
    let run = |rules: &str| {
        let out = abiport()
            .arg("scan")
            .arg(root)
            .args(["--arch=all", &format!("--rules={rules}"), "--format=json"])
            .output()
            .unwrap();
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    assert_eq!(run("undefined-on-arch")["notes"], serde_json::json!([]));
    let notes = run("missing-asm")["notes"].to_string();
    assert!(notes.contains("a_amd64.s"), "{notes}");
}

/// `edit::align::realign` lays out `key: value` sections (and their trailing comments) as
/// gofmt does: in every gofmt-clean Go file of Debian's x/sys, x/net and containerd,
/// realigning around every `key: value,` line changes nothing.
#[test]
fn realign_keeps_gofmt_clean_files_unchanged() {
    let roots = [
        "/usr/share/gocode/src/golang.org/x/sys/unix",
        "/usr/share/gocode/src/golang.org/x/net",
        "/usr/share/gocode/src/github.com/containerd/containerd",
    ];
    if !require_tool("gofmt", "golang-go") || !Path::new(roots[0]).is_dir() {
        return;
    }
    let pair_line = regex::Regex::new(r#"^\s*("[^"]*"|[\w.]+):\s+\S.*,\s*(//.*)?\n?$"#).unwrap();
    let mut checked = 0;
    let mut changed = Vec::new();
    for root in roots {
        let files: Vec<_> = ignore::WalkBuilder::new(root)
            .standard_filters(false)
            .build()
            .flatten()
            .filter(|e| e.path().extension().is_some_and(|x| x == "go"))
            .map(|e| e.into_path())
            .collect();
        let unformatted = std::process::Command::new("gofmt")
            .arg("-l")
            .args(&files)
            .output()
            .unwrap();
        let unformatted = String::from_utf8_lossy(&unformatted.stdout).into_owned();
        for f in files {
            if unformatted.lines().any(|l| Path::new(l) == f) {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&f) else {
                continue;
            };
            // An empty edit at the start of each `key: value,` line touches it.
            let mut edits = Vec::new();
            let mut at = 0;
            for line in text.split_inclusive('\n') {
                if pair_line.is_match(line) {
                    edits.push(abiport::finding::Edit::insert(at, ""));
                }
                at += line.len();
            }
            if edits.is_empty() {
                continue;
            }
            checked += 1;
            if abiport::edit::align::realign(&text, &edits) != text {
                changed.push(f.display().to_string());
            }
        }
    }
    eprintln!(
        "realign over {checked} gofmt-clean files: {} changed",
        changed.len()
    );
    assert!(checked > 300, "only {checked} files checked");
    assert!(changed.is_empty(), "{}", changed.join("\n"));
}

/// Go's own sources build for every arch their `.s` files do, tests included: no `TEXT`
/// line of theirs is undeclared or defined twice on a target. Go 1.19's
/// `flags_arm64_test.s` and `asm_arm64_test.s` define functions only the package's tests
/// declare, as `go vet` reads them.
#[test]
fn go_sources_give_no_text_line_finding() {
    let at_text = crate::util::goroot_findings("missing-asm", |f| {
        f["path"].as_str().unwrap().ends_with(".s")
    });
    let Some(at_text) = at_text else {
        return;
    };
    assert!(at_text.is_empty(), "{}", at_text.join("\n"));
}
