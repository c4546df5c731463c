//! Suppressions (issue 14): `//abiport:ignore` and `//abiport:file-ignore` directives, the
//! reviewed ignore file `abiport-ignore.toml`, and the `invalid-suppression` and
//! `unused-suppression` findings, on the real binary over temp trees.

use crate::util::run;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// A socket-type literal: `arch-constant-literal` on mips, mipsle, mips64, mips64le.
const SOCKET: &str = "syscall.Socket(syscall.AF_UNIX, 1, 0)";
const MIPS: [&str; 4] = ["mips", "mipsle", "mips64", "mips64le"];

/// A module whose files are `package main` bodies given as (name, text after the import).
fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("go.mod"),
        "module example.com/s\n\ngo 1.19\n",
    )
    .unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn main_file(body: &str) -> String {
    format!("package main\n\nimport \"syscall\"\n\nfunc main() {{\n{body}}}\n")
}

fn json(dir: &Path, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["scan", ".", "--format", "json"];
    if !extra.contains(&"--arch") {
        args.extend(["--arch", "all"]);
    }
    args.extend_from_slice(extra);
    let out = run(&args, dir);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap(), v)
}

/// (rule, path, line, arches) of every finding.
fn findings(v: &Value) -> Vec<(String, String, u64, Vec<String>)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["arches"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| a.as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect()
}

fn of_rule<'a>(v: &'a Value, rule: &str) -> Vec<&'a Value> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

fn git(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> std::process::Output {
    use std::io::Write;
    let mut child = Command::new("git")
        .args(args)
        .current_dir(dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("git");
    if let Some(bytes) = stdin {
        child.stdin.take().unwrap().write_all(bytes).unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

#[test]
fn line_above_same_line_and_file_header_accept_findings() {
    let plain = main_file(&format!("\tfd, _ := {SOCKET}\n\t_ = fd\n"));
    let above = main_file(&format!(
        "\t//abiport:ignore arch-constant-literal -- the probe works with datagrams too\n\
         \tfd, _ := {SOCKET}\n\t_ = fd\n"
    ));
    let trailing = main_file(&format!(
        "\tfd, _ := {SOCKET} //abiport:ignore arch-constant-literal -- datagrams are fine\n\t_ = fd\n"
    ));
    let header = format!(
        "//abiport:file-ignore arch-constant-literal -- generated probe, datagrams are fine\n\n{}",
        main_file(&format!("\tfd, _ := {SOCKET}\n\t_ = fd\n"))
    );
    let dir = tree(&[
        ("plain/main.go", &plain),
        ("above/main.go", &above),
        ("trailing/main.go", &trailing),
        ("header/main.go", &header),
    ]);
    let (code, v) = json(dir.path(), &[]);
    assert_eq!(code, 1);
    let got = findings(&v);
    assert_eq!(
        got,
        vec![(
            "arch-constant-literal".to_string(),
            "plain/main.go".to_string(),
            6,
            MIPS.map(String::from).to_vec()
        )],
        "only the file without a directive keeps its finding"
    );
    // Each directive is what silences its file: without them all four are reported.
    let (_, v) = json(dir.path(), &["--rules", "arch-constant-literal"]);
    assert_eq!(v["findings"].as_array().unwrap().len(), 1);
    for name in ["above", "trailing", "header"] {
        std::fs::write(dir.path().join(name).join("main.go"), &plain).unwrap();
    }
    let (_, v) = json(dir.path(), &[]);
    assert_eq!(v["findings"].as_array().unwrap().len(), 4);
}

#[test]
fn stacked_directives_cover_the_first_code_line_below() {
    let src = main_file(&format!(
        "\t//abiport:ignore arch-constant-literal -- datagrams are fine\n\
         \t//abiport:ignore syscall-number-literal -- not a syscall number\n\
         \tfd, _ := {SOCKET}\n\t_ = fd\n"
    ));
    let dir = tree(&[("main.go", &src)]);
    let (code, v) = json(dir.path(), &[]);
    let got = findings(&v);
    // The first directive reaches past the second; the second accepts nothing there.
    assert_eq!(code, 1, "{got:?}");
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, "unused-suppression");
    assert_eq!(got[0].2, 7);
}

#[test]
fn arch_limited_directive_narrows_the_finding() {
    let src = main_file(&format!(
        "\t//abiport:ignore arch-constant-literal arch=mips64le -- the mips64le probe is datagram-only\n\
         \tfd, _ := {SOCKET}\n\t_ = fd\n"
    ));
    let dir = tree(&[("main.go", &src)]);
    let (code, v) = json(dir.path(), &[]);
    assert_eq!(code, 1);
    let got = findings(&v);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, "arch-constant-literal");
    assert_eq!(
        got[0].3,
        vec!["mips", "mipsle", "mips64"],
        "mips64le alone is accepted"
    );
    let fact = v["findings"][0]["fact"].as_str().unwrap();
    assert!(
        fact.contains("; accepted on mips64le by `abiport:ignore` on line 6"),
        "{fact}"
    );
    // Its fix would change the accepted mips64le code too: withdrawn.
    assert_eq!(v["findings"][0]["fixable"], false);
    assert!(
        fact.contains(
            "no automatic fix: its fix would change the code for the accepted arches too"
        ),
        "{fact}"
    );
    // Scanning only the accepted arch: nothing left, a clean exit.
    let (code, v) = json(dir.path(), &["--arch", "mips64le"]);
    assert_eq!(findings(&v), vec![]);
    assert_eq!(code, 0);
    // Scanning only arm64 (where the literal is right): the directive, limited to
    // mips64le, is not judged there.
    let (code, v) = json(dir.path(), &["--arch", "arm64"]);
    assert_eq!((code, findings(&v)), (0, vec![]));
}

#[test]
fn cgo_limited_directive_splits_arches_and_settings() {
    // The literal breaks under both cgo settings; `cgo=on` accepts it only under
    // CGO_ENABLED=1, and only on mips64le.
    let src = main_file(&format!(
        "\t//abiport:ignore arch-constant-literal arch=mips64le cgo=on -- native builds use datagrams\n\
         \tfd, _ := {SOCKET}\n\t_ = fd\n"
    ));
    let dir = tree(&[("main.go", &src)]);
    let (_, v) = json(dir.path(), &["--arch", "mips,mips64le"]);
    let mut got: Vec<(Vec<String>, Vec<String>)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (strings(&f["arches"]), strings(&f["configs"])))
        .collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            (
                vec!["mips".to_string()],
                vec!["CGO_ENABLED=0".to_string(), "CGO_ENABLED=1".to_string()]
            ),
            (
                vec!["mips64le".to_string()],
                vec!["CGO_ENABLED=0".to_string()]
            ),
        ]
    );
    // Judged with cgo off only, the directive's setting was not judged: not unused.
    let (_, v) = json(dir.path(), &["--arch", "mips64le", "--cgo", "off"]);
    assert!(of_rule(&v, "unused-suppression").is_empty(), "{v}");
}

