//! `abiport scan` end to end: exit codes, determinism, bad input, conventions.

use crate::util::{repo_root, run, tree_of};
use std::fs;

#[test]
fn demo_scan_exits_1_with_findings() {
    let out = run(
        &[
            "scan",
            "corpus/demo",
            "--arch",
            "mips64le",
            "--format",
            "json",
        ],
        repo_root(),
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = v["findings"].as_array().unwrap();
    assert!(findings
        .iter()
        .any(|f| f["message"].as_str().unwrap().contains("system.Setuid")));
    for f in findings {
        for key in [
            "rule",
            "severity",
            "path",
            "line",
            "column",
            "end_line",
            "end_column",
            "arches",
            "message",
            "fact",
            "fixable",
        ] {
            assert!(f.get(key).is_some(), "finding lacks {key}: {f}");
        }
    }
    assert!(v["stats"]["parsed_files"].as_u64().unwrap() <= v["stats"]["files"].as_u64().unwrap());
}

#[test]
fn clean_tree_exits_0() {
    let out = run(
        &[
            "scan",
            "corpus/undefined-on-arch/per-arch-complete",
            "--arch",
            "all",
        ],
        repo_root(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn output_is_identical_whatever_the_jobs() {
    let one = run(
        &[
            "scan", "corpus", "--arch", "all", "--format", "json", "--jobs", "1",
        ],
        repo_root(),
    );
    let many = run(
        &[
            "scan", "corpus", "--arch", "all", "--format", "json", "--jobs", "8",
        ],
        repo_root(),
    );
    // No timing in the document unless --stats: the bytes are the same.
    assert_eq!(
        String::from_utf8_lossy(&one.stdout),
        String::from_utf8_lossy(&many.stdout)
    );
    let v: serde_json::Value = serde_json::from_slice(&one.stdout).unwrap();
    assert!(!v["findings"].as_array().unwrap().is_empty());
    assert!(v["stats"].get("seconds").is_none(), "{v}");
    let timed = run(
        &[
            "scan",
            "corpus/demo",
            "--arch",
            "all",
            "--format",
            "json",
            "--stats",
        ],
        repo_root(),
    );
    let v: serde_json::Value = serde_json::from_slice(&timed.stdout).unwrap();
    assert!(v["stats"]["seconds"].is_number(), "{v}");
}

#[test]
fn stats_break_the_run_into_phases() {
    let dir = tempfile::tempdir().unwrap();
    let write = |rel: &str, text: &str| fs::write(dir.path().join(rel), text).unwrap();
    write("go.mod", "module example.com/p\n\ngo 1.19\n");
    let body = "import \"syscall\"\n\nfunc Sel() uintptr { return syscall.SYS_SELECT }\n";
    write("on.go", &format!("//go:build cgo\n\npackage p\n\n{body}"));
    write("off.go", "//go:build !cgo\n\npackage p\n");
    let out = run(
        &["scan", ".", "--arch", "all", "--format", "json", "--stats"],
        dir.path(),
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let phases = v["stats"]["phases"].as_array().unwrap();
    let names: Vec<&str> = phases.iter().map(|p| p["name"].as_str().unwrap()).collect();
    // (`local types`: the declarations struct-field-width's token test reads.)
    let first = [
        "walk",
        "headers",
        "index",
        "lex declarations",
        "local types",
        "plan",
    ];
    assert_eq!(names[..6], first, "{names:?}");
    for name in [
        "check",
        "parse",
        "imports",
        "rules",
        "fixes",
        "merge",
        "suppressions",
    ] {
        assert!(names.contains(&name), "{name}: {names:?}");
    }
    // The second cgo setting is judged for the affected packages, and says so.
    assert!(
        names.iter().any(|n| n.starts_with("check [CGO_ENABLED=")),
        "{names:?}"
    );
    // Build files are checked on a pool thread beside the Go files' phases: a CPU row.
    assert!(
        names.contains(&"build files (beside the Go files)"),
        "{names:?}"
    );
    let phase = |name: &str| phases.iter().find(|p| p["name"] == name).unwrap();
    assert_eq!(phase("walk")["files"], 2);
    assert_eq!(phase("headers")["bytes"], v["stats"]["bytes"]);
    assert_eq!(phase("rules")["cpu"], true);
    assert!(phases.iter().all(|p| p["seconds"].as_f64().unwrap() >= 0.0));
    // A wall-time phase also tells the process's CPU time meanwhile (every thread); the
    // per-file rows, already CPU time, do not.
    for p in phases {
        let process = p["process_cpu_seconds"].as_f64();
        if p["cpu"] == true {
            assert!(process.is_none(), "{p}");
        } else if cfg!(unix) {
            assert!(process.is_some_and(|c| c >= 0.0), "{p}");
        }
    }
    // The same phases on stderr, as a table, with the report's own phase last.
    let err = String::from_utf8_lossy(&out.stderr);
    let table: Vec<&str> = err
        .lines()
        .skip_while(|l| !l.starts_with("phase "))
        .collect();
    assert_eq!(table.len(), names.len() + 2, "{err}");
    assert!(table[0]
        .split_whitespace()
        .eq(["phase", "seconds", "cpu", "files", "MB", "MB/s"]));
    assert!(table.last().unwrap().starts_with("report "), "{err}");
    // Without --stats: no phases in the document.
    let plain = run(&["scan", ".", "--format", "json"], dir.path());
    let v: serde_json::Value = serde_json::from_slice(&plain.stdout).unwrap();
    assert!(v["stats"].get("phases").is_none(), "{v}");
}

#[test]
fn usage_errors_exit_2_with_suggestions() {
    // mips64el is an accepted alias (issue 15); a typo of it is not.
    let out = run(&["scan", "corpus/demo", "--arch", "mips64ell"], repo_root());
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("mips64le"), "{err}");
    let out = run(
        &["scan", "corpus/demo", "--rules", "undefined-on-arc"],
        repo_root(),
    );
    assert_eq!(out.status.code(), Some(2));
    let out = run(&["scan", "no/such/dir"], repo_root());
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn bad_input_is_a_note_and_the_run_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("p")).unwrap();
    fs::write(root.join("go.mod"), "module example.com/bad\n\ngo 1.19\n").unwrap();
    // Unparsable Go, binary, non-UTF-8, no package clause, a malformed constraint.
    fs::write(
        root.join("p/broken.go"),
        "package p\nfunc ( {{{ syscall.SYS_EPOLL_WAIT\n",
    )
    .unwrap();
    fs::write(root.join("p/binary.go"), b"package p\x00\x01\x02").unwrap();
    fs::write(root.join("p/latin1.go"), b"package p\n// caf\xe9\n").unwrap();
    fs::write(root.join("p/nopkg.go"), "func main() {}\n").unwrap();
    fs::write(
        root.join("p/badtag.go"),
        "//go:build linux &&\n\npackage p\n",
    )
    .unwrap();
    // A real finding next to them still comes out.
    fs::write(
        root.join("p/real.go"),
        "package p\n\nimport \"syscall\"\n\nvar N = syscall.SYS_EPOLL_WAIT\n",
    )
    .unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(root.join("p"), root.join("p/loop")).unwrap();
    let out = run(&["scan", ".", "--arch", "arm64", "--format", "json"], root);
    assert_eq!(
        out.status.code(),
        Some(1),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let notes: Vec<String> = v["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.to_string())
        .collect();
    let all = notes.join("\n");
    for needle in ["binary.go", "latin1.go", "nopkg.go", "badtag.go", "loop"] {
        assert!(all.contains(needle), "no note for {needle}: {all}");
    }
    let paths: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(paths.contains(&"p/real.go"), "{paths:?}");
}

#[test]
fn scan_never_writes() {
    let dir = tempfile::tempdir().unwrap();
    crate::compiler::copy_dir(&repo_root().join("corpus/demo"), dir.path());
    let before = snapshot_tree(dir.path());
    let out = run(&["scan", ".", "--arch", "all"], dir.path());
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(before, snapshot_tree(dir.path()));
}

fn snapshot_tree(root: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<(String, Vec<u8>)> = ignore::WalkBuilder::new(root)
        .standard_filters(false)
        .build()
        .flatten()
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .map(|e| (e.path().display().to_string(), fs::read(e.path()).unwrap()))
        .collect();
    v.sort();
    v
}

#[test]
fn every_rule_has_module_doc_corpus_and_snapshots() {
    let root = repo_root();
    for rule in abiport::rules::RULES {
        let m = rule.meta();
        let module = m.id.replace('-', "_");
        assert!(
            root.join(format!("src/rules/{module}.rs")).is_file(),
            "{}: no module",
            m.id
        );
        let doc = fs::read_to_string(root.join(format!("rules/{}.md", m.id))).expect("rule doc");
        assert_eq!(
            doc, m.doc,
            "{}: doc not embedded from rules/{}.md",
            m.id, m.id
        );
        for heading in [
            "## What it finds",
            "## Why it breaks",
            "## Arches",
            "## Example",
            "## Use instead",
        ] {
            assert!(doc.contains(heading), "{}: doc lacks {heading}", m.id);
        }
        assert!(
            root.join(format!("corpus/{}", m.id)).is_dir(),
            "{}: no corpus",
            m.id
        );
        let snaps = fs::read_dir(root.join("snapshots"))
            .unwrap()
            .flatten()
            .any(|e| {
                e.file_name()
                    .to_string_lossy()
                    .starts_with(&format!("{}__", m.id))
            });
        assert!(snaps, "{}: no snapshots", m.id);
        assert!(
            !m.summary.ends_with('.') && m.summary.chars().next().is_some_and(|c| c.is_lowercase()),
            "{}: summary style",
            m.id
        );
    }
    // No orphan docs.
    for e in fs::read_dir(root.join("rules")).unwrap().flatten() {
        let name = e
            .file_name()
            .to_string_lossy()
            .trim_end_matches(".md")
            .to_string();
        assert!(
            abiport::rules::by_id(&name).is_some(),
            "rules/{name}.md has no rule"
        );
    }
}

#[test]
fn messages_follow_the_convention() {
    // clippy style: lowercase start, no trailing period, every finding has arches and a fact.
    let out = run(
        &["scan", "corpus", "--arch", "all", "--format", "json"],
        repo_root(),
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = v["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    for f in findings {
        let msg = f["message"].as_str().unwrap();
        assert!(!msg.ends_with('.'), "{msg}");
        assert!(!msg.starts_with(|c: char| c.is_uppercase()), "{msg}");
        assert!(!f["arches"].as_array().unwrap().is_empty(), "{msg}");
        assert!(!f["fact"].as_str().unwrap().is_empty(), "{msg}");
    }
}

#[test]
fn rules_command_prints_docs() {
    let out = run(&["rules"], repo_root());
    assert!(String::from_utf8_lossy(&out.stdout).contains("undefined-on-arch"));
    let out = run(&["rules", "undefined-on-arch"], repo_root());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("# undefined-on-arch"));
    let out = run(&["rules", "undefined-on-arc"], repo_root());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("did you mean undefined-on-arch"));
}

/// A Kubernetes-style tree: `vendor/example.com/lib` is a symlink to the module's
/// `staging/src/example.com/lib`. The walk reaches lib.go twice; abiport reports it once,
/// at its real path, and the fix diff names that path so `git apply` takes it.
#[cfg(unix)]
#[test]
fn files_behind_an_in_tree_symlink_are_reported_once_at_their_real_path() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |rel: &str, text: &str| {
        let p = root.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    };
    write("go.mod", "module example.com/app\n\ngo 1.19\n\nrequire example.com/lib v0.0.0\n\nreplace example.com/lib => ./staging/src/example.com/lib\n");
    write(
        "vendor/modules.txt",
        "# example.com/lib v0.0.0 => ./staging/src/example.com/lib\n## explicit\nexample.com/lib\n# example.com/lib => ./staging/src/example.com/lib\n",
    );
    write(
        "staging/src/example.com/lib/go.mod",
        "module example.com/lib\n\ngo 1.19\n",
    );
    write(
        "staging/src/example.com/lib/lib.go",
        "package lib\n\nimport \"syscall\"\n\n// Pid asks the kernel for the pid with x86-64's number.\nfunc Pid() uintptr {\n\tr, _, _ := syscall.RawSyscall(39, 0, 0, 0)\n\treturn r\n}\n",
    );
    write(
        "main.go",
        "package main\n\nimport \"example.com/lib\"\n\nfunc main() { println(lib.Pid()) }\n",
    );
    fs::create_dir_all(root.join("vendor/example.com")).unwrap();
    std::os::unix::fs::symlink(
        "../../staging/src/example.com/lib",
        root.join("vendor/example.com/lib"),
    )
    .unwrap();
    let out = crate::util::abiport()
        .args(["scan", "--arch", "mips64le", "--format", "json"])
        .arg(root)
        .current_dir(root)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let paths: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, vec!["staging/src/example.com/lib/lib.go"]);

    let fix = crate::util::abiport()
        .args(["fix", "--arch", "mips64le"])
        .arg(root)
        .output()
        .unwrap();
    let diff = String::from_utf8_lossy(&fix.stdout);
    assert!(
        diff.starts_with("diff --git a/staging/src/example.com/lib/lib.go "),
        "{diff}"
    );
    assert_eq!(diff.matches("diff --git").count(), 1, "{diff}");
    if crate::util::require_tool("git", "git") {
        let apply = crate::fix::git(root, &["apply", "-"], Some(&fix.stdout));
        assert!(
            apply.status.success(),
            "{}",
            String::from_utf8_lossy(&apply.stderr)
        );
        let fixed = fs::read_to_string(root.join("vendor/example.com/lib/lib.go")).unwrap();
        assert!(fixed.contains("syscall.SYS_GETPID"), "{fixed}");
    }
}

#[test]
fn library_scan_needs_no_command_line() {
    use abiport::arch::{Arch, ArchSet};
    use abiport::scan::{analyze, ScanOptions};
    let root = repo_root().join("corpus/demo");
    let by_hand = ScanOptions::new(&root, ArchSet::ALL, Arch::Amd64);
    let argv = ["abiport", "scan", root.to_str().unwrap(), "--arch=all"];
    let cli = <abiport::cmd::Cli as clap::Parser>::parse_from(argv);
    let abiport::cmd::Command::Scan(args) = cli.command else {
        unreachable!()
    };
    let from_args = abiport::cmd::scan::options(&args).unwrap();
    let a = analyze(&by_hand).unwrap();
    let b = analyze(&from_args).unwrap();
    assert!(!a.findings.is_empty());
    assert_eq!(a.findings, b.findings);
    assert_eq!(a.notes, b.notes);
}

/// The files the second cgo setting plans, from `scan --stats`' phases.
fn planned_under_cgo(tree: &std::path::Path) -> u64 {
    let out = run(
        &[
            "scan",
            ".",
            "--arch",
            "all",
            "--rules",
            "undefined-on-arch",
            "--format",
            "json",
            "--stats",
        ],
        tree,
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let phases = v["stats"]["phases"].as_array().unwrap();
    let plan = phases
        .iter()
        .find(|p| p["name"] == "plan [CGO_ENABLED=1]")
        .unwrap_or_else(|| panic!("no second setting's plan in {phases:?}"));
    plan["files"].as_u64().unwrap()
}

/// A package whose cgo-only files declare nothing another package can name (quiet) is judged
/// again under the second setting, but its importers are not: they see the same package.
/// Importing a package whose exported API differs (probe) makes a file judged again.
#[test]
fn importers_of_a_package_the_same_under_both_settings_are_judged_once() {
    let dir = crate::non_go::case_copy("undefined-on-arch/cgo-importers");
    let tree = dir.path();
    let quiet_only = planned_under_cgo(tree);
    // report.go imports probe too: now its result may differ.
    let report = tree.join("report/report.go");
    let text = fs::read_to_string(&report).unwrap();
    let text = text
        .replace(
            "import \"example.com/cgoimporters/quiet\"",
            "import (\n\t\"example.com/cgoimporters/probe\"\n\t\"example.com/cgoimporters/quiet\"\n)",
        )
        .replace("return quiet.Width()", "return quiet.Width() + probe.Version");
    fs::write(&report, text).unwrap();
    assert_eq!(planned_under_cgo(tree), quiet_only + 1);
}

/// `scan . --format json` with `args` in `dir`: its findings.
fn json_findings(dir: &std::path::Path, args: &[&str]) -> Vec<serde_json::Value> {
    let mut all = vec!["scan", ".", "--format", "json"];
    all.extend_from_slice(args);
    let out = run(&all, dir);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["findings"].as_array().unwrap().clone()
}

/// A package's test files are no part of it for the packages importing it: the fact behind
/// an importer's finding cites the files they build with, even from the importer's tests.
#[test]
fn an_importers_finding_cites_no_test_file_of_the_package() {
    let name = "package p\n\nfunc Name() int { return 8 }\n";
    let dir = tree_of(&[
        ("go.mod", "module example.com/t\n\ngo 1.19\n"),
        ("p/name_amd64.go", name),
        // Part of p when p's own tests build on arm64, never for q.
        ("p/name_arm64_test.go", name),
        ("q/q.go", "package q\n"),
        (
            "q/q_test.go",
            "package q\n\nimport \"example.com/t/p\"\n\nvar n = p.Name()\n",
        ),
    ]);
    let findings = json_findings(
        dir.path(),
        &["--arch", "all", "--rules", "undefined-on-arch"],
    );
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["path"], "q/q_test.go");
    let fact = findings[0]["fact"].as_str().unwrap();
    assert!(
        fact.contains("p/name_amd64.go:3") && !fact.contains("name_arm64_test.go"),
        "{fact}"
    );
}

/// A fix must build under every cgo setting it is offered for. quiet.Width is declared for
/// amd64 alone, in a file that calls helper; without cgo helper builds everywhere, with
/// cgo on amd64 alone: extending width.go is a fix for CGO_ENABLED=0 and breaks the build
/// with CGO_ENABLED=1. The one finding for both settings offers none, and says why; and
/// report.go, which only imports quiet, is judged under both though quiet's cgo-only file
/// declares nothing it can name (the fix reads it).
#[test]
fn a_fix_one_cgo_setting_refuses_is_offered_for_neither() {
    let helper = "package quiet\n\nfunc helper() int { return 8 }\n";
    let dir = tree_of(&[
        ("go.mod", "module example.com/fx\n\ngo 1.19\n"),
        (
            "quiet/width.go",
            "//go:build amd64\n\npackage quiet\n\nfunc Width() int { return helper() }\n",
        ),
        ("quiet/helper_cgo.go", &format!("//go:build cgo && amd64\n\n{helper}")),
        ("quiet/helper_nocgo.go", &format!("//go:build !cgo\n\n{helper}")),
        ("quiet/doc.go", "package quiet\n"),
        (
            "report/report.go",
            "package report\n\nimport \"example.com/fx/quiet\"\n\nfunc Size() int { return quiet.Width() }\n",
        ),
    ]);
    let scan = |cgo: &str| {
        let args = ["--arch", "mips64le,arm64", "--rules", "undefined-on-arch"];
        json_findings(dir.path(), &[&args[..], &["--cgo", cgo]].concat())
    };
    // Each setting alone: a fix without cgo, none with it.
    let off = scan("off");
    assert_eq!(off.len(), 1, "{off:?}");
    assert_eq!(off[0]["fixable"], true, "{off:?}");
    let on = scan("on");
    assert_eq!(on.len(), 1, "{on:?}");
    assert_eq!(on[0]["fixable"], false, "{on:?}");
    let both = scan("both");
    assert_eq!(both.len(), 1, "{both:?}");
    assert_eq!(both[0]["path"], "report/report.go");
    assert_eq!(both[0]["fixable"], false, "{both:?}");
    assert_eq!(
        both[0]["configs"],
        serde_json::json!(["CGO_ENABLED=0", "CGO_ENABLED=1"])
    );
    let fact = both[0]["fact"].as_str().unwrap();
    assert!(
        fact.contains("uses `helper`, which is undefined there"),
        "{fact}"
    );
}
