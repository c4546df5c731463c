//! Test helpers: run the built binary with a normalised environment.

use std::path::Path;
use std::process::{Command, Output};

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