#[test]
fn invalid_directives_are_errors_and_accept_nothing() {
    let src = main_file(&format!(
        "\t//abiport:ignore arch-constant-literal\n\
         \ta, _ := {SOCKET}\n\
         \t//abiport:ignore arch-constant-litteral -- the probe works with datagrams\n\
         \tb, _ := {SOCKET}\n\
         \t//abiport:ignore all -- everything\n\
         \tc, _ := {SOCKET}\n\
         \t_, _, _ = a, b, c\n"
    ));
    let dir = tree(&[("main.go", &src)]);
    let (code, v) = json(dir.path(), &[]);
    assert_eq!(code, 1);
    let invalid = of_rule(&v, "invalid-suppression");
    let lines: Vec<u64> = invalid
        .iter()
        .map(|f| f["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, vec![6, 8, 10]);
    assert!(invalid.iter().all(|f| f["severity"] == "error"));
    assert!(
        invalid[0]["message"]
            .as_str()
            .unwrap()
            .contains("without a reason"),
        "{}",
        invalid[0]
    );
    assert_eq!(
        invalid[1]["message"], "unknown rule `arch-constant-litteral`",
        "{}",
        invalid[1]
    );
    assert!(
        invalid[1]["fact"]
            .as_str()
            .unwrap()
            .contains("did you mean arch-constant-literal?"),
        "{}",
        invalid[1]
    );
    // None of them accepted its finding.
    let kept: Vec<u64> = of_rule(&v, "arch-constant-literal")
        .iter()
        .map(|f| f["line"].as_u64().unwrap())
        .collect();
    assert_eq!(kept, vec![7, 9, 11]);
    // Deselected, the pseudo-rule reports nothing; the directives still accept nothing.
    let (_, v) = json(dir.path(), &["--rules", "arch-constant-literal"]);
    assert_eq!(of_rule(&v, "invalid-suppression").len(), 0);
    assert_eq!(of_rule(&v, "arch-constant-literal").len(), 3);
    // A directive inside a string literal is not a directive.
    let src = main_file(&format!(
        "\ts := \"//abiport:ignore arch-constant-literal\"\n\tfd, _ := {SOCKET}\n\t_, _ = s, fd\n"
    ));
    let dir = tree(&[("main.go", &src)]);
    let (_, v) = json(dir.path(), &[]);
    assert_eq!(
        findings(&v)
            .iter()
            .map(|f| f.0.as_str())
            .collect::<Vec<_>>(),
        vec!["arch-constant-literal"]
    );
}

#[test]
fn unused_directives_are_reported_and_fix_deletes_them() {
    if !crate::util::require_tool("git", "git") {
        return;
    }
    let src = main_file(&format!(
        "\t//abiport:ignore arch-constant-literal -- nothing left to accept\n\
         \ta, _ := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)\n\
         \tb, _ := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_DGRAM, 0) //abiport:ignore arch-constant-literal -- none either\n\
         \t//abiport:ignore arch-constant-literal,syscall-number-literal -- datagrams are fine\n\
         \tc, _ := {SOCKET}\n\
         \t_, _, _ = a, b, c\n"
    ));
    let dir = tree(&[("main.go", &src)]);
    let (code, v) = json(dir.path(), &[]);
    assert_eq!(code, 1);
    let unused = of_rule(&v, "unused-suppression");
    let got: Vec<(u64, &str)> = unused
        .iter()
        .map(|f| (f["line"].as_u64().unwrap(), f["message"].as_str().unwrap()))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                6,
                "unused suppression: no `arch-constant-literal` finding on line 7 to accept"
            ),
            (
                8,
                "unused suppression: no `arch-constant-literal` finding on line 8 to accept"
            ),
            (
                9,
                "unused suppression: no `syscall-number-literal` finding on line 10 to accept"
            ),
        ]
    );
    assert!(unused.iter().all(|f| f["severity"] == "warning"));
    assert!(unused.iter().all(|f| f["fixable"] == true));
    assert!(of_rule(&v, "arch-constant-literal").is_empty());

    assert!(git(dir.path(), &["init", "-q"], None).status.success());
    let fix = run(&["fix", ".", "--arch", "all"], dir.path());
    let diff = fix.stdout;
    let check = git(dir.path(), &["apply", "--check", "-"], Some(&diff));
    assert!(
        check.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&diff),
        String::from_utf8_lossy(&check.stderr)
    );
    assert!(git(dir.path(), &["apply", "-"], Some(&diff))
        .status
        .success());
    let fixed = std::fs::read_to_string(dir.path().join("main.go")).unwrap();
    assert_eq!(
        fixed,
        main_file(&format!(
            "\ta, _ := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)\n\
             \tb, _ := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_DGRAM, 0)\n\
             \t//abiport:ignore arch-constant-literal -- datagrams are fine\n\
             \tc, _ := {SOCKET}\n\
             \t_, _, _ = a, b, c\n"
        ))
    );
    let (code, v) = json(dir.path(), &[]);
    assert_eq!((code, findings(&v)), (0, vec![]), "clean after the fix");
}

