//! abiport.toml and rule selection, on the real binary: discovery, `--config`,
//! `--isolated`, errors naming file:line and key, flags over the file, per-path overrides,
//! severities and `fail-on` exit codes, `--select`/`--ignore`/`--extend-select`,
//! `--exclude`.

use crate::corpus::corpus_root;
use crate::util::{assert_error, assert_exit, run};
use serde_json::Value;
use std::path::Path;
use std::process::Output;

/// A module with two findings in `app/` and the same two in `vendor/x/`:
/// `syscall.SYS_SELECT` (undefined on mips64le and riscv64) and socket type `1`
/// (SOCK_DGRAM on mips64le only).
fn tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let code = "import \"syscall\"\n\nfunc Sel() uintptr { return syscall.SYS_SELECT }\n\n\
                func Sock() (int, error) { return syscall.Socket(syscall.AF_UNIX, 1, 0) }\n";
    write(root, "go.mod", "module example.com/t\n\ngo 1.19\n");
    write(root, "app/app.go", &format!("package app\n\n{code}"));
    write(root, "vendor/x/x.go", &format!("package x\n\n{code}"));
    dir
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn scan(cwd: &Path, args: &[&str]) -> Output {
    let mut all = vec!["scan"];
    all.extend_from_slice(args);
    run(&all, cwd)
}

/// `rule path severity` of each finding of a JSON scan, and the exit code.
fn findings(cwd: &Path, args: &[&str]) -> (Vec<String>, Option<i32>) {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    let out = scan(cwd, &all);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let doc: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {args:?}: stderr {stderr}"));
    let list = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {} {}",
                f["rule"].as_str().unwrap(),
                f["path"].as_str().unwrap(),
                f["severity"].as_str().unwrap()
            )
        })
        .collect();
    (list, out.status.code())
}

const ALL_FOUR: [&str; 4] = [
    "undefined-on-arch app/app.go error",
    "arch-constant-literal app/app.go error",
    "undefined-on-arch vendor/x/x.go error",
    "arch-constant-literal vendor/x/x.go error",
];

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn config_errors_name_file_line_and_key_and_exit_2() {
    let t = tree();
    let root = t.path();
    let cases = [
        // (file text, expected in the message)
        (
            "arch = \"mips64le\"\ncolour = 1\n",
            "abiport.toml:2:1: unknown key `colour`",
        ),
        (
            "fail-on = \"error\"\n[severity]\nundefined-on-arch = \"fatal\"\n",
            "abiport.toml:3:21: `severity.undefined-on-arch`: unknown value `fatal`",
        ),
        (
            "\nextend-exclude = [\"vendor/[x\"]\n",
            "abiport.toml:2:19: `extend-exclude`: invalid glob `vendor/[x`",
        ),
        (
            "arch = [\"mips64ell\"]\n",
            "abiport.toml:1:8: `arch`: unknown architecture `mips64ell`",
        ),
        ("cgo = \"sometimes\"\n", "abiport.toml:1:7: `cgo`:"),
        (
            "go = 1.22\n",
            "abiport.toml:1:6: `go`: invalid type: floating point",
        ),
        (
            "[[overrides]]\npath = \"vendor/**\"\nignor = [\"x\"]\n",
            "abiport.toml:3:1: unknown key `ignor`",
        ),
        (
            "[[overrides]]\npath = \"vendor/{a\"\n",
            "abiport.toml:2:8: `overrides.path`: invalid glob `vendor/{a`",
        ),
        (
            "fail-on = \"off\"\n",
            "abiport.toml:1:11: `fail-on`: `off` is not a level",
        ),
        (
            "[severity]\nundefined-on-arc = \"off\"\n",
            "abiport.toml:2:20: unknown rule `undefined-on-arc` (did you mean `undefined-on-arch`?)",
        ),
        (
            "ignore = [\"all\", \"x-rule\"]\n",
            "abiport.toml:1:18: `ignore`: unknown rule `x-rule`",
        ),
    ];
    for (text, want) in cases {
        write(root, "abiport.toml", text);
        let out = scan(root, &["."]);
        assert_eq!(out.status.code(), Some(2), "{text}: {}", stderr(&out));
        assert!(stderr(&out).contains(want), "{text}: {}", stderr(&out));
        assert!(out.stdout.is_empty(), "{text}: nothing scanned");
    }
    // The line is drawn with the bad key marked (miette, as findings are), not colored
    // when piped.
    write(
        root,
        "abiport.toml",
        "arch = [\"mips64le\"]\n[severity]\nundefined-on-arch = \"fatal\"\n",
    );
    let err = stderr(&scan(root, &["."]));
    let drawn: Vec<&str> = err.lines().skip(1).map(str::trim_end).collect();
    assert_eq!(
        drawn,
        [
            "   ╭─[abiport.toml:3:21]",
            " 2 │ [severity]",
            " 3 │ undefined-on-arch = \"fatal\"",
            "   ·                     ───┬───",
            "   ·                        ╰── unknown value `fatal`",
            "   ╰────",
        ],
        "{err}"
    );
    // Named as found from the current directory: scanning `t/app` from above `t`.
    write(root, "abiport.toml", "colour = 1\n");
    let parent = root.parent().unwrap();
    let name = root.file_name().unwrap().to_str().unwrap();
    let out = scan(parent, &[&format!("{name}/app")]);
    assert_error(
        &out,
        2,
        &format!("{name}/abiport.toml:1:1: unknown key `colour`"),
    );
}

