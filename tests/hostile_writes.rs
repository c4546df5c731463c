//! Issue 13, "writes where they must not": `fix --apply` and `fix --format-patch` on
//! crafted trees and output directories (stale files, symlinks, hard links, CRLF, owners,
//! header injection, over-long module paths). Every run of the binary has a time limit.

use crate::corpus::corpus_root;
use crate::util::{abiport, run_within};
use abiport::arch::{Arch, ArchSet};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(60);

/// Run `cmd` to its end, killing it (and failing) when it overruns [`LIMIT`].
fn run_limited(cmd: Command) -> Output {
    run_within(cmd, LIMIT).output
}

fn fix(root: &Path, more: &[&str]) -> Output {
    let mut c = abiport();
    c.arg("fix").arg(root).args(more);
    c.env("SOURCE_DATE_EPOCH", "1700000000")
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.org");
    run_limited(c)
}

/// A small tree with one fixable file: the demo's vendored `example.com/system` (its
/// `setuid_linux.go` forgot mips64le) moved to `vendor/<module>`, imported from `cmd/` as
/// `import system <import_literal>`. Returns the fixable file.
fn setuid_tree(root: &Path, module: &str, import_literal: &str) -> PathBuf {
    let demo = corpus_root().join("demo");
    std::fs::copy(demo.join("go.mod"), root.join("go.mod")).unwrap();
    let pkg = root.join("vendor").join(module);
    std::fs::create_dir_all(&pkg).unwrap();
    for f in ["setuid_linux.go", "system.go"] {
        std::fs::copy(demo.join("vendor/example.com/system").join(f), pkg.join(f)).unwrap();
    }
    std::fs::write(
        root.join("vendor/modules.txt"),
        format!(
            "# {} v0.1.0\n## explicit\n{}\n",
            module.replace('\n', "_"),
            module.replace('\n', "_")
        ),
    )
    .unwrap();
    std::fs::create_dir_all(root.join("cmd/agent")).unwrap();
    std::fs::write(
        root.join("cmd/agent/main.go"),
        format!("package main\n\nimport system {import_literal}\n\nfunc main() {{ _ = system.Setuid(1) }}\n"),
    )
    .unwrap();
    pkg.join("setuid_linux.go")
}