#[test]
fn unused_is_judged_only_for_rules_run_and_arches_scanned() {
    let src = main_file(
        "\t//abiport:ignore syscall-number-literal -- nothing here\n\
         \ta, _ := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)\n\
         \t//abiport:ignore arch-constant-literal arch=riscv64 -- nothing on riscv64 either\n\
         \tb, _ := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)\n\
         \t_, _ = a, b\n",
    );
    let dir = tree(&[("main.go", &src)]);
    let unused_lines = |extra: &[&str]| -> Vec<u64> {
        let (_, v) = json(dir.path(), extra);
        of_rule(&v, "unused-suppression")
            .iter()
            .map(|f| f["line"].as_u64().unwrap())
            .collect()
    };
    assert_eq!(unused_lines(&["--arch", "all"]), vec![6, 8]);
    // syscall-number-literal not run: its directive is not judged.
    assert_eq!(
        unused_lines(&[
            "--rules",
            "arch-constant-literal,unused-suppression",
            "--arch",
            "riscv64"
        ]),
        vec![8]
    );
    // riscv64 not scanned: the riscv64 directive is not judged.
    assert_eq!(unused_lines(&["--arch", "mips64le"]), vec![6]);
    // unused-suppression not selected: nothing of it.
    assert_eq!(
        unused_lines(&["--rules", "arch-constant-literal"]),
        Vec::<u64>::new()
    );
}