#[test]
fn nearest_config_upward_then_config_flag_then_isolated() {
    let t = tree();
    let root = t.path();
    assert_eq!(
        findings(root, &["."]),
        (ALL_FOUR.map(String::from).to_vec(), Some(1))
    );
    // Found at the root when scanning below it: the file's globs are relative to it.
    write(
        root,
        "abiport.toml",
        "ignore = [\"arch-constant-literal\"]\nexclude = [\"vendor/x\"]\n",
    );
    let (got, code) = findings(&root.join("app"), &["."]);
    assert_eq!(got, ["undefined-on-arch app.go error"]);
    assert_eq!(code, Some(1));
    let (got, _) = findings(root, &["."]);
    assert_eq!(got, ["undefined-on-arch app/app.go error"]);
    // The nearest one wins (no merging with the one above).
    write(
        root,
        "app/abiport.toml",
        "select = [\"arch-constant-literal\"]\n",
    );
    let (got, _) = findings(&root.join("app"), &["."]);
    assert_eq!(got, ["arch-constant-literal app.go error"]);
    // --config names another file; --isolated reads none.
    write(root, "other.toml", "select = [\"undefined-on-arch\"]\n");
    let (got, _) = findings(root, &[".", "--config", "other.toml"]);
    assert_eq!(
        got,
        [
            "undefined-on-arch app/app.go error",
            "undefined-on-arch vendor/x/x.go error"
        ]
    );
    let (got, _) = findings(root, &["app", "--isolated"]);
    assert_eq!(
        got,
        [
            "undefined-on-arch app/app.go error",
            "arch-constant-literal app/app.go error"
        ]
    );
    let out = scan(root, &[".", "--config", "missing.toml"]);
    assert_error(&out, 2, "missing.toml: cannot read config");
}

