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
