//! GOPATH-era trees (issue 12, item 2): a tree without go.mod, scanned where it was checked
//! out, gets its import path from `--import-path`, its place under a GOPATH `src/`, import
//! comments, Godeps.json, glide.yaml, .travis.yml or its own imports by suffix; then the
//! cross-package `// +build` gap of the corpus cases `undefined-on-arch/gopath-*` is found.
//! The go command in GOPATH mode (`GO111MODULE=off`, the case placed at
//! `$GOPATH/src/<import path>`) judges the same cases.

use crate::compiler::{copy_dir, package_dirs, undefined_errors};
use crate::corpus::{corpus_root, scan_options};
use crate::util::{abiport, require_tool, run_within};
use abiport::arch::Arch;
use abiport::scan::{analyze, ScanOutput};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

const PROJECT: &str = "github.com/acme/agent";
const MAIN: &str = "cmd/agent/main.go";

/// Each positive case: its directory, the note's path and what the note must say.
const SOURCES: [(&str, &str, &str); 6] = [
    (
        "gopath-import-path-flag",
        ".",
        "given by --import-path",
    ),
    (
        "gopath-import-comment",
        "system/umask.go",
        "inferred from the canonical import comments of 2 files",
    ),
    (
        "gopath-godeps",
        "Godeps/Godeps.json",
        "inferred from Godeps/Godeps.json (`ImportPath`)",
    ),
    ("gopath-glide", "glide.yaml", "inferred from glide.yaml (`package:`)"),
    (
        "gopath-travis",
        ".travis.yml",
        "inferred from .travis.yml (`go_import_path:`)",
    ),
    (
        "gopath-suffix",
        ".",
        "inferred from 1 import of the tree's own packages by path suffix (e.g. github.com/acme/agent/system)",
    ),
];

/// `(path, line)` of the `system.Setuid` call in a tree's `cmd/<cmd>/main.go`.
fn setuid_call(root: &Path, cmd: &str) -> (String, usize) {
    let rel = format!("cmd/{cmd}/main.go");
    let text = std::fs::read_to_string(root.join(&rel)).unwrap();
    let line = text
        .lines()
        .position(|l| l.contains("system.Setuid("))
        .unwrap();
    (rel, line + 1)
}

fn case(name: &str) -> PathBuf {
    corpus_root().join("undefined-on-arch").join(name)
}

/// `abiport scan ROOT --arch=all --rules=undefined-on-arch EXTRA…` as a library call.
fn scan(root: &Path, extra: &[&str]) -> ScanOutput {
    let mut argv: Vec<String> = ["abiport", "scan", &root.display().to_string()]
        .map(String::from)
        .to_vec();
    argv.extend(["--arch=all", "--rules=undefined-on-arch"].map(String::from));
    argv.extend(extra.iter().map(|s| s.to_string()));
    analyze(&scan_options(&argv)).expect("scan")
}

fn case_args(root: &Path) -> Vec<String> {
    std::fs::read_to_string(root.join("abiport.args"))
        .unwrap_or_default()
        .split_whitespace()
        .map(String::from)
        .collect()
}

/// `(path, line)` of each finding that holds for mips64le.
fn mips64le_findings(out: &ScanOutput) -> BTreeSet<(String, usize)> {
    out.findings
        .iter()
        .filter(|f| f.arches.contains(Arch::Mips64le))
        .map(|f| (f.path.clone(), f.span.line))
        .collect()
}

fn notes(out: &ScanOutput) -> Vec<String> {
    out.notes.iter().map(|n| n.to_string()).collect()
}

fn copy_case(name: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&case(name), tmp.path());
    tmp
}

#[test]
fn each_source_finds_the_build_list_gap_and_says_so() {
    for (name, note_path, says) in SOURCES {
        let root = case(name);
        let args = case_args(&root);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = scan(&root, &args);
        let want = format!("{note_path}: import path {PROJECT} {says}");
        assert_eq!(notes(&out), vec![want], "{name}");
        let calls: BTreeSet<_> = [setuid_call(&root, "agent")].into();
        assert_eq!(mips64le_findings(&out), calls, "{name}");
    }
}

