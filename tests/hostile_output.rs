//! Hostile and odd inputs for `scan`'s human output and its `-j` flag (issue 13): no panic,
//! no terminal escapes from file names or snippets, no hang, no quadratic rendering. Every
//! input is crafted in a temp dir; every run has a deadline enforced here.

use crate::util::{self, abiport};
use std::path::Path;
use std::process::{Command, ExitStatus};
use std::time::Duration;

struct Run {
    status: ExitStatus,
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

/// Run `cmd` under `limit` (`util::run_within`), its output as text.
fn run_within(cmd: Command, limit: Duration) -> Run {
    let t = util::run_within(cmd, limit);
    Run {
        status: t.output.status,
        stdout: String::from_utf8_lossy(&t.output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&t.output.stderr).into_owned(),
        elapsed: t.elapsed,
    }
}

fn scan(dir: &Path, extra: &[&str], limit: Duration) -> Run {
    let mut cmd = abiport();
    // In the tree: paths are shown relative to it (issue 15).
    cmd.current_dir(dir)
        .arg("scan")
        .arg(dir)
        .args(["--arch", "mips64le"])
        .args(extra);
    run_within(cmd, limit)
}

/// `SYS_SELECT` exists in x/sys/unix on amd64 but not on mips64le: one finding per use.
const HEADER: &str = "package p\n\nimport \"golang.org/x/sys/unix\"\n\n";

#[test]
fn finding_past_column_65535_renders_a_cut_snippet() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{HEADER}var x = {}unix.SYS_SELECT\n", " ".repeat(100_000));
    std::fs::write(dir.path().join("min.go"), text).unwrap();
    let r = scan(dir.path(), &[], Duration::from_secs(30));
    assert_eq!(r.status.code(), Some(1), "{}\n{}", r.stdout, r.stderr);
    assert!(!r.stderr.contains("panicked"), "{}", r.stderr);
    assert!(
        r.stdout
            .contains("`unix.SYS_SELECT` is undefined on mips64le"),
        "{}",
        r.stdout
    );
    // Line and column are the file's, not the excerpt's.
    assert!(r.stdout.contains("[min.go:5:100009]"), "{}", r.stdout);
    assert!(r.stdout.contains("unix.SYS_SELECT"), "{}", r.stdout);
    assert!(r.stdout.contains("breaks on mips64le"), "{}", r.stdout);
    assert!(
        r.stdout
            .contains("snippet cut: line 5 is 100023 bytes long"),
        "{}",
        r.stdout
    );
    // The snippet is a window, not the 100 kB line.
    assert!(r.stdout.len() < 4_000, "{} bytes", r.stdout.len());
    assert!(
        r.stdout.contains("1 finding (mips64le: 1) in 1 file"),
        "{}",
        r.stdout
    );
}

