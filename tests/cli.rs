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

/// The command line sits on top: no library module names `cmd` or clap, so every
/// analysis can run without parsing arguments.
#[test]
fn only_cmd_and_main_know_the_command_line() {
    fn visit(dir: &std::path::Path, bad: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                if p.file_name().is_some_and(|n| n != "cmd") {
                    visit(&p, bad);
                }
                continue;
            }
            if p.extension().is_none_or(|x| x != "rs") || p.ends_with("src/main.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap();
            for (i, line) in text.lines().enumerate() {
                if line.contains("crate::cmd")
                    || line.contains("clap::")
                    || line.contains("super::cmd")
                {
                    bad.push(format!("{}:{}: {}", p.display(), i + 1, line.trim()));
                }
            }
        }
    }
    let mut bad = Vec::new();
    visit(&repo_root().join("src"), &mut bad);
    assert!(
        bad.is_empty(),
        "library modules use the command line:\n{}",
        bad.join("\n")
    );
}