/// Take each case's source away and the next source in the order decides: a stale one
/// (glide.yaml after the flag, .travis.yml after Godeps.json) makes the tree's import of
/// itself resolve to nothing and the gap is missed; else the suffix match finds the path.
#[test]
fn without_its_source_the_next_one_decides() {
    let strip_comments = |root: &Path| {
        for f in ["system/umask.go", "version.go"] {
            let p = root.join(f);
            let text = std::fs::read_to_string(&p).unwrap();
            let line = text.lines().find(|l| l.starts_with("package ")).unwrap();
            let bare = line.split(" //").next().unwrap();
            std::fs::write(&p, text.replacen(line, bare, 1)).unwrap();
        }
    };
    let suffix = "inferred from 2 imports of the tree's own packages by path suffix";
    type Strip = fn(&Path);
    let cases: [(&str, Strip, bool, &str); 5] = [
        (
            "gopath-import-path-flag",
            |_| {},
            false,
            "glide.yaml: import path github.com/acme/agent-legacy inferred from glide.yaml",
        ),
        ("gopath-import-comment", strip_comments, true, suffix),
        (
            "gopath-godeps",
            |r| std::fs::remove_dir_all(r.join("Godeps")).unwrap(),
            false,
            ".travis.yml: import path github.com/fork/agent inferred from .travis.yml",
        ),
        (
            "gopath-glide",
            |r| std::fs::remove_file(r.join("glide.yaml")).unwrap(),
            true,
            "inferred from 1 import of the tree's own packages by path suffix",
        ),
        (
            "gopath-travis",
            |r| std::fs::remove_file(r.join(".travis.yml")).unwrap(),
            true,
            "inferred from 1 import of the tree's own packages by path suffix",
        ),
    ];
    for (name, strip, found, note) in cases {
        let tmp = copy_case(name);
        strip(tmp.path());
        // No abiport.args: the flag case is scanned without its flag.
        let out = scan(tmp.path(), &[]);
        let want: BTreeSet<_> = if found {
            [setuid_call(tmp.path(), "agent")].into()
        } else {
            BTreeSet::new()
        };
        assert_eq!(mips64le_findings(&out), want, "{name}");
        let notes = notes(&out);
        assert_eq!(notes.len(), 1, "{name}: {notes:?}");
        assert!(notes[0].contains(note), "{name}: {notes:?}");
    }
}

#[test]
fn suffix_match_infers_nothing_when_prefixes_disagree() {
    let out = scan(&case("gopath-suffix-ambiguous"), &[]);
    assert!(out.findings.is_empty(), "{:?}", out.findings);
    let notes = notes(&out);
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(
        notes[0].contains("disagree on the tree's import path: github.com/acme/agent (1, e.g. github.com/acme/agent/system), github.com/acme/fork (1, e.g. github.com/acme/fork/system)"),
        "{notes:?}"
    );
    // Given the path, the command that uses it is judged; the fork's import stays silent.
    let out = scan(
        &case("gopath-suffix-ambiguous"),
        &["--import-path", PROJECT],
    );
    let calls: BTreeSet<_> = [setuid_call(&case("gopath-suffix-ambiguous"), "agent")].into();
    assert_eq!(mips64le_findings(&out), calls);
}

