//! Issue 13, inputs of the walk: unreadable files and directories fail the run (unless
//! `--ignore-unreadable`), names that are not UTF-8 are scanned and printed escaped, and no
//! fix reaches a file through a symlink leading out of the tree. Every run of the binary
//! has a time limit.

use crate::util::{abiport, run_within};
use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(60);

/// A file with one fixable finding on mips64le: rlimit resource 7 (RLIMIT_NOFILE on amd64,
/// RLIMIT_RSS on mips64).
const RLIMIT_SRC: &str =
    "package p\n\nimport \"syscall\"\n\nfunc Limits() {\n\tvar rl syscall.Rlimit\n\tsyscall.Getrlimit(7, &rl)\n}\n";
const FIXED: &str = "syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl)";

fn run(cmd: Command) -> Output {
    run_within(cmd, LIMIT).output
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn write(path: &Path, content: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

/// A temp dir under /tmp that another user can traverse.
fn shared_tempdir() -> tempfile::TempDir {
    let dir = tempfile::Builder::new()
        .prefix("abiport-hostile-inputs")
        .tempdir_in("/tmp")
        .unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    dir
}

/// abiport as a user that `chmod 000` keeps out: `nobody` via setpriv when the tests run
/// as root (root reads anything), else the current user. None when that is not possible.
fn abiport_unprivileged(probe_dir: &Path) -> Option<Command> {
    let probe = probe_dir.join(".probe");
    std::fs::write(&probe, "").unwrap();
    let root = std::fs::metadata(&probe).unwrap().uid() == 0;
    std::fs::remove_file(&probe).unwrap();
    if !root {
        return Some(abiport());
    }
    let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"]
        .into_iter()
        .find(|p| Path::new(p).exists())?;
    let mut c = Command::new(setpriv);
    c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(env!("CARGO_BIN_EXE_abiport"))
        .env_remove("RUST_LOG")
        .env("NO_COLOR", "1")
        .current_dir("/");
    Some(c)
}

/// A world-readable tree with `ok/ok.go` (no finding), plus a `chmod 000` directory
/// (`locked/`) and a `chmod 000` file (`ok/secret.go`) when `lock` is set.
struct LockedTree {
    dir: tempfile::TempDir,
}

impl LockedTree {
    fn new(with_readable: bool) -> LockedTree {
        let dir = shared_tempdir();
        let root = dir.path();
        if with_readable {
            write(&root.join("ok/ok.go"), "package ok\n");
        }
        write(&root.join("locked/l.go"), RLIMIT_SRC);
        write(&root.join("ok/secret.go"), RLIMIT_SRC);
        for d in ["ok", "locked"] {
            std::fs::set_permissions(root.join(d), std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        for f in ["ok/ok.go", "locked/l.go"] {
            let _ = std::fs::set_permissions(root.join(f), std::fs::Permissions::from_mode(0o644));
        }
        std::fs::set_permissions(root.join("locked"), std::fs::Permissions::from_mode(0o000))
            .unwrap();
        std::fs::set_permissions(
            root.join("ok/secret.go"),
            std::fs::Permissions::from_mode(0o000),
        )
        .unwrap();
        LockedTree { dir }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn run(&self, args: &[&str]) -> Output {
        let mut c =
            abiport_unprivileged(self.root()).expect("setpriv (util-linux) to run as nobody");
        // In the root: paths are shown relative to it (issue 15).
        c.args(args).arg(self.root()).current_dir(self.root());
        run(c)
    }
}

impl Drop for LockedTree {
    fn drop(&mut self) {
        // Let the temp dir be removed (as a non-root user, a 000 dir cannot be emptied).
        let _ = std::fs::set_permissions(
            self.root().join("locked"),
            std::fs::Permissions::from_mode(0o755),
        );
    }
}

#[test]
fn unreadable_files_and_directories_fail_scan_and_fix_unless_ignored() {
    let tree = LockedTree::new(true);

    // scan, human: errors, a summary that says so, exit 1 although nothing was found.
    let out = tree.run(&["scan"]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("error: locked: cannot read: permission denied"),
        "{stdout}"
    );
    assert!(
        stdout.contains("error: ok/secret.go: cannot read: permission denied"),
        "{stdout}"
    );
    assert!(stdout.contains("0 findings in 1 file"), "{stdout}");
    assert!(
        stdout.contains("2 unreadable inputs not scanned"),
        "{stdout}"
    );
    assert!(
        stderr.contains("could not be read, so the scan is incomplete"),
        "{stderr}"
    );
    assert!(stderr.contains("--ignore-unreadable"), "{stderr}");
    assert!(!stderr.contains("testdata"), "{stderr}");

    // JSON: the notes carry level "error".
    let out = tree.run(&["scan", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let notes = v["notes"].as_array().unwrap();
    assert_eq!(notes.len(), 2, "{notes:?}");
    for (n, path) in notes.iter().zip(["locked", "ok/secret.go"]) {
        assert_eq!(n["path"], path);
        assert_eq!(n["level"], "error");
        assert_eq!(n["message"], "cannot read: permission denied");
    }

    // SARIF: error notifications, and the run is not a successful execution.
    let out = tree.run(&["scan", "--format", "sarif"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let inv = &v["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    let levels: Vec<&str> = inv["toolExecutionNotifications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["level"].as_str().unwrap())
        .collect();
    assert_eq!(levels, ["error", "error"]);

    // GitHub: error annotations.
    let out = tree.run(&["scan", "--format", "github"]);
    assert_eq!(out.status.code(), Some(1));
    let gh = text(&out.stdout);
    assert!(
        gh.contains("::error file=locked,title=abiport unreadable input::"),
        "{gh}"
    );

    // fix: the same errors on stderr, exit 1 with an empty diff.
    let out = tree.run(&["fix"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(out.stdout.is_empty(), "{}", text(&out.stdout));
    assert!(
        stderr.contains("error: ok/secret.go: cannot read: permission denied"),
        "{stderr}"
    );
    let out = tree.run(&["fix", "--apply"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let out = tree.run(&["fix", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["unreadable"].as_array().map(Vec::len), Some(2), "{v}");

    // --ignore-unreadable: notes, exit as if they were not there.
    let out = tree.run(&["scan", "--ignore-unreadable"]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("note: locked: not read (--ignore-unreadable): permission denied"),
        "{stdout}"
    );
    assert!(!stdout.contains("error:"), "{stdout}");
    assert!(stdout.contains("; 2 notes"), "{stdout}");
    assert!(
        stderr.contains("were not scanned (--ignore-unreadable)"),
        "{stderr}"
    );
    let out = tree.run(&["scan", "--ignore-unreadable", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["notes"][0].get("level").is_none(), "{v}");
    let out = tree.run(&["scan", "--ignore-unreadable", "--format", "sarif"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["runs"][0]["invocations"][0]["executionSuccessful"], true);
    let out = tree.run(&["fix", "--ignore-unreadable"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn a_tree_of_unreadable_files_does_not_blame_testdata() {
    let tree = LockedTree::new(false);
    let out = tree.run(&["scan"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(text(&out.stdout).contains("0 findings in 0 files"));
    assert!(stderr.contains("no Go files were scanned"), "{stderr}");
    assert!(!stderr.contains("testdata"), "{stderr}");
    let out = tree.run(&["scan", "--ignore-unreadable"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("testdata"), "{stderr}");
}

fn scan(root: &Path, more: &[&str]) -> Output {
    let mut c = abiport();
    // In the root: paths are shown relative to it (issue 15).
    c.current_dir(root)
        .arg("scan")
        .arg(root)
        .args(["--arch", "mips64le"])
        .args(more);
    run(c)
}

fn fix(root: &Path, more: &[&str]) -> Output {
    let mut c = abiport();
    c.current_dir(root)
        .arg("fix")
        .arg(root)
        .args(["--arch", "mips64le"])
        .args(more);
    c.env("SOURCE_DATE_EPOCH", "1700000000")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.org");
    run(c)
}

#[test]
fn non_utf8_names_are_scanned_printed_escaped_and_fixed_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(&root.join("go.mod"), "module example.com/t\n\ngo 1.20\n");
    let pkg = root.join(OsString::from_vec(b"p\xfe".to_vec()));
    let file = pkg.join(OsString::from_vec(b"lim\xff.go".to_vec()));
    write(&file, RLIMIT_SRC);
    let shown = "p\\xfe/lim\\xff.go";

    let out = scan(root, &[]);
    let stdout = text(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{stdout}\n{}",
        text(&out.stderr)
    );
    assert!(stdout.contains(&format!("[{shown}:7:20]")), "{stdout}");
    assert!(!stdout.contains("note:"), "{stdout}");
    assert!(!stdout.contains('\u{fffd}'), "{stdout}");

    let out = scan(root, &["--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["findings"][0]["path"], shown);
    assert_eq!(v["notes"].as_array().map(Vec::len), Some(0), "{v}");

    let out = scan(root, &["--format", "sarif"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let loc = &v["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "p%FE/lim%FF.go");
    // Columns were computed from the file's text (it was found and read).
    assert_eq!(loc["region"]["startColumn"], 20);

    let out = scan(root, &["--format", "github"]);
    let gh = text(&out.stdout);
    assert!(
        gh.starts_with(&format!("::error file={shown},line=7,col=20")),
        "{gh}"
    );

    // The diff names the file as git does, and git takes it.
    let out = fix(root, &[]);
    let diff = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(
        diff.starts_with("diff --git \"a/p\\376/lim\\377.go\" \"b/p\\376/lim\\377.go\"\n"),
        "{diff}"
    );
    assert!(diff.contains(&format!("+\t{FIXED}")), "{diff}");
    if Command::new("git").arg("--version").output().is_ok() {
        let patch = root.join("fix.diff");
        std::fs::write(&patch, &diff).unwrap();
        let check = Command::new("git")
            .args(["apply", "--check", "--unsafe-paths"])
            .arg(&patch)
            .current_dir(root)
            .output()
            .unwrap();
        assert!(check.status.success(), "{}", text(&check.stderr));
        std::fs::remove_file(&patch).unwrap();
    }

    // verify takes the diff too: it applies, and no finding is left.
    let patches = tempfile::tempdir().unwrap();
    let patch = patches.path().join("fix.diff");
    std::fs::write(&patch, &diff).unwrap();
    let mut c = abiport();
    c.arg("verify")
        .arg(root)
        .args(["--arch", "mips64le", "--patches"])
        .arg(&patch);
    let out = run(c);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    // --apply writes that very file, and no other.
    let out = fix(root, &["--apply"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains(&format!("fixed {shown}: replace with")),
        "{}",
        text(&out.stdout)
    );
    assert!(std::fs::read_to_string(&file).unwrap().contains(FIXED));
    let names: Vec<PathBuf> = std::fs::read_dir(&pkg)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(names, vec![file.clone()]);
    let out = scan(root, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
}

#[test]
fn fixes_never_reach_through_symlinks_out_of_the_tree() {
    let outside = tempfile::tempdir().unwrap();
    let outside_file = outside.path().join("p/p.go");
    write(&outside_file, RLIMIT_SRC);
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(&root.join("go.mod"), "module example.com/t\n\ngo 1.20\n");
    let inside_file = root.join("in/in.go");
    write(&inside_file, RLIMIT_SRC);
    // Two links to the same outside tree: its file was in the diff twice.
    std::os::unix::fs::symlink(outside.path(), root.join("link1")).unwrap();
    std::os::unix::fs::symlink(outside.path(), root.join("link2")).unwrap();

    // Scanned read-only: the findings are there.
    let out = scan(root, &["--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let paths: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["in/in.go", "link1/p/p.go", "link2/p/p.go"]);
    let notes: Vec<(&str, &str)> = v["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| (n["path"].as_str().unwrap(), n["message"].as_str().unwrap()))
        .collect();
    assert_eq!(notes.len(), 2, "{notes:?}");
    for ((path, message), link) in notes.iter().zip(["link1", "link2"]) {
        assert_eq!(*path, link);
        assert!(
            message.starts_with("symlink out of the tree (to "),
            "{message}"
        );
    }
    assert_eq!(out.status.code(), Some(1));

    // The diff holds the file inside the tree only; the others are dropped, with a reason.
    let out = fix(root, &[]);
    let (diff, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(diff.matches("diff --git").count(), 1, "{diff}");
    assert!(
        diff.starts_with("diff --git a/in/in.go b/in/in.go\n"),
        "{diff}"
    );
    assert!(!diff.contains("link"), "{diff}");
    for link in ["link1", "link2"] {
        assert!(
            stderr.contains(&format!(
                "{link}/p/p.go: fix not applied (leads out of the scanned tree"
            )),
            "{stderr}"
        );
    }
    let out = fix(root, &["--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["files"].as_array().map(Vec::len), Some(1), "{v}");
    assert_eq!(v["dropped"].as_array().map(Vec::len), Some(2), "{v}");

    let patches = tempfile::tempdir().unwrap();
    let out = fix(root, &["--format-patch", patches.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // Every file of every unit's series.
    let mut dirs = vec![patches.path().to_path_buf()];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
                continue;
            }
            let body = std::fs::read_to_string(p).unwrap();
            assert!(!body.contains("link1") && !body.contains("link2"), "{body}");
        }
    }

    // --apply: the inside file is fixed; the outside one is untouched; the refusal is an error.
    let out = fix(root, &["--apply"]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("leads out of the scanned tree; not written"),
        "{stderr}"
    );
    assert!(std::fs::read_to_string(&inside_file)
        .unwrap()
        .contains(FIXED));
    assert_eq!(std::fs::read_to_string(&outside_file).unwrap(), RLIMIT_SRC);
    let leftovers: Vec<_> = std::fs::read_dir(outside_file.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, vec![OsString::from("p.go")]);
}
