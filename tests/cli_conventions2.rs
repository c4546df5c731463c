//! Issue 15, the rest: paths a finding's text cites are shown as its own path is (relative
//! to the current directory), `--quiet`/`--color` on every command that reports, a
//! subdirectory of a module judged within its module, one patch per logical change.

use crate::compiler::copy_dir;
use crate::corpus::corpus_root;
use crate::util::run;
use serde_json::Value;
use std::path::Path;

/// `TMP/tree`: a copy of the demo.
fn demo_copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&corpus_root().join("demo"), &tmp.path().join("tree"));
    tmp
}

fn stdout(args: &[&str], cwd: &Path) -> String {
    let out = run(args, cwd);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

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
