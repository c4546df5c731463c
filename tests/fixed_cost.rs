//! The fixed cost of a scan: what a rule that reads every file holds in memory.

use crate::util::{require_tool, run_within};
use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::time::Duration;

/// A module of `files` Go files of about `kb` KiB each, none mentioning an arch token.
fn tree(dir: &Path, files: usize, kb: usize) {
    fs::write(dir.join("go.mod"), "module example.com/big\n\ngo 1.19\n").unwrap();
    let mut filler = String::new();
    while filler.len() < kb * 1024 {
        let _ = writeln!(
            filler,
            "// filler line {} of a file no rule cares about",
            filler.len()
        );
    }
    for i in 0..files {
        let src = format!("package big\n\n{filler}\nfunc f{i}() int {{ return {i} }}\n");
        fs::write(dir.join(format!("f{i}.go")), src).unwrap();
    }
}

/// Peak RSS of a scan, in kB, from GNU time (`%M`: the kernel's ru_maxrss of a child that
/// `time` forked, not the test process: a child forked from the test harness starts with
/// the harness's own high-water mark). Polling `/proc` misses runs shorter than its period.
fn peak_kb(dir: &Path) -> u64 {
    let mut cmd = std::process::Command::new("/usr/bin/time");
    cmd.args(["-f", "%M", env!("CARGO_BIN_EXE_abiport")]);
    cmd.args([
        "scan",
        ".",
        "--arch",
        "all",
        "--rules",
        "arch-keyed-table",
        "--format",
        "json",
    ])
    .current_dir(dir);
    let run = run_within(cmd, Duration::from_secs(120));
    let stderr = String::from_utf8_lossy(&run.output.stderr);
    assert_eq!(run.output.status.code(), Some(0), "{stderr}");
    let last = stderr.lines().last().unwrap_or_default();
    last.trim()
        .parse()
        .unwrap_or_else(|_| panic!("no peak RSS from time: {stderr}"))
}

/// arch-keyed-table looks at every Go file; the plan dropped none of the bytes it read
/// until every file was planned, so the whole tree sat in memory (465 MB on Debian's).
#[test]
fn planning_holds_only_the_files_it_keeps() {
    let small = tempfile::tempdir().unwrap();
    tree(small.path(), 48, 1);
    let big = tempfile::tempdir().unwrap();
    tree(big.path(), 48, 1024);
    if !require_tool("/usr/bin/time", "time") {
        return;
    }
    let (small_kb, big_kb) = (peak_kb(small.path()), peak_kb(big.path()));
    // A real process's peak: the tables and the binary alone are megabytes.
    assert!(small_kb > 1024, "{small_kb} kB");
    // 48 MiB more source; a file or two in flight per thread may be held, not the tree.
    assert!(
        big_kb < small_kb + 16 * 1024,
        "peak RSS {big_kb} kB on 48 MiB of source vs {small_kb} kB on 48 KiB"
    );
}
