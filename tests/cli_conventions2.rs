//! Issue 15, the rest: paths a finding's text cites are shown as its own path is (relative
//! to the current directory), `--quiet`/`--color` on every command that reports, a
//! subdirectory of a module judged within its module, one patch per logical change.

use crate::cli_paths::{demo_copy, stdout};
use crate::corpus::corpus_root;
use crate::util::run;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn json(args: &[&str], cwd: &Path) -> Value {
    serde_json::from_str(&stdout(args, cwd)).unwrap()
}

/// The demo's `system.Setuid` finding of a `scan --format json` document.
fn setuid(doc: &Value) -> &Value {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["message"] == "`system.Setuid` is undefined on mips64le")
        .expect("the Setuid finding")
}

/// Private-use marks must never reach an output.
fn unmarked(text: &str) {
    assert!(
        !text.contains('\u{E000}') && !text.contains('\u{E001}'),
        "{text}"
    );
}

fn squeeze(text: &str) -> String {
    text.split_whitespace().collect()
}

const DECL: &str = "vendor/example.com/system/setuid_linux.go";

#[test]
fn cited_declarations_are_relative_to_the_current_directory() {
    let tmp = demo_copy();
    let tree = tmp.path().join("tree");
    let sub = tree.join("pkg/devices");
    // (cwd, scan argument, how the declaring file is shown from there)
    let cases = [
        (tree.clone(), ".", DECL.to_string()),
        (tmp.path().to_path_buf(), "tree", format!("tree/{DECL}")),
        (sub.clone(), "../..", format!("../../{DECL}")),
    ];
    for (cwd, arg, shown) in &cases {
        let doc = json(&["scan", arg, "--format", "json"], cwd);
        let f = setuid(&doc);
        let fact = f["fact"].as_str().unwrap();
        assert!(
            fact.starts_with(&format!("`Setuid` is declared in {shown}:8 (")),
            "from {cwd:?}: {fact}"
        );
        // The related location names the same file, reachable from the cwd as shown.
        assert_eq!(f["related"][0]["path"], shown.as_str(), "{f}");
        assert_eq!(f["related"][0]["line"], 8, "{f}");
        assert!(cwd.join(shown).is_file(), "{shown} from {cwd:?}");
        unmarked(&doc.to_string());

        // Help wraps at 100 columns (within paths too): compared without whitespace.
        let human = stdout(&["scan", arg, "--no-group"], cwd);
        let flat = squeeze(&human);
        assert!(
            flat.contains(&squeeze(&format!("declared in {shown}:8 ("))),
            "from {cwd:?}: {human}"
        );
        assert!(
            flat.contains(&squeeze(&format!(
                "fix: add mips64le to the build constraint of `{shown}`"
            ))),
            "from {cwd:?}: {human}"
        );
        unmarked(&human);

        let concise = stdout(&["scan", arg, "--format", "concise"], cwd);
        unmarked(&concise);
        let github = stdout(&["scan", arg, "--format", "github"], cwd);
        assert!(
            github.contains(&format!("declared in {shown}:8 ")),
            "{github}"
        );
        unmarked(&github);

        // SARIF: the fact as text, the declaration as a related location.
        let sarif = json(&["scan", arg, "--format", "sarif"], cwd);
        let result = sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| {
                r["message"]["text"]
                    .as_str()
                    .unwrap()
                    .starts_with("`system.Setuid`")
            })
            .expect("Setuid result");
        let related = &result["relatedLocations"][0]["physicalLocation"];
        assert_eq!(related["artifactLocation"]["uri"], shown.as_str());
        assert_eq!(related["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert_eq!(related["region"]["startLine"], 8);
        unmarked(&sarif.to_string());

        // `fix`'s JSON names the fix as every output names the file.
        let fix = json(&["fix", arg, "--format", "json"], cwd);
        let titles: Vec<&str> = fix["files"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|f| f["fixes"].as_array().unwrap())
            .map(|t| t.as_str().unwrap())
            .collect();
        assert!(
            titles.contains(&format!("add mips64le to the build constraint of `{shown}`").as_str()),
            "{titles:?}"
        );
        unmarked(&fix.to_string());
    }
}

#[test]
fn baselines_and_patches_keep_cited_paths_tree_relative() {
    let tmp = demo_copy();
    let tree = tmp.path().join("tree");
    let baseline = tmp.path().join("b.json");
    let out = run(
        &[
            "scan",
            "tree",
            "--write-baseline",
            baseline.to_str().unwrap(),
        ],
        tmp.path(),
    );
    assert_eq!(out.status.code(), Some(0));
    let text = std::fs::read_to_string(&baseline).unwrap();
    unmarked(&text);
    assert!(!text.contains("tree/"), "{text}");

    let dir = tmp.path().join("patches");
    let out = run(
        &[
            "fix",
            "tree",
            "--format-patch",
            dir.to_str().unwrap(),
            "--author",
            "A <a@example.org>",
        ],
        tmp.path(),
    );
    assert!(out.status.success(), "{out:?}");
    let mut all = String::new();
    for unit in std::fs::read_dir(&dir).unwrap() {
        let unit = unit.unwrap().path();
        if unit.is_dir() {
            for p in std::fs::read_dir(&unit).unwrap() {
                all.push_str(&std::fs::read_to_string(p.unwrap().path()).unwrap());
            }
        }
    }
    unmarked(&all);
    // The system unit's patch names its file as its maintainers see it.
    assert!(
        all.contains("build constraint of `setuid_linux.go`"),
        "{all}"
    );
    assert!(!all.contains("tree/"), "{all}");
    drop(tree);
}

/// `abiport ARGS` in `cwd` with the environment's colour variables set as given.
fn run_env(args: &[&str], cwd: &Path, env: &[(&str, &str)]) -> std::process::Output {
    let mut c = crate::util::abiport();
    c.args(args)
        .current_dir(cwd)
        .env_remove("NO_COLOR")
        .env_remove("FORCE_COLOR");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().unwrap()
}

const GREEN_ADD: &str = "\x1b[32m+";

#[test]
fn fix_takes_quiet_and_color() {
    let tmp = demo_copy();
    let tree = tmp.path().join("tree");
    let plain = run_env(&["fix", "."], &tree, &[]);
    assert_eq!(plain.status.code(), Some(1), "{plain:?}");
    let diff = String::from_utf8(plain.stdout.clone()).unwrap();
    assert!(diff.contains("\n+// +build linux,amd64"), "{diff}");
    assert!(!diff.contains('\x1b'), "a pipe is not coloured: {diff}");
    assert!(String::from_utf8_lossy(&plain.stderr).contains("abiport: "));

    // --quiet: the same diff, nothing on stderr.
    let quiet = run_env(&["fix", ".", "-q"], &tree, &[]);
    assert_eq!(quiet.status.code(), Some(1));
    assert_eq!(quiet.stdout, plain.stdout);
    assert!(quiet.stderr.is_empty(), "{quiet:?}");

    // --color always paints the diff as git does; NO_COLOR wins over FORCE_COLOR.
    let coloured = |args: &[&str], env: &[(&str, &str)]| {
        let out = run_env(args, &tree, env);
        String::from_utf8(out.stdout).unwrap().contains(GREEN_ADD)
    };
    assert!(coloured(&["fix", ".", "--color", "always"], &[]));
    assert!(coloured(&["fix", "."], &[("FORCE_COLOR", "1")]));
    assert!(!coloured(
        &["fix", "."],
        &[("FORCE_COLOR", "1"), ("NO_COLOR", "1")]
    ));
    assert!(!coloured(
        &["fix", ".", "--color", "never"],
        &[("FORCE_COLOR", "1")]
    ));
    let painted = run_env(&["fix", ".", "--color", "always"], &tree, &[]);
    let painted = String::from_utf8(painted.stdout).unwrap();
    // Without its escapes, the coloured diff is the diff.
    let stripped = regex::Regex::new("\x1b\\[[0-9;]*m")
        .unwrap()
        .replace_all(&painted, "");
    assert_eq!(stripped, diff);
}

#[test]
fn verify_takes_quiet_and_color() {
    let tmp = demo_copy();
    let tree = tmp.path().join("tree");
    let diff = run_env(&["fix", "."], &tree, &[]).stdout;
    let patch = tmp.path().join("fix.patch");
    std::fs::write(&patch, &diff).unwrap();
    let p = patch.to_str().unwrap();

    let plain = run_env(&["verify", ".", "--patches", p], &tree, &[]);
    let out = String::from_utf8(plain.stdout).unwrap();
    assert!(out.contains("applies: "), "{out}");
    assert!(
        out.contains("left: "),
        "the demo keeps unfixable findings: {out}"
    );
    assert!(String::from_utf8_lossy(&plain.stderr).contains(" introduced"));

    let quiet = run_env(&["verify", ".", "--patches", p, "--quiet"], &tree, &[]);
    assert_eq!(quiet.status.code(), plain.status.code());
    let q = String::from_utf8(quiet.stdout.clone()).unwrap();
    assert!(!q.contains("applies: "), "{q}");
    let left = |text: &str| text.lines().filter(|l| l.starts_with("left: ")).count();
    assert_eq!(left(&q), left(&out));
    assert!(quiet.stderr.is_empty(), "{quiet:?}");

    let painted = run_env(
        &["verify", ".", "--patches", p, "--color", "always"],
        &tree,
        &[],
    );
    let painted = String::from_utf8(painted.stdout).unwrap();
    assert!(painted.contains("\x1b[1;31mleft:\x1b[0m "), "{painted}");
    assert!(painted.contains("\x1b[32mapplies:\x1b[0m "), "{painted}");
}

#[test]
fn elf_takes_quiet_and_color() {
    // This test binary is an ELF for the host, not for mips64le: one finding.
    let exe = std::env::current_exe().unwrap();
    let exe = exe.to_str().unwrap();
    let cwd = std::env::temp_dir();
    let args = ["elf", exe, "--expect", "linux/mips64le"];
    let plain = run_env(&args, &cwd, &[]);
    assert_eq!(plain.status.code(), Some(1));
    let out = String::from_utf8(plain.stdout).unwrap();
    assert!(out.contains("ELF file checked"), "{out}");
    let findings: Vec<&str> = out.lines().filter(|l| l.starts_with("error[")).collect();
    assert!(!findings.is_empty(), "{out}");

    let quiet = run_env(&[&args[..], &["-q"]].concat(), &cwd, &[]);
    assert_eq!(quiet.status.code(), Some(1));
    let q = String::from_utf8(quiet.stdout).unwrap();
    assert_eq!(q.lines().collect::<Vec<_>>(), findings, "{q}");

    let painted = run_env(&[&args[..], &["--color", "always"]].concat(), &cwd, &[]);
    let painted = String::from_utf8(painted.stdout).unwrap();
    assert!(painted.contains("\x1b[1;31merror["), "{painted}");
    let never = run_env(
        &[&args[..], &["--color", "never"]].concat(),
        &cwd,
        &[("FORCE_COLOR", "1")],
    );
    assert!(!String::from_utf8(never.stdout).unwrap().contains('\x1b'));
}

/// (absolute path, line, column, rule, message, fingerprint) of a `--format json` run in
/// `cwd`, paths made absolute from `cwd` (each run shows them relative to its own).
fn findings_at(args: &[&str], cwd: &Path) -> Vec<(PathBuf, u64, u64, String, String, String)> {
    let doc = json(args, cwd);
    let mut out: Vec<_> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let path = cwd.join(f["path"].as_str().unwrap());
            (
                path.canonicalize().unwrap_or(path),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["rule"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
                f["fingerprint"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn a_subdirectory_is_judged_within_its_module() {
    let demo = corpus_root().join("demo").canonicalize().unwrap();
    let all = findings_at(&["scan", ".", "--format", "json"], &demo);
    let cmd_dir = demo.join("cmd");
    let under_cmd: Vec<_> = all
        .iter()
        .filter(|f| f.0.starts_with(&cmd_dir))
        .cloned()
        .collect();
    // The demo's cmd/ uses a name its vendor/ declares for other arches only: without the
    // module around it, nothing is found there.
    assert!(!under_cmd.is_empty(), "{all:?}");
    assert!(under_cmd.len() < all.len());
    let repo = demo.parent().unwrap().parent().unwrap();
    let abs = cmd_dir.to_str().unwrap().to_string();
    let cases: [(PathBuf, &str); 6] = [
        (repo.to_path_buf(), "corpus/demo/cmd"),
        (demo.clone(), "cmd"),
        (demo.clone(), "cmd/..."),
        (cmd_dir.clone(), "."),
        (demo.join("pkg"), "../cmd"),
        (std::env::temp_dir(), abs.as_str()),
    ];
    for (cwd, arg) in &cases {
        let got = findings_at(&["scan", arg, "--format", "json"], cwd);
        // Same findings, same fingerprints: the module is the root either way.
        assert_eq!(got, under_cmd, "scan {arg} in {cwd:?}");
    }
    // A file is judged in its module too.
    let main_go = findings_at(
        &["scan", "cmd/nodeagent/main.go", "--format", "json"],
        &demo,
    );
    let in_main: Vec<_> = under_cmd
        .iter()
        .filter(|f| f.0.ends_with("cmd/nodeagent/main.go"))
        .cloned()
        .collect();
    assert!(!in_main.is_empty());
    assert_eq!(main_go, in_main);

    // `fix` fixes what `scan cmd` reports, wherever the fix lies (the vendored
    // declaration's build constraint), with paths as `fix .` gives them.
    let whole = String::from_utf8(run(&["fix", "."], &demo).stdout).unwrap();
    let sub = String::from_utf8(run(&["fix", "cmd"], &demo).stdout).unwrap();
    assert!(
        sub.contains("+++ b/corpus/demo/vendor/example.com/system/setuid_linux.go"),
        "{sub}"
    );
    for file_diff in sub.split("diff --git ").filter(|d| !d.is_empty()) {
        assert!(whole.contains(file_diff), "{file_diff}");
    }
}

#[test]
fn a_gopath_subdirectory_is_judged_within_its_repository() {
    let tmp = tempfile::tempdir().unwrap();
    let app = tmp.path().join("gopath/src/example.com/app");
    let write = |rel: &str, text: &str| {
        let p = app.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    write(
        "vendor/example.com/lib/id_amd64.go",
        "package lib\n\nfunc ID() int { return 1 }\n",
    );
    write("vendor/example.com/lib/doc.go", "package lib\n");
    write(
        "cmd/tool/main.go",
        "package main\n\nimport \"example.com/lib\"\n\nfunc main() { println(lib.ID()) }\n",
    );
    let rel = |args: &[&str], cwd: &Path| -> Vec<String> {
        let mut c = crate::util::abiport();
        let out = c
            .args(args)
            .current_dir(cwd)
            .env("GOPATH", tmp.path().join("gopath"))
            .output()
            .unwrap();
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| format!("{}:{}", f["path"].as_str().unwrap(), f["rule"]))
            .collect()
    };
    // A binary .go file elsewhere in the repository is noted by a whole scan only.
    write("other/blob.go", "package other\n\0\x01");
    let notes = |args: &[&str]| -> Vec<String> {
        let out = crate::util::abiport()
            .args(args)
            .current_dir(&app)
            .env("GOPATH", tmp.path().join("gopath"))
            .output()
            .unwrap();
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        doc["notes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["path"].as_str().unwrap().to_string())
            .collect()
    };
    // (The note on `.`, where the import path came from, concerns every scan of the tree.)
    let blob = "other/blob.go".to_string();
    for (sub, noted) in [(".", true), ("cmd", false), ("other", true)] {
        let got = notes(&["scan", sub, "--format", "json"]);
        assert_eq!(got.contains(&blob), noted, "scan {sub}: {got:?}");
        assert!(got.contains(&".".to_string()), "scan {sub}: {got:?}");
    }
    let whole = rel(&["scan", ".", "--format", "json"], &app);
    assert_eq!(
        whole,
        vec!["cmd/tool/main.go:\"undefined-on-arch\"".to_string()],
        "{whole:?}"
    );
    assert_eq!(rel(&["scan", "cmd", "--format", "json"], &app), whole);
    assert_eq!(
        rel(&["scan", ".", "--format", "json"], &app.join("cmd/tool")),
        vec!["main.go:\"undefined-on-arch\"".to_string()]
    );
}