fn plain_tree(root: &Path) -> PathBuf {
    setuid_tree(root, "example.com/system", "\"example.com/system\"")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const FIXED_LINE: &str = "linux,s390x linux,mips64le";

#[test]
fn apply_refuses_a_file_changed_since_the_scan() {
    use abiport::fix::{apply, changes};
    let tmp = tempfile::tempdir().unwrap();
    let file = plain_tree(tmp.path());
    let opts = abiport::scan::ScanOptions::new(tmp.path(), ArchSet::ALL, Arch::Amd64);
    let out = abiport::scan::analyze(&opts).unwrap();
    let rel = "vendor/example.com/system/setuid_linux.go";
    assert!(out.analysed.contains_key(rel), "{:?}", out.analysed.keys());
    // Unchanged: nothing stale.
    let fixed = changes::fix_in_memory(tmp.path(), &out.findings, false);
    assert_eq!(fixed.changes.len(), 1);
    assert!(changes::stale(&fixed, &out.analysed).is_empty());
    // Edited after the scan (a comment line before everything: every offset moves).
    let before = std::fs::read_to_string(&file).unwrap();
    let edited = format!("// edited meanwhile\n{before}");
    std::fs::write(&file, &edited).unwrap();
    let fixed = changes::fix_in_memory(tmp.path(), &out.findings, false);
    assert_eq!(changes::stale(&fixed, &out.analysed), vec![rel]);
    // The write itself checks again: a digest of other bytes is refused, the file kept.
    let err = apply::write_checked(
        tmp.path(),
        rel,
        &abiport::walk::digest(before.as_bytes()),
        b"package system\n",
    )
    .unwrap_err();
    assert!(err.contains("changed since it was scanned"), "{err}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), edited);
    apply::write_checked(
        tmp.path(),
        rel,
        &abiport::walk::digest(edited.as_bytes()),
        b"package system\n",
    )
    .unwrap();
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "package system\n");
}

#[test]
fn format_patch_never_writes_through_a_symlink_in_the_output_dir() {
    let tree = tempfile::tempdir().unwrap();
    plain_tree(tree.path());
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim");
    std::fs::write(&victim, "precious\n").unwrap();
    let listing = |d: &Path| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(d)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    // A temporary file a killed run left is removed, and does not make DIR non-empty.
    let out_dir = tempfile::tempdir().unwrap();
    let orphan = out_dir
        .path()
        .join(".0001-example-com-system.patch.abiport-4194305-0.tmp");
    std::fs::write(&orphan, "half written").unwrap();
    let out = fix(
        tree.path(),
        &["--format-patch", out_dir.path().to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        listing(out_dir.path()),
        [".abiport-patches", "example-com-system"],
        "no temporary files left"
    );
    let unit = out_dir.path().join("example-com-system");
    let patch = crate::fix::first_patch(&unit);
    assert!(std::fs::read_to_string(&patch)
        .unwrap()
        .contains(FIXED_LINE));

    // The unit's directory is a symlink leading out (not abiport's): even with --force,
    // nothing is written through it.
    let out_dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(outside.path(), out_dir.path().join("example-com-system")).unwrap();
    let out = fix(
        tree.path(),
        &[
            "--format-patch",
            out_dir.path().to_str().unwrap(),
            "--force",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("not a directory abiport wrote"),
        "{}",
        stderr(&out)
    );
    assert_eq!(listing(outside.path()), ["victim"]);
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");

    // A symlink at the patch's own name, in a directory abiport did not write: kept, not
    // written through.
    let out_dir = tempfile::tempdir().unwrap();
    let unit = out_dir.path().join("example-com-system");
    std::fs::create_dir(&unit).unwrap();
    let link = unit.join(patch.file_name().unwrap());
    std::os::unix::fs::symlink(&victim, &link).unwrap();
    let out = fix(
        tree.path(),
        &[
            "--format-patch",
            out_dir.path().to_str().unwrap(),
            "--force",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
}

/// Every `.patch` file below `dir`.
fn patch_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(patch_files(&p));
        } else if p.extension().is_some_and(|x| x == "patch") {
            out.push(p);
        }
    }
    out.sort();
    out
}

#[test]
fn format_patch_headers_take_no_newline_from_a_module_path() {
    let tree = tempfile::tempdir().unwrap();
    setuid_tree(
        tree.path(),
        "example.com/sys\nSubject: injected",
        "`example.com/sys\nSubject: injected`",
    );
    let out_dir = tempfile::tempdir().unwrap();
    let out = fix(
        tree.path(),
        &["--format-patch", out_dir.path().to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // The unit's cover letter and its patch.
    let patches = patch_files(out_dir.path());
    assert_eq!(patches.len(), 2, "{patches:?}");
    for p in &patches {
        for part in p.strip_prefix(out_dir.path()).unwrap().components() {
            let name = part.as_os_str().to_str().unwrap();
            assert!(!name.contains(['\n', '\r']), "{name:?}");
        }
        let text = std::fs::read_to_string(p).unwrap();
        let headers = text.split("\n\n").next().unwrap();
        assert_eq!(
            headers
                .lines()
                .filter(|l| l.starts_with("Subject:"))
                .count(),
            1,
            "{headers}"
        );
        assert!(!text.contains("\nSubject: injected"), "{text}");
    }
    let text = std::fs::read_to_string(&patches[1]).unwrap();
    assert!(
        text.contains("Subject: [PATCH 1/1] sys\\nSubject: injected: "),
        "{text}"
    );
}

#[test]
fn format_patch_shortens_an_over_long_module_path_in_the_file_name() {
    let tree = tempfile::tempdir().unwrap();
    let module = format!("example.com/{}/{}", "a".repeat(200), "b".repeat(150));
    setuid_tree(tree.path(), &module, &format!("\"{module}\""));
    let out_dir = tempfile::tempdir().unwrap();
    let out = fix(
        tree.path(),
        &["--format-patch", out_dir.path().to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let names: Vec<String> = std::fs::read_dir(out_dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");
    assert!(names[0].len() <= 120, "{}", names[0]);
    assert!(names[0].starts_with("example-com-aaaa"), "{}", names[0]);
    let patch = crate::fix::first_patch(&out_dir.path().join(&names[0]));
    assert!(patch.file_name().unwrap().len() <= 64, "{patch:?}");
    let text = std::fs::read_to_string(patch).unwrap();
    assert!(text.contains(FIXED_LINE), "{text}");
}

#[test]
fn apply_keeps_owner_group_and_mode() {
    let tmp = tempfile::tempdir().unwrap();
    let file = plain_tree(tmp.path());
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).unwrap();
    let root = nix_is_root();
    if root {
        std::os::unix::fs::chown(&file, Some(4321), Some(4322)).unwrap();
    }
    let out = fix(tmp.path(), &["--apply"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(std::fs::read_to_string(&file).unwrap().contains(FIXED_LINE));
    let meta = std::fs::metadata(&file).unwrap();
    assert_eq!(meta.mode() & 0o7777, 0o640);
    if root {
        assert_eq!((meta.uid(), meta.gid()), (4321, 4322));
    }
}

fn nix_is_root() -> bool {
    std::fs::metadata("/proc/self")
        .map(|m| m.uid() == 0)
        .unwrap_or(false)
}

#[test]
fn apply_refuses_a_read_only_file_and_says_so() {
    let tmp = tempfile::tempdir().unwrap();
    let file = plain_tree(tmp.path());
    let before = std::fs::read(&file).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o444)).unwrap();
    let out = fix(tmp.path(), &["--apply"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("read-only"), "{}", stderr(&out));
    assert_eq!(std::fs::read(&file).unwrap(), before);
}

#[test]
fn apply_keeps_hard_links_one_file() {
    let tmp = tempfile::tempdir().unwrap();
    let file = plain_tree(tmp.path());
    let other = tmp.path().join("setuid.keep");
    std::fs::hard_link(&file, &other).unwrap();
    let out = fix(tmp.path(), &["--apply"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let (a, b) = (
        std::fs::metadata(&file).unwrap(),
        std::fs::metadata(&other).unwrap(),
    );
    assert_eq!((a.ino(), a.nlink()), (b.ino(), 2));
    assert!(std::fs::read_to_string(&other)
        .unwrap()
        .contains(FIXED_LINE));
}

#[test]
fn apply_keeps_crlf_files_crlf() {
    // The demo's raw-syscall fix in pkg/rawsys/rawsys.go adds lines: in a CRLF file they
    // must end in CRLF too.
    let tmp = tempfile::tempdir().unwrap();
    crate::compiler::copy_dir(&corpus_root().join("demo"), tmp.path());
    let file = tmp.path().join("pkg/rawsys/rawsys.go");
    let crlf = std::fs::read_to_string(&file)
        .unwrap()
        .replace('\n', "\r\n");
    std::fs::write(&file, crlf).unwrap();
    let out = fix(tmp.path(), &["--apply"]);
    // 1: the demo keeps findings no fix covers (issue 14).
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("unix.Fstat(fd, &st)"), "{text}");
    assert_eq!(
        text.matches('\n').count(),
        text.matches("\r\n").count(),
        "{text:?}"
    );
}

#[test]
fn apply_removes_temporary_files_a_killed_run_left() {
    let tmp = tempfile::tempdir().unwrap();
    let file = plain_tree(tmp.path());
    let dir = file.parent().unwrap();
    // A pid above the kernel's largest (4194304): no process has it.
    let orphan = dir.join(".setuid_linux.go.abiport-4194305-0.tmp");
    std::fs::write(&orphan, "half written").unwrap();
    let foreign = dir.join(".setuid_linux.go.notours.tmp");
    std::fs::write(&foreign, "someone else's").unwrap();
    let out = fix(tmp.path(), &["--apply"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!orphan.exists());
    assert!(foreign.exists());
}

#[test]
fn diff_quotes_special_file_names_as_git_does() {
    use crate::fix::git;
    if !crate::util::require_tool("git", "git") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let file = plain_tree(tmp.path());
    let special = file.with_file_name("we ird\"q\\\tzoë\n_linux.go");
    std::fs::rename(&file, &special).unwrap();
    let out = fix(tmp.path(), &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let diff = String::from_utf8(out.stdout).unwrap();
    assert!(diff.contains(FIXED_LINE), "{diff}");
    for args in [
        &["init", "-q"][..],
        &["add", "-A"],
        &["commit", "-qm", "base"],
    ] {
        let o = git(tmp.path(), args, None);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let o = git(tmp.path(), &["apply", "-"], Some(diff.as_bytes()));
    assert!(
        o.status.success(),
        "git apply: {}\n{diff}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(std::fs::read_to_string(&special)
        .unwrap()
        .contains(FIXED_LINE));
    // The names as git itself writes them.
    let theirs = String::from_utf8(git(tmp.path(), &["diff"], None).stdout).unwrap();
    let names = |d: &str| -> Vec<String> {
        d.lines()
            .filter(|l| {
                l.starts_with("diff --git ") || l.starts_with("--- ") || l.starts_with("+++ ")
            })
            .map(String::from)
            .collect()
    };
    assert_eq!(names(&diff), names(&theirs));
}

#[test]
fn an_empty_fix_prints_nothing_and_exits_0() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("go.mod"), "module x\n\ngo 1.21\n").unwrap();
    std::fs::write(
        tmp.path().join("main.go"),
        "package main\n\nfunc main() {}\n",
    )
    .unwrap();
    let out = fix(tmp.path(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out.stdout.is_empty(), "{:?}", out.stdout);
}