#[test]
fn ignore_file_accepts_by_path_and_arch_and_reports_stale_entries() {
    if !crate::util::require_tool("git", "git") {
        return;
    }
    let src = main_file(&format!("\tfd, _ := {SOCKET}\n\t_ = fd\n"));
    let ignore = "# Reviewed by the porting team.\n\
                  [[ignore]]\n\
                  rule = \"arch-constant-literal\"\n\
                  path = \"vendor/example.com/probe\"\n\
                  arches = [\"mips64le\", \"mipsle\"]\n\
                  reason = \"upstream probe, datagrams are fine\"\n\
                  \n\
                  [[ignore]]\n\
                  rule = \"arch-constant-literal\"\n\
                  path = \"gone/**\"\n\
                  reason = \"the gone/ tree was removed\"\n\
                  \n\
                  [[ignore]]\n\
                  rule = \"arch-constant-literal\"\n\
                  path = \"*.go\"\n\
                  reason = \"top-level probes\"\n";
    let dir = tree(&[
        ("vendor/example.com/probe/p.go", &src),
        ("main.go", &src),
        ("cmd/main.go", &src),
        ("abiport-ignore.toml", ignore),
    ]);
    let (code, v) = json(dir.path(), &[]);
    assert_eq!(code, 1);
    let got = findings(&v);
    assert_eq!(
        got,
        vec![
            (
                "unused-suppression".to_string(),
                "abiport-ignore.toml".to_string(),
                9,
                abiport::arch::ArchSet::ALL
                    .names()
                    .into_iter()
                    .map(String::from)
                    .collect()
            ),
            (
                "arch-constant-literal".to_string(),
                "cmd/main.go".to_string(),
                6,
                MIPS.map(String::from).to_vec()
            ),
            (
                "arch-constant-literal".to_string(),
                "vendor/example.com/probe/p.go".to_string(),
                6,
                vec!["mips".to_string(), "mips64".to_string()]
            ),
        ],
        "`*.go` takes only the top level; the directory entry narrows to the other arches"
    );
    let fact = of_rule(&v, "arch-constant-literal")[1]["fact"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        fact.contains("; accepted on mipsle, mips64le by abiport-ignore.toml:3"),
        "{fact}"
    );
    // The stale entry's fix deletes its table, and git accepts it.
    assert!(git(dir.path(), &["init", "-q"], None).status.success());
    let diff = run(
        &[
            "fix",
            ".",
            "--arch",
            "all",
            "--rules",
            "unused-suppression,arch-constant-literal",
        ],
        dir.path(),
    )
    .stdout;
    let text = String::from_utf8_lossy(&diff).to_string();
    assert!(text.contains("-path = \"gone/**\""), "{text}");
    let check = git(dir.path(), &["apply", "--check", "-"], Some(&diff));
    assert!(
        check.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&check.stderr)
    );
    // Not judged when one file of the tree is reported.
    let out = run(
        &["scan", "cmd/main.go", "--arch", "all", "--format", "json"],
        dir.path(),
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(findings(&v).len(), 1, "{v}");
    assert!(of_rule(&v, "unused-suppression").is_empty(), "{v}");
}