#[test]
fn flags_override_the_file() {
    let t = tree();
    let root = t.path();
    // riscv64 lacks SYS_SELECT too but its socket type 1 is SOCK_STREAM.
    write(
        root,
        "abiport.toml",
        "arch = \"riscv64\"\nselect = [\"arch-constant-literal\", \"undefined-on-arch\"]\n\
         exclude = [\"app\"]\nfail-on = \"error\"\n\
         [severity]\nundefined-on-arch = \"warning\"\n",
    );
    let (got, code) = findings(root, &["."]);
    assert_eq!(got, ["undefined-on-arch vendor/x/x.go warning"]);
    assert_eq!(code, Some(0), "warnings pass under fail-on = error");
    // --arch replaces `arch`, --exclude replaces `exclude`, --fail-on replaces `fail-on`.
    let (got, code) = findings(root, &[".", "--arch", "mips64le", "--exclude", "vendor/**"]);
    assert_eq!(
        got,
        [
            "undefined-on-arch app/app.go warning",
            "arch-constant-literal app/app.go error"
        ]
    );
    assert_eq!(code, Some(1));
    let (got, code) = findings(root, &[".", "--fail-on", "warning"]);
    assert_eq!(got, ["undefined-on-arch vendor/x/x.go warning"]);
    assert_eq!(code, Some(1));
    // --select replaces `select`; --rules is its alias.
    for flag in ["--select", "--rules"] {
        let (got, _) = findings(
            root,
            &[".", "--arch", "mips64le", flag, "arch-constant-literal"],
        );
        assert_eq!(got, ["arch-constant-literal vendor/x/x.go error"], "{flag}");
    }
}

#[test]
fn per_path_overrides_ignore_and_change_levels() {
    let t = tree();
    let root = t.path();
    write(
        root,
        "abiport.toml",
        "[[overrides]]\npath = \"vendor/**\"\nignore = [\"undefined-on-arch\"]\n\
         severity = { arch-constant-literal = \"info\" }\n",
    );
    let (got, code) = findings(root, &["."]);
    assert_eq!(
        got,
        [
            "undefined-on-arch app/app.go error",
            "arch-constant-literal app/app.go error",
            "arch-constant-literal vendor/x/x.go info",
        ]
    );
    assert_eq!(code, Some(1));
    // Only the info finding left: it is shown and the run passes, unless fail-on = info.
    let (got, code) = findings(root, &[".", "--exclude", "app"]);
    assert_eq!(got, ["arch-constant-literal vendor/x/x.go info"]);
    assert_eq!(code, Some(0));
    let (_, code) = findings(root, &[".", "--exclude", "app", "--fail-on", "info"]);
    assert_eq!(code, Some(1));
    // Each renderer names the level: SARIF `note`, GitHub `::notice`, human `☞` (miette's advice).
    let sarif = scan(root, &[".", "--exclude", "app", "--format", "sarif"]);
    let doc: Value = serde_json::from_slice(&sarif.stdout).unwrap();
    assert_eq!(doc["runs"][0]["results"][0]["level"], "note");
    let github = scan(root, &[".", "--exclude", "app", "--format", "github"]);
    let text = String::from_utf8_lossy(&github.stdout);
    assert!(text.starts_with("::notice file=vendor/x/x.go,"), "{text}");
    let human = scan(root, &[".", "--exclude", "app"]);
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(text.contains("  ☞ socket type `1`"), "{text}");
    assert!(!text.contains('×'), "{text}");
    // A later override wins over an earlier one and over [severity].
    write(
        root,
        "abiport.toml",
        "[severity]\narch-constant-literal = \"off\"\n\
         [[overrides]]\npath = \"vendor\"\nseverity = { arch-constant-literal = \"warning\" }\n\
         [[overrides]]\npath = \"*/x/*.go\"\nseverity = { undefined-on-arch = \"info\" }\n",
    );
    let (got, code) = findings(root, &["."]);
    assert_eq!(
        got,
        [
            "undefined-on-arch app/app.go error",
            "undefined-on-arch vendor/x/x.go info",
            "arch-constant-literal vendor/x/x.go warning",
        ]
    );
    assert_eq!(code, Some(1));
}