/// A partial tree (Debian ships part of a project) still names itself by suffix when nearly
/// all its imports of itself land in it; a foreign prefix that matched one directory by
/// accident (`github.com/other/dist/reference` ↔ `reference/`) does not fit.
#[test]
fn suffix_match_tolerates_a_partial_tree_and_drops_accidental_prefixes() {
    let tmp = copy_case("gopath-suffix");
    let root = tmp.path();
    std::fs::remove_dir_all(root.join("vendor")).unwrap();
    for dir in ["reference", "util"] {
        std::fs::create_dir_all(root.join(dir)).unwrap();
        std::fs::write(
            root.join(dir).join("x.go"),
            format!("package {dir}\n\n// X builds everywhere: silent.\nconst X = 1\n"),
        )
        .unwrap();
    }
    let imports = [
        "github.com/acme/agent/system",
        "github.com/acme/agent/util",
        "github.com/acme/agent/reference",
        "github.com/acme/agent/gone",
        "github.com/other/dist/reference",
        "github.com/other/dist/manifest",
    ];
    let mut tool = String::from("package main\n\nimport (\n");
    for (i, path) in imports.iter().enumerate() {
        tool.push_str(&format!("\tp{i} \"{path}\"\n"));
    }
    tool.push_str(")\n\nfunc main() {\n\t_ = p0.Setuid(0)\n}\n");
    std::fs::create_dir_all(root.join("cmd/tool")).unwrap();
    std::fs::write(root.join("cmd/tool/main.go"), tool).unwrap();
    let main = root.join(MAIN);
    let text = std::fs::read_to_string(&main).unwrap();
    let text = text.replace("\tothersys \"github.com/other/system\"\n", "");
    std::fs::write(
        &main,
        text.replace("\tfmt.Println(othersys.Hostname())\n", ""),
    )
    .unwrap();

    let out = scan(root, &[]);
    assert_eq!(
        notes(&out),
        vec![".: import path github.com/acme/agent inferred from 4 imports of the tree's own packages by path suffix (e.g. github.com/acme/agent/reference; 1 of the 4 paths under it are not in the tree)"]
    );
    let want: BTreeSet<_> = [
        setuid_call(root, "agent"),
        ("cmd/tool/main.go".to_string(), 13),
    ]
    .into();
    assert_eq!(mips64le_findings(&out), want);
}

/// A tree placed under `$GOPATH/src` gets its path from there before any file of the tree
/// says otherwise, as the go command would build it; under another `src/` (`~/src/x`, where
/// people keep checkouts) the tree's own files come first.
#[test]
fn place_under_a_gopath_src() {
    let gopath = tempfile::tempdir().unwrap();
    let placed = gopath.path().join("src").join(PROJECT);
    copy_dir(&case("gopath-godeps"), &placed);
    let manifest = placed.join("Godeps/Godeps.json");
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, text.replace(PROJECT, "github.com/acme/old")).unwrap();
    let src = gopath.path().join("src").canonicalize().unwrap();
    let scan_with_gopath = |gopath: &Path| {
        // In the root: paths are shown relative to it (issue 15).
        let out = abiport()
            .current_dir(&placed)
            .args(["scan", "--arch", "mips64le", "--format", "json"])
            .arg(&placed)
            .env("GOPATH", gopath)
            .output()
            .unwrap();
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let doc = scan_with_gopath(gopath.path());
    assert_eq!(doc["findings"].as_array().unwrap().len(), 1, "{doc}");
    assert_eq!(doc["findings"][0]["path"], MAIN);
    assert_eq!(
        doc["notes"][0]["message"],
        format!(
            "import path {PROJECT} inferred from the tree's location under {}",
            src.display()
        )
    );
    // Another GOPATH: the stale manifest decides, and the tree's import of itself is lost.
    let elsewhere = tempfile::tempdir().unwrap();
    let doc = scan_with_gopath(elsewhere.path());
    assert_eq!(doc["findings"].as_array().unwrap().len(), 0, "{doc}");
    assert_eq!(
        doc["notes"][0]["message"],
        "import path github.com/acme/old inferred from Godeps/Godeps.json (`ImportPath`)"
    );

    // Not a GOPATH, no file names the tree: a place that reads like an import path comes
    // before the suffix match (which would disagree with itself here).
    let ambiguous = gopath
        .path()
        .join("src")
        .join(PROJECT)
        .with_file_name("agent2");
    copy_dir(&case("gopath-suffix-ambiguous"), &ambiguous);
    let out = scan(&ambiguous, &[]);
    assert!(out.findings.is_empty(), "{:?}", out.findings);
    assert_eq!(
        notes(&out),
        vec![format!(
            ".: import path github.com/acme/agent2 inferred from the tree's location under {}",
            src.display()
        )]
    );

    // Nothing but a place that is no import path: the suffix match (blind to paths without
    // a host name) finds nothing, and as before `src/agent` makes the tree `agent`.
    let bare = gopath.path().join("src/agent");
    copy_dir(&case("gopath-glide"), &bare);
    std::fs::remove_file(bare.join("glide.yaml")).unwrap();
    let main = bare.join(MAIN);
    let text = std::fs::read_to_string(&main).unwrap();
    std::fs::write(&main, text.replace(PROJECT, "agent")).unwrap();
    let out = scan(&bare, &[]);
    assert_eq!(mips64le_findings(&out).len(), 1);
    assert!(notes(&out)[0].contains("import path agent inferred from the tree's location"));
}