#[test]
fn ignore_file_fingerprint_accepts_one_occurrence_and_survives_moves() {
    // Two identical literals in one file: a fingerprint takes exactly the one it names.
    let body = |above: &str| {
        format!(
            "package main\n\nimport \"syscall\"\n{above}\nfunc probe() {{\n\tfd, _ := {SOCKET}\n\t_ = fd\n}}\n\nfunc main() {{\n\tfd, _ := {SOCKET}\n\t_ = fd\n}}\n"
        )
    };
    let dir = tree(&[("main.go", &body(""))]);
    let (_, v) = json(dir.path(), &[]);
    let all = of_rule(&v, "arch-constant-literal");
    assert_eq!(all.len(), 2, "{v}");
    let lines: Vec<u64> = all.iter().map(|f| f["line"].as_u64().unwrap()).collect();
    let fp = all[1]["fingerprint"].as_str().unwrap().to_string();
    assert_ne!(fp, all[0]["fingerprint"].as_str().unwrap(), "{v}");
    let entry = |fp: &str| {
        format!(
            "[[ignore]]\nrule = \"arch-constant-literal\"\npath = \"**\"\nfingerprint = \"{fp}\"\nreason = \"main's socket is checked at run time\"\n"
        )
    };
    std::fs::write(dir.path().join("abiport-ignore.toml"), entry(&fp)).unwrap();
    let (_, v) = json(dir.path(), &[]);
    let left: Vec<(String, u64)> = findings(&v)
        .into_iter()
        .map(|(rule, _, line, _)| (rule, line))
        .collect();
    assert_eq!(
        left,
        vec![("arch-constant-literal".to_string(), lines[0])],
        "only main's finding is accepted: {v}"
    );
    // Lines added above move the finding; the entry still takes it.
    std::fs::write(
        dir.path().join("main.go"),
        body("\n// A comment that moves everything down.\n\nconst unrelated = 1\n"),
    )
    .unwrap();
    let (_, v) = json(dir.path(), &[]);
    assert_eq!(of_rule(&v, "arch-constant-literal").len(), 1, "{v}");
    assert!(of_rule(&v, "unused-suppression").is_empty(), "{v}");
    // A fingerprint no finding has: the entry accepts nothing and is reported stale.
    std::fs::write(
        dir.path().join("abiport-ignore.toml"),
        entry(&"0".repeat(32)),
    )
    .unwrap();
    let (_, v) = json(dir.path(), &[]);
    assert_eq!(of_rule(&v, "arch-constant-literal").len(), 2, "{v}");
    assert_eq!(of_rule(&v, "unused-suppression").len(), 1, "{v}");
}

#[test]
fn ignore_suppressions_reports_what_the_code_does() {
    let src = main_file(&format!(
        "\t//abiport:ignore arch-constant-literal -- reviewed\n\tfd, _ := {SOCKET}\n\t_ = fd\n\t//abiport:ignore arch-constant-literal -- nothing here\n"
    ));
    let ignore = "[[ignore]]\nrule = \"arch-constant-literal\"\npath = \"cmd\"\nreason = \"r\"\n";
    let dir = tree(&[
        ("main.go", &src),
        ("cmd/main.go", &src),
        ("abiport-ignore.toml", ignore),
    ]);
    let (code, v) = json(dir.path(), &[]);
    assert_eq!(code, 1);
    let got: Vec<(String, String)> = findings(&v).into_iter().map(|f| (f.0, f.1)).collect();
    let unused = |p: &str| ("unused-suppression".to_string(), p.to_string());
    // The inline directives take the findings first: the entry and the trailing ones are unused.
    assert_eq!(
        got,
        [
            unused("abiport-ignore.toml"),
            unused("cmd/main.go"),
            unused("main.go")
        ],
        "{v}"
    );
    let (code, v) = json(dir.path(), &["--ignore-suppressions"]);
    assert_eq!(code, 1);
    let got: Vec<(String, String)> = findings(&v).into_iter().map(|f| (f.0, f.1)).collect();
    assert_eq!(
        got,
        [
            (
                "arch-constant-literal".to_string(),
                "cmd/main.go".to_string()
            ),
            ("arch-constant-literal".to_string(), "main.go".to_string()),
        ],
        "every finding back, no suppression judged: {v}"
    );
    let out = run(
        &[
            "scan",
            ".",
            "--ignore-suppressions",
            "--ignore-file",
            "x.toml",
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2), "the two flags contradict");
}

