//! Test helpers: run the built binary with a normalised environment.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

pub fn abiport() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_abiport"));
    c.env_remove("RUST_LOG").env("NO_COLOR", "1");
    c
}

pub fn run(args: &[&str], cwd: &Path) -> Output {
    abiport()
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run abiport")
}

/// A child run to its end under a deadline.
pub struct Timed {
    pub output: Output,
    pub elapsed: Duration,
    /// The child's peak resident set in kB (`VmHWM`, polled; 0 where /proc is missing).
    pub peak_kb: u64,
}

fn vm_hwm_kb(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Run `cmd` with stdin closed, its stdout and stderr drained by reader threads (a child
/// that writes more than a pipe holds never blocks), polling its peak RSS; kill it and fail
/// the test when it outlives `limit` (the hostile-input tests: the bugs were hangs).
pub fn run_within(mut cmd: Command, limit: Duration) -> Timed {
    let start = Instant::now();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn abiport");
    let pid = child.id();
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut v = Vec::new();
            let _ = r.read_to_end(&mut v);
            v
        })
    };
    let out = drain(Box::new(child.stdout.take().expect("stdout")));
    let err = drain(Box::new(child.stderr.take().expect("stderr")));
    let mut peak_kb = 0;
    let status = loop {
        if let Some(kb) = vm_hwm_kb(pid) {
            peak_kb = peak_kb.max(kb);
        }
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{cmd:?} ran past {limit:?} (peak RSS {peak_kb} kB): killed");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Timed {
        elapsed: start.elapsed(),
        output: Output {
            status,
            stdout: out.join().expect("stdout reader"),
            stderr: err.join().expect("stderr reader"),
        },
        peak_kb,
    }
}

pub fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Whether an external tool is on PATH. In CI a missing tool fails the test, naming the
/// Debian package; locally the test is skipped with a note.
pub fn require_tool(tool: &str, package: &str) -> bool {
    let found = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        if std::env::var_os("CI").is_some() {
            panic!("`{tool}` is missing: install the Debian package `{package}` (scripts/install-deps.sh does)");
        }
        eprintln!("skipping: `{tool}` not found (Debian package `{package}`)");
    }
    found
}

/// A Go module with nothing to report (`go.mod` and an empty `main`): a tree a clean fix
/// or an empty patch set leaves clean.
pub fn clean_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("go.mod"),
        "module example.com/clean\n\ngo 1.19\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("main.go"),
        "package main\n\nfunc main() {}\n",
    )
    .unwrap();
    dir
}

/// A temporary tree holding `files` (path relative to its root, text), directories made.
pub fn tree_of(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (rel, text) in files {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// Assert the child's exit code, showing both its streams when it differs.
#[track_caller]
pub fn assert_exit(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Assert the child exited with `code` and said `needle` on stderr.
#[track_caller]
pub fn assert_error(out: &Output, code: i32, needle: &str) {
    assert_exit(out, code);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(needle),
        "no {needle:?} in stderr:\n{stderr}"
    );
}

/// The module path of the `go.mod` at `root`.
pub fn module_path(root: &Path) -> String {
    let text = std::fs::read_to_string(root.join("go.mod")).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix("module "))
        .unwrap()
        .trim()
        .to_string()
}

/// Debian's Go tree (`scripts/install-debian-tree.sh`), when `marker` (a package path in
/// it) is installed. Missing, it fails the test under CI and skips it elsewhere.
pub fn debian_go_tree(marker: &str) -> Option<&'static Path> {
    let tree = Path::new("/usr/share/gocode/src");
    if tree.join(marker).is_dir() {
        return Some(tree);
    }
    if std::env::var_os("CI").is_some() {
        panic!("Debian's Go tree is missing: run scripts/install-debian-tree.sh");
    }
    eprintln!("skipping: Debian's Go tree is not installed");
    None
}

/// The Go toolchain's own sources (`$(go env GOROOT)/src`: Debian's Go 1.19), which build
/// for every arch they list: a tree to find false positives in. `None` (the test skipped)
/// without `go` outside CI.
pub fn goroot_src() -> Option<std::path::PathBuf> {
    if !require_tool("go", "golang-go") {
        return None;
    }
    let out = Command::new("go").args(["env", "GOROOT"]).output().unwrap();
    let root = String::from_utf8(out.stdout).unwrap();
    let src = Path::new(root.trim()).join("src");
    assert!(
        src.join("runtime").is_dir(),
        "no Go sources at {}",
        src.display()
    );
    Some(src)
}

/// The findings `keep` keeps of `abiport scan <Go's sources> --arch=all --rules=<rules>`,
/// as `path:line message` lines; `None` when the test is skipped ([`goroot_src`]).
pub fn goroot_findings(
    rules: &str,
    keep: impl Fn(&serde_json::Value) -> bool,
) -> Option<Vec<String>> {
    let src = goroot_src()?;
    let out = abiport()
        .arg("scan")
        .arg(&src)
        .args(["--arch=all", &format!("--rules={rules}"), "--format=json"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    let found = doc["findings"].as_array().unwrap();
    Some(
        found
            .iter()
            .filter(|f| keep(f))
            .map(|f| format!("{}:{} {}", f["path"], f["line"], f["message"]))
            .collect(),
    )
}