/// Modules and GOPATH roots nested in a GOPATH-era tree resolve as before: their packages
/// keep their own import paths, whatever the tree's.
#[test]
fn nested_modules_and_gopath_roots_keep_their_paths() {
    let tmp = copy_case("gopath-godeps");
    let root = tmp.path();
    let write = |rel: &str, text: &str| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    let gap = "// +build linux,amd64\n\npackage sys\n\nfunc Only() {}\n";
    let user = |import: &str| {
        format!("package main\n\nimport \"{import}\"\n\nfunc main() {{\n\tsys.Only()\n}}\n")
    };
    write("tools/go.mod", "module example.com/tools\n\ngo 1.19\n");
    write("tools/sys/sys.go", gap);
    write("tools/cmd/t/main.go", &user("example.com/tools/sys"));
    write("staging/src/k8s.io/lib/sys/sys.go", gap);
    write(
        "staging/src/k8s.io/lib/cmd/l/main.go",
        &user("k8s.io/lib/sys"),
    );
    let out = scan(root, &[]);
    let got = mips64le_findings(&out);
    let want: BTreeSet<(String, usize)> = [
        setuid_call(root, "agent"),
        ("tools/cmd/t/main.go".to_string(), 6),
        ("staging/src/k8s.io/lib/cmd/l/main.go".to_string(), 6),
    ]
    .into();
    assert_eq!(got, want);
}

#[test]
fn import_path_flag_gives_way_to_go_mod() {
    let root = case("plus-build-list");
    let out = scan(&root, &["--import-path", "github.com/acme/other"]);
    assert_eq!(
        notes(&out),
        vec!["go.mod: --import-path github.com/acme/other ignored: go.mod declares module example.com/plusbuild"]
    );
    assert!(!out.findings.is_empty());
}

/// `fix` and `verify` take `--import-path` too: without it the gap is not seen, so there is
/// nothing to fix; with it the fix adds mips64le to the build list and verify passes it.
#[test]
fn fix_and_verify_take_the_flag() {
    let tmp = copy_case("gopath-import-path-flag");
    let root = tmp.path();
    std::fs::remove_file(root.join("abiport.args")).unwrap();
    let root_s = root.display().to_string();
    let fix = |flag: &[&str]| {
        abiport()
            .args(["fix", &root_s, "--arch", "mips64le"])
            .args(flag)
            .output()
            .unwrap()
    };
    let without = fix(&[]);
    assert_eq!(without.status.code(), Some(0), "{without:?}");
    assert!(without.stdout.is_empty());
    let with = fix(&["--import-path", PROJECT]);
    assert_eq!(with.status.code(), Some(1), "{with:?}");
    let diff = String::from_utf8(with.stdout).unwrap();
    assert!(diff.contains("+// +build linux,amd64 linux,arm64 linux,ppc64le linux,s390x linux,mips64 linux,mips64le"), "{diff}");
    let patches = tempfile::tempdir().unwrap();
    let patch = patches.path().join("gap.patch");
    std::fs::write(&patch, &diff).unwrap();
    let verify = abiport()
        .args([
            "verify",
            &root_s,
            "--arch",
            "mips64le",
            "--import-path",
            PROJECT,
        ])
        .arg("--patches")
        .arg(&patch)
        .output()
        .unwrap();
    assert_eq!(verify.status.code(), Some(0), "{verify:?}");
    assert!(String::from_utf8_lossy(&verify.stderr)
        .contains("1 of 1 patch applies; 0 of 1 finding left, 0 introduced"));
}