#[test]
fn per_path_select_and_extend_select() {
    let t = tree();
    let root = t.path();
    // Vendored code: only the compile-breaking rule there.
    write(
        root,
        "abiport.toml",
        "[[overrides]]\npath = \"vendor/**\"\nselect = [\"undefined-on-arch\"]\n",
    );
    let (got, _) = findings(root, &["."]);
    assert_eq!(
        got,
        [
            "undefined-on-arch app/app.go error",
            "arch-constant-literal app/app.go error",
            "undefined-on-arch vendor/x/x.go error",
        ]
    );
    // A rule left out of the run reports under an override's paths only.
    write(
        root,
        "abiport.toml",
        "select = [\"undefined-on-arch\"]\n\
         [[overrides]]\npath = \"app\"\nextend-select = [\"arch-constant-literal\"]\n",
    );
    let (got, _) = findings(root, &["."]);
    assert_eq!(
        got,
        [
            "undefined-on-arch app/app.go error",
            "arch-constant-literal app/app.go error",
            "undefined-on-arch vendor/x/x.go error",
        ]
    );
    // The command line's --select wins: the override adds nothing, and --ignore removes.
    let (got, _) = findings(root, &[".", "--select", "undefined-on-arch"]);
    assert_eq!(
        got,
        [
            "undefined-on-arch app/app.go error",
            "undefined-on-arch vendor/x/x.go error",
        ]
    );
    let (got, _) = findings(root, &[".", "--ignore", "arch-constant-literal"]);
    assert_eq!(
        got,
        [
            "undefined-on-arch app/app.go error",
            "undefined-on-arch vendor/x/x.go error",
        ]
    );
    // Unknown ids in an override are errors with the line.
    write(
        root,
        "abiport.toml",
        "[[overrides]]\npath = \"app\"\nselect = [\"undefined-on-arc\"]\n",
    );
    let out = scan(root, &["."]);
    assert_error(&out, 2, "abiport.toml:3:");
    assert_error(&out, 2, "undefined-on-arch");
}

#[test]
fn select_ignore_and_extend_select() {
    let t = tree();
    let root = t.path();
    let args = |extra: &[&'static str]| {
        let mut a = vec![".", "--exclude", "vendor"];
        a.extend_from_slice(extra);
        findings(root, &a).0
    };
    assert_eq!(
        args(&["--select", "undefined-on-arch"]),
        ["undefined-on-arch app/app.go error"]
    );
    assert_eq!(
        args(&[
            "--select",
            "undefined-on-arch",
            "--extend-select",
            "arch-constant-literal"
        ]),
        [
            "undefined-on-arch app/app.go error",
            "arch-constant-literal app/app.go error"
        ]
    );
    assert_eq!(
        args(&["--ignore", "undefined-on-arch,raw-syscall-abi"]),
        ["arch-constant-literal app/app.go error"]
    );
    assert_eq!(
        args(&["--select", "all", "--ignore", "arch-constant-literal"]).len(),
        1
    );
    // The file's extend-select adds to --select; its ignore still applies.
    write(
        root,
        "abiport.toml",
        "extend-select = [\"arch-constant-literal\"]\nignore = [\"raw-syscall-abi\"]\n",
    );
    assert_eq!(
        args(&["--select", "undefined-on-arch"]),
        [
            "undefined-on-arch app/app.go error",
            "arch-constant-literal app/app.go error"
        ]
    );
}

#[test]
fn unknown_rule_ids_suggest_and_empty_selections_exit_2() {
    let t = tree();
    let root = t.path();
    for flag in ["--select", "--rules", "--ignore", "--extend-select"] {
        let out = scan(root, &[".", flag, "undefined-on-arc"]);
        assert_eq!(out.status.code(), Some(2), "{flag}");
        assert!(
            stderr(&out)
                .contains("unknown rule `undefined-on-arc` (did you mean `undefined-on-arch`?)"),
            "{flag}: {}",
            stderr(&out)
        );
    }
    // Exited 0 before, with nothing checked.
    let empty: [&[&str]; 4] = [
        &["--rules", ""],
        &["--select", ","],
        &[
            "--select",
            "undefined-on-arch",
            "--ignore",
            "undefined-on-arch",
        ],
        &["--ignore", "all"],
    ];
    for extra in empty {
        let mut a = vec!["."];
        a.extend_from_slice(extra);
        let out = scan(root, &a);
        assert_eq!(out.status.code(), Some(2), "{extra:?}");
        assert!(
            stderr(&out).contains("no rule selected"),
            "{extra:?}: {}",
            stderr(&out)
        );
        assert!(out.stdout.is_empty());
    }
    // Every rule off in the file: the same error, naming the file.
    let offs: String = abiport::rules::ids()
        .map(|r| format!("{r} = \"off\"\n"))
        .collect();
    write(root, "abiport.toml", &format!("[severity]\n{offs}"));
    let out = scan(root, &["."]);
    assert_error(&out, 2, "no rule selected (with abiport.toml)");
}