#[test]
fn finding_next_to_a_huge_line_and_spanning_it() {
    let dir = tempfile::tempdir().unwrap();
    // A short finding line right after a 200 kB line, and a finding whose line holds a
    // multi-byte character right where a window edge could fall.
    let text = format!(
        "{HEADER}var y = \"{}\"\nvar x = unix.SYS_SELECT\nvar z = \"{}\" + unix.SYS_SELECT\n",
        "a".repeat(200_000),
        "é".repeat(40_000)
    );
    std::fs::write(dir.path().join("a.go"), text).unwrap();
    // Both snippets: one diagnostic per finding, not per cause.
    let r = scan(dir.path(), &["--no-group"], Duration::from_secs(30));
    assert_eq!(r.status.code(), Some(1), "{}\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("[a.go:6:9]"), "{}", r.stdout);
    assert!(r.stdout.contains("[a.go:7:80014]"), "{}", r.stdout);
    assert_eq!(r.stdout.matches("snippet cut:").count(), 2, "{}", r.stdout);
    assert!(r.stdout.len() < 8_000, "{} bytes", r.stdout.len());
    assert!(
        r.stdout.contains("2 findings (mips64le: 2)"),
        "{}",
        r.stdout
    );
}

#[test]
fn control_characters_in_names_and_snippets_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    // ESC sequences (colour, window title) and a newline in the file name; an OSC sequence
    // and a lone CR inside the snippet.
    let name = "evil\x1b[31m\nname\u{9b}2J.go";
    let text = format!("{HEADER}var x = unix.SYS_SELECT // \x1b]0;pwned\x07 \r done\n");
    std::fs::write(dir.path().join(name), text).unwrap();
    let r = scan(dir.path(), &[], Duration::from_secs(30));
    assert_eq!(r.status.code(), Some(1), "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains("`unix.SYS_SELECT` is undefined on mips64le"),
        "{}",
        r.stdout
    );
    assert!(
        !r.stdout.contains('\x1b') && !r.stdout.contains('\x07') && !r.stdout.contains('\r'),
        "raw control characters in output:\n{:?}",
        r.stdout
    );
    assert!(!r.stdout.contains('\u{9b}'), "{:?}", r.stdout);
    assert!(
        r.stdout.contains(r"[evil\x1b[31m\nname\x9b2J.go:5:9]"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("unix.SYS_SELECT // ?]0;pwned? ? done"),
        "{}",
        r.stdout
    );
}

#[test]
fn huge_jobs_is_capped_with_a_note() {
    let demo = crate::util::repo_root().join("corpus/demo");
    let r = scan(&demo, &["-j", "2000"], Duration::from_secs(60));
    assert_eq!(r.status.code(), Some(1), "{}", r.stderr);
    let notes: Vec<&str> = r
        .stderr
        .lines()
        .filter(|l| l.contains("-j 2000 capped at"))
        .collect();
    assert_eq!(notes.len(), 1, "{}", r.stderr);
    assert!(
        notes[0].starts_with("abiport: note: -j 2000 capped at "),
        "{}",
        notes[0]
    );
    // Same findings as an ordinary run.
    let plain = scan(
        &demo,
        &["-j", "2", "--format", "json"],
        Duration::from_secs(60),
    );
    let capped = scan(
        &demo,
        &["-j", "2000", "--format", "json"],
        Duration::from_secs(60),
    );
    let findings = |s: &str| s.split("\"stats\"").next().unwrap_or_default().to_string();
    assert_eq!(findings(&plain.stdout), findings(&capped.stdout));
    // A modest -j says nothing.
    let quiet = scan(&demo, &["-j", "2"], Duration::from_secs(60));
    assert!(!quiet.stderr.contains("capped"), "{}", quiet.stderr);
}

#[test]
fn sixteen_thousand_findings_in_one_file_render_in_time() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!(
        "{HEADER}func f() {{\n{}}}\n",
        "\t_ = unix.SYS_SELECT\n".repeat(16_000)
    );
    std::fs::write(dir.path().join("many.go"), text).unwrap();
    // Every snippet rendered: one diagnostic per finding, not one per cause.
    let r = scan(dir.path(), &["--no-group"], Duration::from_secs(20));
    assert_eq!(r.status.code(), Some(1), "{}", r.stderr);
    assert!(
        r.stdout
            .contains("16000 findings (mips64le: 16000) in 1 file"),
        "{}",
        r.stdout.lines().last().unwrap_or_default()
    );
    assert!(r.stdout.contains("[many.go:16004:6]"), "last finding shown");
    eprintln!("16k findings rendered in {:?}", r.elapsed);
}

/// A reader that goes away (`abiport scan | head -c 0`) ends the run quietly: no panic.
#[test]
fn a_closed_stdout_pipe_is_no_panic() {
    use std::process::Stdio;
    let mut child = crate::util::abiport()
        .args(["scan", "--arch", "all"])
        .arg(crate::util::repo_root().join("corpus/demo"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_ne!(out.status.code(), Some(101), "{err}");
}

/// `-o` naming a FIFO (or a device: `/dev/null`, `/dev/stdout`) writes into it: renaming
/// the report over it, as over a file, would replace it with a regular file.
#[test]
fn an_output_file_that_is_a_fifo_is_written_in_place() {
    use std::io::Read as _;
    use std::os::unix::fs::FileTypeExt as _;
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("report.fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let (tx, rx) = std::sync::mpsc::channel();
    let reading = fifo.clone();
    std::thread::spawn(move || {
        let mut text = String::new();
        let read = std::fs::File::open(&reading).and_then(|mut f| f.read_to_string(&mut text));
        let _ = tx.send(read.map(|_| text));
    });
    let out = abiport()
        .args(["scan", "--arch", "mips64le", "--format", "json", "-o"])
        .arg(&fifo)
        .arg(util::repo_root().join("corpus/demo"))
        .output()
        .unwrap();
    let kind = std::fs::symlink_metadata(&fifo).unwrap().file_type();
    assert!(kind.is_fifo(), "replaced: {kind:?}");
    let text = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("the reader got the report")
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "findings in the demo");
    let report: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert!(!report["findings"].as_array().unwrap().is_empty());
}
