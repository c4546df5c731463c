//! Output at scale and for CI (issue 15): one diagnostic per root cause, `--format concise`,
//! `--statistics`, the fixable count, `--quiet`, `--color`, several reports from one scan
//! (`-o`, `--sarif-output`, `--json-output`), each subcommand's formats, SARIF rule docs
//! and levels, SARIF validated against the 2.1.0 JSON schema.

use crate::util::{abiport, clean_tree, repo_root, run};
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

/// `sys.Setuid` and `sys.Setgid` are declared by one file whose `+build` line forgot
/// mips64le and are used at three sites (one cause, one fix); a socket type literal is
/// another cause.
fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let write = |rel: &str, text: &str| {
        let p = root.join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    };
    write("go.mod", "module example.com/g\n\ngo 1.19\n");
    write(
        "sys/id_linux.go",
        "// +build linux,amd64 linux,arm64\n\npackage sys\n\n\
         func Setuid(uid int) error { return nil }\n\n\
         func Setgid(gid int) error { return nil }\n",
    );
    write(
        "cmd/drop.go",
        "package main\n\nimport \"example.com/g/sys\"\n\n\
         func drop() {\n\t_ = sys.Setgid(65534)\n\t_ = sys.Setuid(65534)\n}\n\n\
         func main() {\n\tdrop()\n\t_ = sys.Setuid(0)\n}\n",
    );
    write(
        "net/sock.go",
        "package net\n\nimport \"syscall\"\n\n\
         func Pair() (int, error) {\n\treturn syscall.Socket(syscall.AF_UNIX, 1, 0)\n}\n",
    );
    dir
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// Seconds vary between runs.
fn without_seconds(s: &str) -> String {
    regex::Regex::new(r"in \d+\.\d+ s")
        .unwrap()
        .replace_all(s, "in 0.00 s")
        .into_owned()
}

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path(repo_root().join("snapshots"));
    s.set_prepend_module_to_snapshot(false);
    s
}

fn scan(root: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["scan", ".", "--isolated"];
    args.extend_from_slice(extra);
    run(&args, root)
}

fn json_findings(root: &Path) -> Vec<Value> {
    let o = scan(root, &["--format", "json"]);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    v["findings"].as_array().unwrap().clone()
}