#[test]
fn severity_levels_and_fail_on_decide_the_exit_code() {
    let t = tree();
    let root = t.path();
    let with = |text: &str, extra: &[&str]| {
        write(root, "abiport.toml", text);
        let mut a = vec!["."];
        a.extend_from_slice(extra);
        findings(root, &a)
    };
    // Default fail-on = warning: errors and warnings fail, info passes.
    let sev = "[severity]\nundefined-on-arch = \"info\"\narch-constant-literal = \"off\"\n";
    let (got, code) = with(sev, &[]);
    assert_eq!(
        got,
        [
            "undefined-on-arch app/app.go info",
            "undefined-on-arch vendor/x/x.go info"
        ]
    );
    assert_eq!(code, Some(0));
    assert_eq!(with(sev, &["--fail-on", "info"]).1, Some(1));
    let (_, code) = with(&format!("fail-on = \"info\"\n{sev}"), &[]);
    assert_eq!(code, Some(1));
    let warn = "[severity]\nundefined-on-arch = \"warning\"\narch-constant-literal = \"off\"\n";
    assert_eq!(with(warn, &[]).1, Some(1));
    assert_eq!(with(warn, &["--fail-on", "error"]).1, Some(0));
    assert_eq!(with(warn, &["--fail-on", "warning"]).1, Some(1));
    // An error fails at every level.
    assert_eq!(with("fail-on = \"error\"\n", &[]).1, Some(1));
    // Nothing found: 0.
    assert_eq!(with("", &["--exclude", "app,vendor"]), (vec![], Some(0)));
}

#[test]
fn exclude_globs_leave_paths_out_of_the_walk() {
    let t = tree();
    let root = t.path();
    write(
        root,
        "gen/z.pb.go",
        "package gen\n\nimport \"syscall\"\n\nvar _ = syscall.SYS_SELECT\n",
    );
    let files = |extra: &[&str]| {
        let mut a = vec![".", "--format", "json"];
        a.extend_from_slice(extra);
        let out = scan(root, &a);
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        doc["stats"]["files"].as_u64().unwrap()
    };
    assert_eq!(files(&[]), 3);
    // Excluded files are not even read: the walk leaves them out.
    assert_eq!(files(&["--exclude", "*.pb.go"]), 2);
    assert_eq!(files(&["--exclude", "vendor/**"]), 2);
    assert_eq!(files(&["--exclude", "x"]), 2, "a name matches at any depth");
    assert_eq!(files(&["--exclude", "app/*", "--extend-exclude", "gen"]), 1);
    // `*` does not cross `/`.
    assert_eq!(files(&["--exclude", "vendor/*.go"]), 3);
    // Everything excluded: a clean run that says why nothing was read.
    let out = scan(root, &[".", "--exclude", "*.go"]);
    assert_error(&out, 0, "matches an exclude glob");
    let out = scan(root, &[".", "--exclude", "a[b"]);
    assert_error(&out, 2, "invalid glob `a[b`");
}

