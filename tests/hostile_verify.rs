//! `abiport verify` with untrusted patch sets: a symlink out of the tree, a binary patch,
//! an empty patch (issue 13). Each run has a time limit: the bug was a hang.

use crate::util::{abiport, run_within};
use std::path::Path;
use std::process::Output;
use std::time::Duration;

/// Run `abiport verify` on `root` with `patches`, killed after `limit`.
fn verify_within(root: &Path, patches: &[&Path], more: &[&str], limit: Duration) -> Output {
    let mut cmd = abiport();
    cmd.arg("verify")
        .arg(root)
        .args(["--arch", "mips64le"])
        .args(more);
    cmd.arg("--patches").args(patches);
    run_within(cmd, limit).output
}

#[test]
fn a_patch_adding_a_symlink_to_root_is_taken_back() {
    let tree = crate::util::clean_tree();
    let patches = tempfile::tempdir().unwrap();
    let patch = patches.path().join("evil.patch");
    std::fs::write(
        &patch,
        "diff --git a/evil b/evil\nnew file mode 120000\n--- /dev/null\n+++ b/evil\n@@ -0,0 +1 @@\n+/\n\\ No newline at end of file\n",
    )
    .unwrap();
    let out = verify_within(tree.path(), &[&patch], &[], Duration::from_secs(60));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("adds a symlink leading out of the tree: evil → /"),
        "{stdout}"
    );
}

#[test]
fn binary_patches_are_refused_without_allow_binary() {
    let tree = crate::util::clean_tree();
    let patches = tempfile::tempdir().unwrap();
    let patch = patches.path().join("bin.patch");
    std::fs::write(
        &patch,
        "diff --git a/blob.bin b/blob.bin\nnew file mode 100644\nindex 0000000..e69de29\nGIT binary patch\nliteral 0\nHcmV?d00001\n\nliteral 0\nHcmV?d00001\n\n",
    )
    .unwrap();
    let out = verify_within(tree.path(), &[&patch], &[], Duration::from_secs(60));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("--allow-binary"), "{stdout}");
}

#[test]
fn an_empty_patch_is_a_no_op_success() {
    // `abiport fix` on a clean tree prints nothing; verifying that is a pass.
    let tree = crate::util::clean_tree();
    let fix = abiport()
        .args(["fix", "--arch", "mips64le"])
        .arg(tree.path())
        .output()
        .unwrap();
    assert!(fix.stdout.is_empty());
    let patches = tempfile::tempdir().unwrap();
    let patch = patches.path().join("empty.patch");
    std::fs::write(&patch, &fix.stdout).unwrap();
    let out = verify_within(tree.path(), &[&patch], &[], Duration::from_secs(60));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
