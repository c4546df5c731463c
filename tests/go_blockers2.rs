//! Issue 16, second part: `arch-allowlist` on the machine `uname -m` names (run under
//! `qemu-mips64el` before and after the fix), `missing-asm` on `TEXT` lines without a Go
//! declaration and on `.syso` objects (against `go build`), and `arch-keyed-table` on
//! syscall-number, ioctl and struct-size tables and per-arch const files.

use crate::compiler::copy_dir;
use crate::corpus::corpus_root;
use crate::goarch_rules::{build_mips64le, qemu};
use crate::util::{abiport, require_tool};

/// The kernel says `mips64` under qemu-mips64el: the program refuses before the fix and
/// starts after it (the fix adds `mips64`, what both MIPS64 byte orders print).
#[test]
fn uname_allowlist_fix_lets_the_program_start_on_mips64le() {
    if !require_tool("go", "golang-go") || !require_tool("qemu-mips64el", "qemu-user") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(
        &corpus_root().join("arch-allowlist/uname-machine"),
        tmp.path(),
    );
    let bin = tmp.path().join("prog");
    build_mips64le(tmp.path(), &bin);
    let before = qemu(&bin);
    let stderr = String::from_utf8_lossy(&before.stderr);
    assert_eq!(before.status.code(), Some(1), "before: {stderr}");
    assert_eq!(stderr, "machine mips64 is not supported\n");
    let args = [
        "--arch=mips64le,mips64,riscv64",
        "--rules=arch-allowlist",
        "--unsafe-fixes",
    ];
    let applied = abiport()
        .arg("fix")
        .arg(tmp.path())
        .args(args)
        .arg("--apply")
        .output()
        .unwrap();
    assert!(
        applied.status.success(),
        "fix --apply: {}",
        String::from_utf8_lossy(&applied.stderr)
    );
    let again = abiport()
        .arg("fix")
        .arg(tmp.path())
        .args(args)
        .output()
        .unwrap();
    assert!(again.stdout.is_empty(), "the fixes do not settle");
    build_mips64le(tmp.path(), &bin);
    let after = qemu(&bin);
    assert_eq!(
        after.status.code(),
        Some(0),
        "after: {}",
        String::from_utf8_lossy(&after.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&after.stdout),
        "started on mips64\n"
    );
}
