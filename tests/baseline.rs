//! `scan --baseline` / `--write-baseline` and finding fingerprints: identity that survives
//! moved lines and moved functions, and changes with the offending code.

use crate::util::run;
use serde_json::Value;
use std::fs;
use std::path::Path;

const GO_MOD: &str = "module example.com/t\n\ngo 1.19\n";

/// Four findings on arm64: `SYS_EPOLL_WAIT` (asm-generic has only `epoll_pwait`) once in
/// `Wait`, twice in `Twice` (told apart by occurrence), and amd64's trap 232 in `Raw`.
const ORIGINAL: &str = "package t

import \"syscall\"

func Wait() int {
\treturn syscall.SYS_EPOLL_WAIT
}

func Twice() (int, int) {
\treturn syscall.SYS_EPOLL_WAIT, syscall.SYS_EPOLL_WAIT
}

func Raw() {
\tsyscall.Syscall(232, 0, 0, 0)
}
";

fn tree(src: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("go.mod"), GO_MOD).unwrap();
    fs::write(dir.path().join("a.go"), src).unwrap();
    dir
}

fn scan(dir: &Path, extra: &[&str]) -> (Option<i32>, String, String) {
    let mut args = vec!["scan", "."];
    if !extra.contains(&"--arch") {
        args.extend(["--arch", "arm64"]);
    }
    args.extend_from_slice(extra);
    let out = run(&args, dir);
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json(dir: &Path, extra: &[&str]) -> (Option<i32>, Value) {
    let mut args = vec!["--format", "json"];
    args.extend_from_slice(extra);
    let (code, stdout, stderr) = scan(dir, &args);
    let v = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}"));
    (code, v)
}

fn fingerprints(v: &Value) -> Vec<String> {
    let mut fps: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["fingerprint"].as_str().expect("fingerprint").to_string())
        .collect();
    fps.sort();
    fps
}