#[test]
fn one_root_cause_is_one_diagnostic_with_its_sites() {
    let dir = tree();
    let findings = json_findings(dir.path());
    // What the grouping starts from: four findings, three of them with one fix.
    assert_eq!(findings.len(), 4, "{findings:#?}");
    let o = scan(dir.path(), &[]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert_eq!(out.matches("  × ").count(), 2, "two causes:\n{out}");
    assert_eq!(
        out.matches("fix: add mips64le to the build constraint of `sys/id_linux.go`")
            .count(),
        1,
        "the help once:\n{out}"
    );
    assert!(out.contains("same cause at 2 more sites:"), "{out}");
    assert!(
        out.contains(
            "\n        cmd/drop.go:7:6: `sys.Setuid` is undefined on mips64le [mips64le]\n"
        ),
        "{out}"
    );
    assert!(out.contains("[*] 4 fixable with `abiport fix`\n"), "{out}");
    // --no-group: a diagnostic, and its help, per finding.
    let flat = stdout(&scan(dir.path(), &["--no-group"]));
    assert_eq!(flat.matches("  × ").count(), 4, "{flat}");
    assert!(!flat.contains("same cause"), "{flat}");
    settings().bind(|| {
        insta::assert_snapshot!("issue15-grouped.human", without_seconds(&out));
    });
}

#[test]
fn concise_is_one_line_per_finding() {
    let dir = tree();
    let findings = json_findings(dir.path());
    let o = scan(dir.path(), &["--format", "concise"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let line = regex::Regex::new(r"^[^:\s]+:\d+:\d+: [a-z-]+: .+ \[[a-z0-9, ]+\]$").unwrap();
    let lines: Vec<&str> = out.lines().take_while(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), findings.len(), "{out}");
    for (l, f) in lines.iter().zip(&findings) {
        assert!(line.is_match(l), "{l}");
        let at = format!(
            "{}:{}:{}: {}: {}",
            f["path"].as_str().unwrap(),
            f["line"],
            f["column"],
            f["rule"].as_str().unwrap(),
            f["message"].as_str().unwrap()
        );
        assert!(l.starts_with(&at), "{l} / {at}");
    }
    settings().bind(|| {
        insta::assert_snapshot!("issue15-concise", without_seconds(&out));
    });
    // --quiet: the findings only.
    let quiet = stdout(&scan(dir.path(), &["--format", "concise", "--quiet"]));
    assert_eq!(quiet.lines().collect::<Vec<_>>(), lines);
}

#[test]
fn statistics_count_per_rule_and_arch() {
    let dir = tree();
    let o = scan(dir.path(), &["--statistics", "--arch", "mips64le,riscv64"]);
    assert_eq!(o.status.code(), Some(1), "statistics keep the exit code");
    let out = stdout(&o);
    assert!(!out.contains("  × "), "no diagnostics:\n{out}");
    settings().bind(|| {
        insta::assert_snapshot!("issue15-statistics", without_seconds(&out));
    });
    // A table is not JSON: refused, exit 2.
    let o = scan(dir.path(), &["--statistics", "--format", "json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--statistics"));
}

#[test]
fn quiet_human_output_has_no_summary() {
    let dir = tree();
    let out = stdout(&scan(dir.path(), &["-q"]));
    assert!(out.contains("  × "), "{out}");
    assert!(
        !out.contains("findings (") && !out.contains("fixable"),
        "{out}"
    );
    // A clean tree prints nothing at all.
    let clean = clean_tree();
    let o = scan(clean.path(), &["--quiet"]);
    assert_eq!((o.status.code(), stdout(&o)), (Some(0), String::new()));
}

#[test]
fn colour_follows_the_flag_and_no_color_and_force_color() {
    let dir = tree();
    let coloured = |flag: &str, env: &[(&str, &str)]| {
        let mut c = abiport();
        c.args(["scan", ".", "--isolated", "--color", flag])
            .current_dir(dir.path())
            .env_remove("NO_COLOR")
            .env_remove("FORCE_COLOR");
        for (k, v) in env {
            c.env(k, v);
        }
        let o = c.output().unwrap();
        o.stdout.contains(&0x1b)
    };
    // stdout is a pipe here: auto colours only when forced.
    assert!(!coloured("auto", &[]));
    assert!(coloured("auto", &[("FORCE_COLOR", "1")]));
    assert!(!coloured(
        "auto",
        &[("FORCE_COLOR", "1"), ("NO_COLOR", "1")]
    ));
    assert!(coloured("always", &[("NO_COLOR", "1")]));
    assert!(!coloured("never", &[("FORCE_COLOR", "1")]));
}

#[test]
fn one_scan_writes_several_reports() {
    let dir = tree();
    let out = tempfile::tempdir().unwrap();
    let file = |name: &str| out.path().join(name);
    let arg = |p: PathBuf| p.display().to_string();
    let o = scan(
        dir.path(),
        &[
            "--format",
            "concise",
            "-o",
            &arg(file("report.txt")),
            "--sarif-output",
            &arg(file("report.sarif")),
            "--json-output",
            &arg(file("report.json")),
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(o.stdout.is_empty(), "the report went to the file");
    let concise = fs::read_to_string(file("report.txt")).unwrap();
    let sarif: Value = serde_json::from_str(&fs::read_to_string(file("report.sarif")).unwrap())
        .expect("SARIF is JSON");
    let json: Value = serde_json::from_str(&fs::read_to_string(file("report.json")).unwrap())
        .expect("JSON report");
    let n = json["findings"].as_array().unwrap().len();
    assert_eq!(n, 4);
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), n);
    assert_eq!(concise.lines().take_while(|l| !l.is_empty()).count(), n);
    // Nothing else was left beside them (written through temporary files, renamed).
    let mut names: Vec<String> = fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["report.json", "report.sarif", "report.txt"]);
    // The human report beside a SARIF file: stdout keeps the human report.
    let o = scan(dir.path(), &["--sarif-output", &arg(file("again.sarif"))]);
    assert!(stdout(&o).contains("same cause at 2 more sites"));
    assert!(file("again.sarif").exists());
    // A file that cannot be written is an error, exit 2.
    let o = scan(dir.path(), &["-o", "/nonexistent-dir/x.txt"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn each_subcommand_lists_the_formats_it_implements() {
    // The `- name:` entries of the `--format` option in long help.
    let formats = |sub: &str| -> Vec<String> {
        let text = stdout(&run(&[sub, "--help"], repo_root()));
        text.lines()
            .skip_while(|l| !l.trim_start().starts_with("--format <FORMAT>"))
            .skip(1)
            .take_while(|l| !l.trim_start().starts_with("--"))
            .filter_map(|l| l.trim_start().strip_prefix("- "))
            .map(|l| l.split(':').next().unwrap().to_string())
            .collect()
    };
    assert_eq!(formats("fix"), ["human", "json"]);
    assert_eq!(
        formats("scan"),
        ["human", "concise", "json", "sarif", "github", "html"]
    );
    assert_eq!(formats("verify"), ["human", "json", "sarif", "github"]);
    assert_eq!(formats("elf"), ["human", "json", "sarif", "github"]);
    let o = run(&["fix", ".", "--format", "sarif"], repo_root());
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("[possible values: human, json]"));
}

/// A fix diff of the tree and a patch that does not apply.
fn verify_inputs(root: &Path, out: &Path) -> (PathBuf, PathBuf) {
    let diff = run(&["fix", ".", "--isolated"], root);
    let fix = out.join("fix.patch");
    fs::write(&fix, &diff.stdout).unwrap();
    let bad = out.join("bad.patch");
    fs::write(
        &bad,
        "--- a/nope.go\n+++ b/nope.go\n@@ -1 +1 @@\n-package nope\n+package yes\n",
    )
    .unwrap();
    (fix, bad)
}

#[test]
fn verify_speaks_sarif_and_github() {
    let dir = tree();
    let out = tempfile::tempdir().unwrap();
    let (fix, bad) = verify_inputs(dir.path(), out.path());
    let args = |format: &str| -> Output {
        run(
            &[
                "verify",
                ".",
                "--isolated",
                "--format",
                format,
                "--patches",
                &fix.display().to_string(),
                &bad.display().to_string(),
            ],
            dir.path(),
        )
    };
    let o = args("sarif");
    assert_eq!(o.status.code(), Some(1), "a patch does not apply");
    let v: Value = serde_json::from_slice(&o.stdout).expect("SARIF");
    let run0 = &v["runs"][0];
    assert_eq!(run0["invocations"][0]["executionSuccessful"], false);
    let notes = run0["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0]["level"], "error");
    assert!(notes[0]["message"]["text"]
        .as_str()
        .unwrap()
        .starts_with("patch does not apply"));
    // The fix diff fixes the four findings: none left.
    assert_eq!(run0["results"].as_array().unwrap().len(), 0, "{v:#}");
    validate_sarif(&stdout(&o));

    let o = args("github");
    let text = stdout(&o);
    assert!(
        text.starts_with("::error file=")
            && text.contains("title=abiport verify%3A patch does not apply::"),
        "{text}"
    );

    // Only the patch that does not apply: every finding is left.
    let o = run(
        &[
            "verify",
            ".",
            "--isolated",
            "--format",
            "github",
            "--patches",
            &bad.display().to_string(),
        ],
        dir.path(),
    );
    let text = stdout(&o);
    assert_eq!(
        text.matches("(left after the patches)").count(),
        4,
        "{text}"
    );
}

#[test]
fn elf_annotates_a_mislabelled_binary() {
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("hello_1.0_linux_mips64le");
    // The host's own binary, named for mips64le.
    fs::copy(std::env::current_exe().unwrap(), &bin).unwrap();
    let o = run(&["elf", ".", "--format", "github"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    assert!(
        text.lines()
            .any(|l| l.starts_with("::error file=./hello_1.0_linux_mips64le,title=abiport elf ")),
        "{text}"
    );
    let o = run(&["elf", ".", "--format", "sarif"], dir.path());
    assert_eq!(o.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&o.stdout).expect("SARIF");
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "./hello_1.0_linux_mips64le"
    );
    validate_sarif(&stdout(&o));
}

#[test]
fn sarif_has_version_rule_docs_levels_and_only_given_urls() {
    let dir = tree();
    fs::write(
        dir.path().join("abiport.toml"),
        "[severity]\narch-constant-literal = \"info\"\n",
    )
    .unwrap();
    let o = run(&["scan", ".", "--format", "sarif"], dir.path());
    let text = stdout(&o);
    let v: Value = serde_json::from_str(&text).unwrap();
    let driver = &v["runs"][0]["tool"]["driver"];
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(driver["semanticVersion"], env!("CARGO_PKG_VERSION"));
    assert!(!text.contains("helpUri") && !text.contains("informationUri"));
    let rule = |id: &str| {
        driver["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(
        rule("arch-constant-literal")["defaultConfiguration"]["level"],
        "note"
    );
    assert_eq!(
        rule("undefined-on-arch")["defaultConfiguration"]["level"],
        "error"
    );
    let doc = fs::read_to_string(repo_root().join("rules/undefined-on-arch.md")).unwrap();
    assert_eq!(rule("undefined-on-arch")["help"]["markdown"], doc.as_str());
    assert!(rule("undefined-on-arch")["fullDescription"]["text"]
        .as_str()
        .unwrap()
        .starts_with("A reference to a package-level name"));
    validate_sarif(&text);

    // --doc-url gives helpUri (the flag wins over abiport.toml's doc-url).
    fs::write(
        dir.path().join("abiport.toml"),
        "doc-url = \"https://toml.example/rules\"\n",
    )
    .unwrap();
    let v: Value =
        serde_json::from_slice(&run(&["scan", ".", "--format", "sarif"], dir.path()).stdout)
            .unwrap();
    assert_eq!(
        v["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"],
        "https://toml.example/rules/abi-struct-drift.md"
    );
    let v: Value = serde_json::from_slice(
        &run(
            &[
                "scan",
                ".",
                "--format",
                "sarif",
                "--doc-url",
                "https://flag.example/r/",
            ],
            dir.path(),
        )
        .stdout,
    )
    .unwrap();
    assert_eq!(
        v["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"],
        "https://flag.example/r/abi-struct-drift.md"
    );
    let o = run(&["scan", ".", "--doc-url", "docs/"], dir.path());
    assert_eq!(o.status.code(), Some(2));
    // A doc-url that is not a URL is a config error.
    fs::write(dir.path().join("abiport.toml"), "doc-url = \"docs/\"\n").unwrap();
    let o = run(&["scan", ".", "--format", "sarif"], dir.path());
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn demo_sarif_validates_against_the_schema() {
    let o = run(
        &["scan", "corpus/demo", "--arch", "all", "--format", "sarif"],
        repo_root(),
    );
    assert_eq!(o.status.code(), Some(1));
    validate_sarif(&stdout(&o));
}

#[test]
fn html_report_renders_in_a_headless_browser() {
    if !crate::util::require_tool("chromium", "chromium") {
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let page = out.path().join("report.html");
    let o = run(
        &[
            "scan",
            "corpus/demo",
            "--arch",
            "all",
            "--format",
            "html",
            "-o",
            &page.display().to_string(),
        ],
        repo_root(),
    );
    assert_eq!(o.status.code(), Some(1));
    let json: Value = serde_json::from_slice(
        &run(
            &["scan", "corpus/demo", "--arch", "all", "--format", "json"],
            repo_root(),
        )
        .stdout,
    )
    .unwrap();
    let findings = json["findings"].as_array().unwrap();
    let mut packages: Vec<&str> = findings
        .iter()
        .map(|f| {
            let p = f["path"].as_str().unwrap();
            p.rsplit_once('/').map_or(".", |(d, _)| d)
        })
        .collect();
    packages.sort_unstable();
    packages.dedup();
    let text = fs::read_to_string(&page).unwrap();
    assert!(
        !text.contains("<script") && !text.contains("<link") && !text.contains("src="),
        "self-contained"
    );
    let mut chromium = std::process::Command::new("chromium");
    chromium
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--enable-logging=stderr",
            "--v=0",
            "--dump-dom",
        ])
        .arg(format!("file://{}", page.display()));
    let t = crate::util::run_within(chromium, std::time::Duration::from_secs(120));
    assert!(t.output.status.success());
    let dom = String::from_utf8_lossy(&t.output.stdout);
    let log = String::from_utf8_lossy(&t.output.stderr);
    assert!(!log.contains(":CONSOLE"), "console messages:\n{log}");
    let matrix = dom
        .split("<table id=\"matrix\">")
        .nth(1)
        .and_then(|t| t.split("</table>").next())
        .expect("the matrix in the rendered DOM");
    let rows = matrix
        .split("<tbody>")
        .nth(1)
        .unwrap()
        .matches("<tr>")
        .count();
    assert_eq!(rows, packages.len(), "a row per package: {packages:?}");
    for p in &packages {
        assert!(matrix.contains(&format!("<tr><th>{p}</th>")), "{p}");
    }
    assert_eq!(
        dom.matches("<details class=\"finding\">").count(),
        findings.len()
    );
    assert!(dom.contains("<pre class=\"diff\">"), "fix diffs shown");
}

/// Where scripts/install-deps.sh puts the SARIF 2.1.0 schema (from the npm package
/// @microsoft/jest-sarif).
fn schema_path() -> PathBuf {
    repo_root().join("target/test-deps/sarif-schema-2.1.0.json")
}

/// Validate `sarif` against the SARIF 2.1.0 JSON schema with Python's `jsonschema`
/// (Debian `python3-jsonschema`). Skipped, saying so, when the schema or the validator is
/// missing outside CI; in CI their absence fails the test.
fn validate_sarif(sarif: &str) {
    let schema = schema_path();
    let python = ["python3", "/usr/bin/python3"].into_iter().find(|p| {
        std::process::Command::new(p)
            .args(["-c", "import jsonschema"])
            .output()
            .is_ok_and(|o| o.status.success())
    });
    let (Some(python), true) = (python, schema.is_file()) else {
        let why = format!(
            "SARIF schema validation needs {} (scripts/install-deps.sh fetches it) and \
             python3 with jsonschema (Debian python3-jsonschema)",
            schema.display()
        );
        assert!(std::env::var_os("CI").is_none(), "{why}");
        eprintln!("skipping: {why}");
        return;
    };
    let doc = tempfile::NamedTempFile::new().unwrap();
    fs::write(doc.path(), sarif).unwrap();
    let script = "import json, sys, jsonschema\n\
                  schema = json.load(open(sys.argv[1]))\n\
                  doc = json.load(open(sys.argv[2]))\n\
                  cls = jsonschema.validators.validator_for(schema)\n\
                  errors = sorted(cls(schema).iter_errors(doc), key=lambda e: list(e.path))\n\
                  for e in errors[:10]:\n    print(list(e.path), e.message)\n\
                  sys.exit(1 if errors else 0)\n";
    let o = std::process::Command::new(python)
        .args(["-c", script])
        .arg(&schema)
        .arg(doc.path())
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "SARIF does not validate:\n{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}