/// `go build` in GOPATH mode, from the placed tree.
fn go_build_gopath(gopath: &Path, placed: &Path, pkg_dir: &str, arch: Arch) -> Result<(), String> {
    let target = if pkg_dir.is_empty() {
        ".".to_string()
    } else {
        format!("./{pkg_dir}")
    };
    let out = Command::new("go")
        .args(["build", "-gcflags=-e", "-o", "/dev/null", &target])
        .current_dir(placed)
        .env("GOPATH", gopath)
        .env("GO111MODULE", "off")
        .env("GOOS", "linux")
        .env("GOARCH", arch.name())
        .env("CGO_ENABLED", "0")
        .env("GOPROXY", "off")
        .env("GOFLAGS", "")
        .env("GOTOOLCHAIN", "local")
        .output()
        .expect("run go");
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// The compiler's verdict on each positive case, built in GOPATH mode at the path abiport
/// inferred: every `undefined:` error is a finding for that arch, and no finding sits in a
/// package that compiles.
#[test]
fn gopath_cases_agree_with_the_compiler() {
    if !require_tool("go", "golang-go") {
        return;
    }
    let mut problems = Vec::new();
    let (mut errors, mut matched) = (0, 0);
    for (name, _, _) in SOURCES {
        let root = case(name);
        let args = case_args(&root);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = scan(&root, &args);
        let gopath = tempfile::tempdir().unwrap();
        let placed = gopath.path().join("src").join(PROJECT);
        copy_dir(&root, &placed);
        for arch in [Arch::Mips64le, Arch::Arm64, Arch::Riscv64] {
            let mine: BTreeSet<(String, usize)> = out
                .findings
                .iter()
                .filter(|f| f.arches.contains(arch))
                .map(|f| (f.path.clone(), f.span.line))
                .collect();
            for dir in package_dirs(&placed) {
                match go_build_gopath(gopath.path(), &placed, &dir, arch) {
                    Ok(()) => {
                        for f in mine.iter().filter(|f| dir_of(&f.0) == dir) {
                            problems
                                .push(format!("{name} {arch}: {f:?} in ./{dir}, which compiles"));
                        }
                    }
                    Err(output) => {
                        for e in undefined_errors(&output) {
                            errors += 1;
                            if mine.contains(&e) {
                                matched += 1;
                            } else {
                                problems.push(format!("{name} {arch}: compiler: undefined at {e:?}, abiport is silent"));
                            }
                        }
                    }
                }
            }
        }
    }
    eprintln!(
        "GOPATH-mode compiler comparison over {} cases: {matched}/{errors} undefined errors matched",
        SOURCES.len()
    );
    assert!(errors > 0, "no compile error: nothing compared");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn dir_of(path: &str) -> String {
    path.rfind('/')
        .map_or(String::new(), |i| path[..i].to_string())
}

/// Metadata that is no regular file (a FIFO would block a plain read) or is oversized is
/// skipped with a note, and the next source decides.
#[test]
fn hostile_metadata_is_skipped() {
    let tmp = copy_case("gopath-godeps");
    let root = tmp.path();
    let manifest = root.join("Godeps/Godeps.json");
    std::fs::remove_file(&manifest).unwrap();
    let made = Command::new("mkfifo").arg(&manifest).status().unwrap();
    assert!(made.success());
    let big = format!("go_import_path: {PROJECT}\n{}", "#\n".repeat(600_000));
    std::fs::write(root.join(".travis.yml"), big).unwrap();
    let mut cmd = abiport();
    cmd.current_dir(root)
        .args(["scan", "--arch", "mips64le", "--format", "json"])
        .arg(root);
    let run = run_within(cmd, std::time::Duration::from_secs(60));
    let doc: serde_json::Value = serde_json::from_slice(&run.output.stdout).unwrap();
    let notes: Vec<String> = doc["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            format!(
                "{}: {}",
                n["path"].as_str().unwrap(),
                n["message"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        notes,
        vec![
            ".: import path github.com/acme/agent inferred from 1 import of the tree's own packages by path suffix (e.g. github.com/acme/agent/system)".to_string(),
            ".travis.yml: not read for the tree's import path: over 1048576 bytes".to_string(),
            "Godeps/Godeps.json: not read for the tree's import path: not a regular file".to_string(),
        ]
    );
    assert_eq!(doc["findings"].as_array().unwrap().len(), 1);
}