/// Write a baseline of the tree as it is; gives its path (outside the tree).
fn write_baseline(dir: &Path, at: &Path) {
    let (code, _, stderr) = scan(dir, &["--write-baseline", at.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("wrote 4 findings to baseline"), "{stderr}");
}

#[test]
fn fingerprints_are_distinct_and_baseline_hides_them_all() {
    let dir = tree(ORIGINAL);
    let (code, v) = json(dir.path(), &[]);
    assert_eq!(code, Some(1));
    let fps = fingerprints(&v);
    assert_eq!(fps.len(), 4, "{v}");
    let mut unique = fps.clone();
    unique.dedup();
    assert_eq!(
        unique, fps,
        "identical snippets in one function must differ"
    );
    assert!(fps
        .iter()
        .all(|f| f.len() == 32 && f.bytes().all(|b| b.is_ascii_hexdigit())));

    let keep = tempfile::tempdir().unwrap();
    let file = keep.path().join("baseline.json");
    write_baseline(dir.path(), &file);
    let first = fs::read_to_string(&file).unwrap();
    write_baseline(dir.path(), &file);
    assert_eq!(first, fs::read_to_string(&file).unwrap(), "deterministic");
    let doc: Value = serde_json::from_str(&first).unwrap();
    assert_eq!(doc["version"], 1);
    let entries = doc["findings"].as_array().unwrap();
    let recorded: Vec<String> = entries
        .iter()
        .map(|e| e["fingerprint"].as_str().unwrap().to_string())
        .collect();
    let mut sorted_fps = recorded.clone();
    sorted_fps.sort();
    assert_eq!(sorted_fps, fps);
    assert_eq!(entries[0]["path"], "a.go");
    assert_eq!(entries[0]["arches"], serde_json::json!(["arm64"]));
    assert!(entries[0]["message"].as_str().unwrap().contains("arm64"));

    let (code, v) = json(dir.path(), &["--baseline", file.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(v["findings"], serde_json::json!([]));
    assert_eq!(
        v["baseline"],
        serde_json::json!({"known": 4, "new_arches": 0, "fixed": 0})
    );
}

#[test]
fn lines_added_above_and_a_moved_function_keep_the_fingerprints() {
    let dir = tree(ORIGINAL);
    let before = fingerprints(&json(dir.path(), &[]).1);
    let keep = tempfile::tempdir().unwrap();
    let file = keep.path().join("b.json");
    write_baseline(dir.path(), &file);
    // New lines and a new function above everything; `Raw` moved to the top.
    let raw = "func Raw() {\n\tsyscall.Syscall(232, 0, 0, 0)\n}\n";
    let moved = ORIGINAL
        .replace(raw, "")
        .replace(
            "import \"syscall\"\n",
            &format!(
                "import \"syscall\"\n\n// Package comment\n// spanning lines.\n\nvar unrelated = 1\n\n{raw}\n\
                 func Helper() int {{ return unrelated }}\n"
            ),
        );
    assert_ne!(moved, ORIGINAL);
    fs::write(dir.path().join("a.go"), &moved).unwrap();
    let (code, v) = json(dir.path(), &[]);
    assert_eq!(code, Some(1));
    let lines: Vec<u64> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["line"].as_u64().unwrap())
        .collect();
    assert!(!lines.contains(&6), "the findings moved: {lines:?}");
    assert_eq!(fingerprints(&v), before);
    let (code, v) = json(dir.path(), &["--baseline", file.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{v}");
    assert_eq!(v["baseline"]["known"], 4);
}

#[test]
fn a_changed_expression_is_new_and_the_old_one_is_fixed() {
    let dir = tree(ORIGINAL);
    let keep = tempfile::tempdir().unwrap();
    let file = keep.path().join("b.json");
    write_baseline(dir.path(), &file);
    // amd64's `poll` (7) instead of `epoll_ctl_old` (232): still no such trap on arm64.
    fs::write(
        dir.path().join("a.go"),
        ORIGINAL.replace("Syscall(232,", "Syscall(7,"),
    )
    .unwrap();
    let (code, v) = json(dir.path(), &["--baseline", file.to_str().unwrap()]);
    assert_eq!(code, Some(1), "{v}");
    let findings = v["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{v}");
    assert_eq!(findings[0]["rule"], "syscall-number-literal");
    assert_eq!(findings[0]["line"], 14);
    assert_eq!(
        v["baseline"],
        serde_json::json!({"known": 3, "new_arches": 0, "fixed": 1})
    );
}

#[test]
fn gone_findings_are_counted_in_the_summary() {
    let dir = tree(ORIGINAL);
    let keep = tempfile::tempdir().unwrap();
    let file = keep.path().join("b.json");
    write_baseline(dir.path(), &file);
    let twice =
        "func Twice() (int, int) {\n\treturn syscall.SYS_EPOLL_WAIT, syscall.SYS_EPOLL_WAIT\n}\n";
    assert!(ORIGINAL.contains(twice));
    fs::write(dir.path().join("a.go"), ORIGINAL.replace(twice, "")).unwrap();
    let (code, stdout, stderr) = scan(dir.path(), &["--baseline", file.to_str().unwrap()]);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(
        stdout.contains("0 findings in 1 file")
            && stdout.contains("; 2 in the baseline not shown; 2 fixed since baseline"),
        "{stdout}"
    );
    // A rule not run this time has nothing fixed.
    let (_, v) = json(
        dir.path(),
        &[
            "--baseline",
            file.to_str().unwrap(),
            "--rules",
            "syscall-number-literal",
        ],
    );
    assert_eq!(
        v["baseline"],
        serde_json::json!({"known": 1, "new_arches": 0, "fixed": 0})
    );
}

#[test]
fn a_finding_on_new_arches_is_reported() {
    let dir = tree(ORIGINAL);
    let keep = tempfile::tempdir().unwrap();
    let file = keep.path().join("b.json");
    write_baseline(dir.path(), &file);
    // riscv64 lacks `SYS_EPOLL_WAIT` too: those findings now break on an arch more.
    let (code, v) = json(
        dir.path(),
        &[
            "--arch",
            "arm64,riscv64",
            "--baseline",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(code, Some(1), "{v}");
    let findings = v["findings"].as_array().unwrap();
    assert!(!findings.is_empty(), "{v}");
    for f in findings {
        assert_eq!(f["arches"], serde_json::json!(["arm64", "riscv64"]), "{f}");
    }
    let b = &v["baseline"];
    assert_eq!(
        b["known"].as_u64().unwrap() + b["new_arches"].as_u64().unwrap(),
        4,
        "{b}"
    );
    assert_eq!(b["new_arches"].as_u64().unwrap() as usize, findings.len());
}

#[test]
fn sarif_has_the_same_fingerprints() {
    let dir = tree(ORIGINAL);
    let from_json = fingerprints(&json(dir.path(), &[]).1);
    let (code, stdout, _) = scan(dir.path(), &["--format", "sarif"]);
    assert_eq!(code, Some(1));
    let v: Value = serde_json::from_str(&stdout).unwrap();
    let mut from_sarif: Vec<String> = v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["partialFingerprints"]["abiport/v1"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    from_sarif.sort();
    assert_eq!(from_sarif, from_json);
}

#[test]
fn missing_or_corrupt_baseline_is_an_error() {
    let dir = tree(ORIGINAL);
    let keep = tempfile::tempdir().unwrap();
    let missing = keep.path().join("none.json");
    let (code, stdout, stderr) = scan(dir.path(), &["--baseline", missing.to_str().unwrap()]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stdout.is_empty(),
        "no report without its baseline: {stdout}"
    );
    assert!(stderr.contains("cannot read baseline"), "{stderr}");
    for (name, text) in [
        ("cut.json", "{\"version\": 1, \"findings\": ["),
        ("other.json", "{\"version\": 1, \"results\": []}"),
        ("future.json", "{\"version\": 9, \"findings\": []}"),
        (
            "arch.json",
            "{\"version\": 1, \"findings\": [{\"fingerprint\": \"x\", \"rule\": \"r\", \
             \"path\": \"a.go\", \"arches\": [\"vax\"], \"message\": \"m\"}]}",
        ),
    ] {
        let bad = keep.path().join(name);
        fs::write(&bad, text).unwrap();
        let (code, _, stderr) = scan(dir.path(), &["--baseline", bad.to_str().unwrap()]);
        assert_eq!(code, Some(2), "{name}: {stderr}");
        assert!(stderr.contains(name), "{name}: {stderr}");
    }
}

// Exit codes that never pass by accident (issue 14).

/// A tree whose one finding (`sys.Setuid` undefined on arm64) has a safe fix; with
/// `unfixable`, also a use of `syscall.SYS_EPOLL_WAIT`, which no fix covers.
fn fix_tree(unfixable: bool) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    fs::create_dir(p.join("sys")).unwrap();
    fs::write(p.join("go.mod"), "module example.com/f\n\ngo 1.19\n").unwrap();
    fs::write(
        p.join("sys/setuid.go"),
        "//go:build linux && amd64\n\npackage sys\n\nfunc Setuid() {}\n",
    )
    .unwrap();
    let extra = if unfixable {
        "\t_ = syscall.SYS_EPOLL_WAIT\n"
    } else {
        ""
    };
    let import = if unfixable { "\t\"syscall\"\n" } else { "" };
    fs::write(
        p.join("main.go"),
        format!(
            "package main\n\nimport (\n{import}\t\"example.com/f/sys\"\n)\n\nfunc main() {{\n\tsys.Setuid()\n{extra}}}\n"
        ),
    )
    .unwrap();
    dir
}

fn code(args: &[&str], dir: &Path) -> (Option<i32>, String) {
    let out = run(args, dir);
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code(), text)
}

#[test]
fn fix_exits_0_only_when_the_tree_is_clean_after_the_fixes() {
    let dir = fix_tree(false);
    let fix = ["fix", ".", "--arch", "arm64"];
    let apply = ["fix", ".", "--arch", "arm64", "--apply"];
    // A diff to print: 1, as before.
    let (c, text) = code(&fix, dir.path());
    assert_eq!(c, Some(1), "{text}");
    assert!(
        text.contains("+//go:build linux && (amd64 || arm64)"),
        "{text}"
    );
    // Every finding covered by a fix written: 0, and the tree is clean.
    let (c, text) = code(&apply, dir.path());
    assert_eq!(c, Some(0), "{text}");
    let (c, text) = code(&fix, dir.path());
    assert_eq!(c, Some(0), "{text}");
    let (c, text) = code(&["scan", ".", "--arch", "arm64"], dir.path());
    assert_eq!(c, Some(0), "{text}");
}

#[test]
fn fix_exits_1_while_findings_remain_that_no_fix_covers() {
    let dir = fix_tree(true);
    let apply = ["fix", ".", "--arch", "arm64", "--apply"];
    let (c, text) = code(&apply, dir.path());
    assert_eq!(c, Some(1), "{text}");
    assert!(
        text.contains("1 finding without an automatic fix"),
        "{text}"
    );
    // The safe fix was written; the rest remains, so the tree is not clean.
    let setuid = fs::read_to_string(dir.path().join("sys/setuid.go")).unwrap();
    assert!(setuid.contains("arm64"), "{setuid}");
    let (c, text) = code(&["scan", ".", "--arch", "arm64"], dir.path());
    assert_eq!(c, Some(1), "{text}");
    // Nothing left to fix, no diff, but a finding remains: 1 (exit 0 before issue 14).
    let (c, text) = code(&["fix", ".", "--arch", "arm64"], dir.path());
    assert_eq!(c, Some(1), "{text}");
    assert!(
        text.contains("0 fixes in 0 files for 0 of 1 finding"),
        "{text}"
    );
    let (c, text) = code(&apply, dir.path());
    assert_eq!(c, Some(1), "{text}");
}

#[test]
fn elf_expect_with_no_elf_file_fails() {
    let dir = tempfile::tempdir().unwrap();
    let empty = dir.path().join("dist");
    fs::create_dir(&empty).unwrap();
    let text_file = dir.path().join("notes.txt");
    fs::write(&text_file, "not a binary\n").unwrap();
    for input in [&empty, &text_file] {
        let input = input.to_str().unwrap();
        let (c, text) = code(&["elf", input, "--expect", "linux/mips64le"], dir.path());
        assert_eq!(c, Some(1), "{input}: {text}");
        assert!(
            text.contains(&format!(
                "error[nothing-checked]: {input}: no ELF file was found to check against --expect linux/mips64le"
            )),
            "{text}"
        );
        let out = run(
            &[
                "elf",
                input,
                "--expect",
                "linux/mips64le",
                "--format",
                "json",
            ],
            dir.path(),
        );
        assert_eq!(out.status.code(), Some(1));
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["findings"][0]["check"], "nothing-checked", "{v}");
        // Without an expectation nothing was claimed: still 0.
        let (c, text) = code(&["elf", input], dir.path());
        assert_eq!(c, Some(0), "{input}: {text}");
    }
}

#[test]
fn help_lists_the_exit_codes() {
    let dir = tempfile::tempdir().unwrap();
    for cmd in ["scan", "fix", "elf", "abi", "rules"] {
        let (c, text) = code(&[cmd, "--help"], dir.path());
        assert_eq!(c, Some(0), "{text}");
        let codes = text
            .split("Exit codes:")
            .nth(1)
            .unwrap_or_else(|| panic!("{cmd}: {text}"));
        let expected: &[&str] = if matches!(cmd, "abi" | "rules") {
            &["0  ", "2  "]
        } else {
            &["0  ", "1  ", "2  "]
        };
        for n in expected {
            assert!(codes.contains(n), "{cmd}: {codes}");
        }
    }
}

#[test]
fn rules_lists_fixes_and_severity_and_shows_the_table_rows() {
    let dir = tempfile::tempdir().unwrap();
    let (c, text) = code(&["rules"], dir.path());
    assert_eq!(c, Some(0), "{text}");
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap().split_whitespace().collect::<Vec<_>>(),
        ["rule", "fixes", "severity", "summary"]
    );
    let row = lines
        .find(|l| l.starts_with("epoll-event-layout "))
        .unwrap();
    let cols: Vec<&str> = row.split_whitespace().take(3).collect();
    assert_eq!(cols, ["epoll-event-layout", "sometimes", "error"], "{row}");

    // The rows come from the same tables `abi show` prints.
    let (c, doc) = code(
        &["rules", "epoll-event-layout", "--arch", "mips64le"],
        dir.path(),
    );
    assert_eq!(c, Some(0), "{doc}");
    assert!(doc.starts_with("# epoll-event-layout"), "{doc}");
    let (_, layout) = code(&["abi", "show", "mips64le", "EpollEvent"], dir.path());
    assert!(layout.contains("_ "), "{layout}");
    let rows = doc
        .split("## ABI table rows on mips64le\n\n")
        .nth(1)
        .unwrap();
    assert_eq!(rows.trim_end(), layout.trim_end());
    let (_, amd64) = code(
        &["rules", "epoll-event-layout", "--arch", "amd64"],
        dir.path(),
    );
    assert!(
        amd64.contains("unix.EpollEvent on amd64: size 12"),
        "{amd64}"
    );

    // A rule reading whole tables shows the part of `abi diff REF ARCH` it reports from.
    let (c, doc) = code(
        &["rules", "syscall-number-literal", "--arch", "mips64le"],
        dir.path(),
    );
    assert_eq!(c, Some(0), "{doc}");
    let rows = doc
        .split("## ABI table rows on mips64le (against amd64)\n\n")
        .nth(1)
        .unwrap();
    let section = |text: &str, title: &str| -> String {
        let from = text
            .find(title)
            .unwrap_or_else(|| panic!("{title}: {text}"));
        let rest = &text[from..];
        rest[..rest.find("\n\n").unwrap_or(rest.len())]
            .trim_end()
            .to_string()
    };
    for pkg in ["syscall", "unix"] {
        let (_, diff) = code(
            &["abi", "--package", pkg, "diff", "amd64", "mips64le"],
            dir.path(),
        );
        let part = &rows[rows.find(&format!("{pkg}: amd64")).unwrap()..];
        let (mine, abi) = (
            section(part, "syscalls numbered differently"),
            section(&diff, "syscalls numbered differently"),
        );
        assert!(
            mine == abi,
            "{pkg}: rules shows\n{mine}\nabi diff shows\n{abi}"
        );
    }
    assert!(!rows.contains("constants"), "{rows}");
    let gettid = rows
        .lines()
        .find(|l| l.trim_start().starts_with("SYS_GETTID "));
    assert_eq!(
        gettid.map(|l| l.split_whitespace().collect::<Vec<_>>()),
        Some(vec!["SYS_GETTID", "186", "5178"])
    );
    let (_, other) = code(
        &[
            "rules",
            "undefined-on-arch",
            "--arch",
            "arm64",
            "--ref",
            "amd64",
        ],
        dir.path(),
    );
    assert!(other.contains("syscalls only on amd64"), "{other}");
    assert!(!other.contains("numbered differently"), "{other}");

    let (c, text) = code(&["rules", "undefined-on-arch", "--arch", "vax"], dir.path());
    assert_eq!(c, Some(2), "{text}");
}