/// The demo's abiport.toml is read (a broken one would exit 2) and changes none of
/// README's first command's findings: the same document and exit code as without it.
#[test]
fn demo_config_keeps_the_readme_output() {
    let demo = corpus_root().join("demo");
    let demo = demo.to_str().unwrap();
    let with = scan(crate::util::repo_root(), &[demo, "--format", "json"]);
    let without = scan(
        crate::util::repo_root(),
        &[demo, "--format", "json", "--isolated"],
    );
    assert_exit(&with, 1);
    assert_eq!(with.status.code(), without.status.code());
    assert_eq!(with.stdout, without.stdout);
    let text = std::fs::read_to_string(corpus_root().join("demo/abiport.toml")).unwrap();
    let settings =
        abiport::config::parse(Path::new("abiport.toml"), &text).expect("the demo config parses");
    assert!(settings.targets.is_some() && !settings.overrides.is_empty());
}

/// README's example `abiport.toml` (the first ```toml block of "Configuration") is a valid
/// config: every key it shows exists and every value is accepted.
#[test]
fn readme_example_config_parses() {
    let readme = std::fs::read_to_string(crate::util::repo_root().join("README.md")).unwrap();
    let section = readme
        .split("### Configuration: `abiport.toml`")
        .nth(1)
        .expect("README has a Configuration section");
    let block = section
        .split("```toml\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("a toml block");
    let s = abiport::config::parse(Path::new("README.md"), block)
        .unwrap_or_else(|e| panic!("{}: {:?}", e.title, e.help));
    assert_eq!(s.overrides.len(), 1);
    assert_eq!(s.fail_on, Some(abiport::finding::Severity::Warning));
    assert_eq!(s.ignore, ["arch-constant-literal"]);
}

/// `fix` reads the same config: findings an override drops are not fixed.
#[test]
fn fix_skips_findings_the_config_drops() {
    let t = tree();
    let root = t.path();
    let diff = |cwd: &Path| String::from_utf8_lossy(&run(&["fix", "."], cwd).stdout).into_owned();
    let all = diff(root);
    assert!(
        all.contains("+++ b/app/app.go") && all.contains("+++ b/vendor/x/x.go"),
        "{all}"
    );
    write(
        root,
        "abiport.toml",
        "[[overrides]]\npath = \"vendor/**\"\nignore = [\"arch-constant-literal\"]\n",
    );
    let some = diff(root);
    assert!(some.contains("+++ b/app/app.go"), "{some}");
    assert!(!some.contains("vendor/x/x.go"), "{some}");
}

/// Exit codes are in `--help` and `scan --help`.
#[test]
fn help_documents_exit_codes() {
    for args in [&["--help"][..], &["scan", "--help"]] {
        let out = run(args, crate::util::repo_root());
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("Exit codes:"), "{args:?}: {text}");
        assert!(
            text.contains("2  usage, config or I/O error"),
            "{args:?}: {text}"
        );
    }
}

/// Several roots: each reads its own abiport.toml and is judged by its own `fail-on`.
#[test]
fn each_root_reads_its_own_config() {
    let top = tempfile::tempdir().unwrap();
    for name in ["a", "b"] {
        let t = tree();
        std::fs::rename(t.path(), top.path().join(name)).unwrap();
    }
    write(
        top.path(),
        "a/abiport.toml",
        "fail-on = \"error\"\n[severity]\nundefined-on-arch = \"warning\"\n\
         arch-constant-literal = \"off\"\n",
    );
    // Paths relative to the current directory (issue 15), as with several roots.
    let (got, code) = findings(top.path(), &["a", "--exclude", "vendor"]);
    assert_eq!(got, ["undefined-on-arch a/app/app.go warning"]);
    assert_eq!(code, Some(0));
    let (got, code) = findings(top.path(), &["a", "b", "--exclude", "vendor"]);
    assert_eq!(
        got,
        [
            "undefined-on-arch a/app/app.go warning",
            "undefined-on-arch b/app/app.go error",
            "arch-constant-literal b/app/app.go error",
        ]
    );
    assert_eq!(code, Some(1));
}
