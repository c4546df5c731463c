use crate::util::{repo_root, run};

#[test]
fn help_lists_every_subcommand() {
    let out = run(&["--help"], repo_root());
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for cmd in ["scan", "fix", "verify", "elf", "abi", "rules"] {
        assert!(text.contains(cmd), "--help lacks {cmd}: {text}");
    }
}

#[test]
fn fix_on_a_missing_path_exits_2() {
    let out = run(&["fix", "no/such/dir"], repo_root());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such file or directory"));
}