#[test]
fn ignore_file_elsewhere_is_read_and_never_written() {
    let src = main_file(&format!("\tfd, _ := {SOCKET}\n\t_ = fd\n"));
    let dir = tree(&[("main.go", &src)]);
    let elsewhere = tempfile::tempdir().unwrap();
    let file = elsewhere.path().join("reviewed.toml");
    std::fs::write(
        &file,
        "[[ignore]]\nrule = \"arch-constant-literal\"\npath = \"**\"\nreason = \"reviewed\"\n\n\
         [[ignore]]\nrule = \"syscall-number-literal\"\npath = \"**\"\nreason = \"stale\"\n",
    )
    .unwrap();
    let arg = file.display().to_string();
    let (_, v) = json(dir.path(), &["--ignore-file", &arg]);
    let got = findings(&v);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].0, "unused-suppression");
    assert!(got[0].1.ends_with("reviewed.toml"), "{got:?}");
    assert_eq!(got[0].2, 7);
    assert_eq!(
        v["findings"][0]["fixable"], false,
        "display-only outside the tree"
    );
    // One tree's file: refused with several roots.
    let out = run(&["scan", ".", ".", "--ignore-file", &arg], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("several paths given"));
    // Named but missing: an error, not a silent default.
    let out = run(&["scan", ".", "--ignore-file", "nope.toml"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope.toml"));
}

#[test]
fn ignore_file_errors_name_file_line_and_key() {
    let src = main_file(&format!("\tfd, _ := {SOCKET}\n\t_ = fd\n"));
    let cases = [
        (
            "[[ignore]]\nrule = \"arch-constant-literal\"\npath = \"**\"\nreason = 3\n",
            "abiport-ignore.toml:4: key `reason`: invalid type",
        ),
        (
            "[[ignore]]\nrule = \"arch-constant-literal\"\npath = \"**\"\nreason = \"r\"\ncolour = 1\n",
            "abiport-ignore.toml:5: key `colour`: unknown field `colour`",
        ),
        (
            "[[ignore]]\nrule = \"arch-constant-literal\"\npath = \"**\"\n",
            "abiport-ignore.toml:2: key `reason`: missing",
        ),
        (
            "[[ignore]]\nrule = \"arch-constant-literal\"\npath = \"**\"\nreason = \"  \"\n",
            "abiport-ignore.toml:4: key `reason`: is empty",
        ),
        (
            "\n[[ignore]]\nrule = \"arch-constant-literl\"\npath = \"**\"\nreason = \"r\"\n",
            "abiport-ignore.toml:3: key `rule`: unknown rule `arch-constant-literl`",
        ),
        (
            "[[ignore]]\nrule = \"arch-constant-literal\"\npath = \"a/[b\"\nreason = \"r\"\n",
            "abiport-ignore.toml:3: key `path`: bad glob",
        ),
        (
            "[[ignore]]\nrule = \"arch-constant-literal\"\npath = \"**\"\nreason = \"r\"\narches = [\"mips65\"]\n",
            "abiport-ignore.toml:5: key `arches`: unknown architecture `mips65`",
        ),
        (
            "[[ignore]]\nrule = \"arch-constant-literal\"\npath = \"**\"\nreason = \"r\"\nfingerprint = \"ab12\"\n",
            "abiport-ignore.toml:5: key `fingerprint`: is not a finding's fingerprint",
        ),
        ("[[ignore]\n", "abiport-ignore.toml:1:"),
    ];
    for (toml, want) in cases {
        let dir = tree(&[("main.go", &src), ("abiport-ignore.toml", toml)]);
        let out = run(&["scan", "."], dir.path());
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{toml}: {err}");
        assert!(err.contains(want), "{toml}: want {want:?} in {err}");
    }
    let dir = tree(&[
        ("main.go", &src),
        (
            "abiport-ignore.toml",
            "[[ignore]]\nrule = \"arch-constant-literl\"\npath = \"**\"\nreason = \"r\"\n",
        ),
    ]);
    let err = String::from_utf8_lossy(&run(&["scan", "."], dir.path()).stderr).to_string();
    assert!(err.contains("did you mean arch-constant-literal"), "{err}");
}

#[test]
fn suppression_rules_are_listed_and_documented() {
    let out = run(&["rules"], Path::new("."));
    let text = String::from_utf8_lossy(&out.stdout);
    for id in ["invalid-suppression", "unused-suppression"] {
        assert!(text.lines().any(|l| l.starts_with(id)), "{text}");
        let doc = run(&["rules", id], Path::new("."));
        assert!(doc.status.success());
        assert!(String::from_utf8_lossy(&doc.stdout).starts_with(&format!("# {id}\n")));
    }
}
