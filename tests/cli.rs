use crate::util::{repo_root, run};

#[test]
fn help_lists_every_subcommand() {
    let out = run(&["--help"], repo_root());
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for cmd in ["scan", "fix", "elf", "abi", "rules"] {
        assert!(text.contains(cmd), "--help lacks {cmd}: {text}");
    }
}

#[test]
fn unimplemented_subcommand_exits_2() {
    let out = run(&["fix", "."], repo_root());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not implemented yet"));
}
