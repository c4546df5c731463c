//! The progress spinner (issue 15): on stderr only when it is a terminal and `CI` is unset,
//! and only for runs over a second; never in a pipe.

use crate::util::{abiport, require_tool};
use std::path::Path;
use std::process::Command;

/// Debian's x/sys (golang-golang-x-sys-dev, which scripts/install-deps.sh installs): scanned
/// eight times on one thread (0.7 s), with the spinner's delay cut to 100 ms.
const XSYS: &str = "/usr/share/gocode/src/golang.org/x/sys";

fn args(sub: &str) -> Vec<String> {
    let mut a = vec![sub.to_string()];
    if sub == "fix" {
        // `fix` takes one tree: eight copies of x/sys in one, which lasts over a second too.
        a.push(fix_tree().to_string());
    } else {
        a.extend([XSYS; 8].map(String::from));
    }
    a.extend(["--arch", "all", "-j", "1", "--isolated"].map(String::from));
    a
}

/// A temporary tree holding eight copies of x/sys (made once per test process).
fn fix_tree() -> &'static str {
    static TREE: std::sync::OnceLock<(tempfile::TempDir, String)> = std::sync::OnceLock::new();
    &TREE
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            for i in 0..8 {
                let to = dir.path().join(format!("sys{i}"));
                let ok = Command::new("cp")
                    .args(["-r", XSYS])
                    .arg(&to)
                    .status()
                    .unwrap()
                    .success();
                assert!(ok, "cp -r {XSYS} {}", to.display());
            }
            let path = dir.path().display().to_string();
            (dir, path)
        })
        .1
}

fn have_tree() -> bool {
    if Path::new(XSYS).is_dir() {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{XSYS} is missing: install golang-golang-x-sys-dev (scripts/install-deps.sh)"
    );
    eprintln!("skipping: {XSYS} missing (golang-golang-x-sys-dev)");
    false
}

/// Everything the terminal got (stdout and stderr) when abiport ran under a pty made by
/// util-linux `script`, with `CI` set or not. The spinner waits 100 ms, not a second:
/// these runs last less than one now.
fn under_pty(sub: &str, ci: bool, extra: &[&str]) -> String {
    under_pty_with(&args(sub), ci, extra, Some(100))
}

/// [`under_pty`] with the arguments given, and the spinner's delay (`None`: its own).
fn under_pty_with(args: &[String], ci: bool, extra: &[&str], delay_ms: Option<u64>) -> String {
    let bin = env!("CARGO_BIN_EXE_abiport");
    let cmdline = std::iter::once(bin.to_string())
        .chain(args.iter().cloned())
        .chain(extra.iter().map(|a| a.to_string()))
        .collect::<Vec<_>>()
        .join(" ");
    let mut c = Command::new("script");
    c.args(["-qec", &cmdline, "/dev/null"])
        .env_remove("CI")
        .env_remove("ABIPORT_PROGRESS_DELAY_MS");
    if let Some(ms) = delay_ms {
        c.env("ABIPORT_PROGRESS_DELAY_MS", ms.to_string());
    }
    if ci {
        c.env("CI", "true");
    }
    let o = c.output().expect("run script");
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn spinner_on_a_terminal_only() {
    if !have_tree() || !require_tool("script", "bsdutils") {
        return;
    }
    let tty = under_pty("scan", false, &[]);
    assert!(
        tty.contains("abiport scan: ") && tty.contains("\x1b[2K"),
        "a spinner on the terminal:\n{tty}"
    );
    let fix = under_pty("fix", false, &[]);
    assert!(fix.contains("abiport fix: "), "{fix}");
    // A run shorter than a second (one copy of x/sys, on two threads) shows none.
    let short = ["scan", XSYS, "--arch", "mips64le", "--isolated"].map(String::from);
    let quick = under_pty_with(&short, false, &[], None);
    assert!(
        quick.contains("findings") && !quick.contains("abiport scan: "),
        "{quick}"
    );
    // CI logs get none, even from a pty.
    let ci = under_pty("scan", true, &[]);
    assert!(!ci.contains("abiport scan: "), "{ci}");
    // --quiet: none either (ruff's -q hides progress too).
    let quiet = under_pty("scan", false, &["--quiet"]);
    assert!(!quiet.contains("abiport scan: "), "{quiet}");
    // Piped: none.
    let o = abiport()
        .args(args("scan"))
        .env_remove("CI")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        !err.contains("abiport scan: ") && !err.contains('\x1b'),
        "{err}"
    );
}
