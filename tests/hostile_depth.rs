//! Deeply nested Go for `scan` (issue 13): long operator chains, nested parentheses,
//! types and literals, and build lines. Type inference climbs and recurses over the tree;
//! each input here took minutes (quadratic climbs through `Node::parent`) or overflowed the
//! stack. Every input is crafted in a temp dir; every run has a deadline enforced here.

use crate::util::{self, abiport};
use std::path::Path;
use std::time::Duration;

const HEADER: &str = "package main\n\nimport \"golang.org/x/sys/unix\"\n\n";

/// Debug builds on a loaded CI machine: generous, yet far below the minutes these took.
const LIMIT: Duration = Duration::from_secs(45);

fn write_module(dir: &Path, main_go: &str) {
    std::fs::write(dir.join("go.mod"), "module example.com/deep\n\ngo 1.19\n").unwrap();
    std::fs::write(dir.join("main.go"), main_go).unwrap();
}

/// Scan `main_go` for mips64le as JSON under [`LIMIT`]: exit code and findings
/// (rule, line) as the JSON lists them.
fn scan(main_go: &str) -> (i32, Vec<(String, u64)>) {
    let dir = tempfile::tempdir().unwrap();
    write_module(dir.path(), main_go);
    let mut cmd = abiport();
    cmd.arg("scan")
        .arg(dir.path())
        .args(["--arch", "mips64le", "--format", "json"]);
    let t = util::run_within(cmd, LIMIT);
    let code = t.output.status.code().unwrap_or_else(|| {
        panic!(
            "killed by a signal (stack overflow?): {}",
            String::from_utf8_lossy(&t.output.stderr)
        )
    });
    assert!(
        code == 0 || code == 1,
        "exit {code}: {}",
        String::from_utf8_lossy(&t.output.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&t.output.stdout).expect("JSON output");
    let findings = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
            )
        })
        .collect();
    (code, findings)
}

/// `n := st.Rdev + st.Rdev + …` (`terms` more) then `unix.Major(n)`: on mips64le `Rdev` is
/// `uint32`, so each term that inference follows to `Major` is a struct-field-width finding.
fn rdev_chain(terms: usize) -> String {
    format!(
        "{HEADER}func main() {{\n\tvar st unix.Stat_t\n\tn := st.Rdev{}\n\t_ = unix.Major(n)\n}}\n",
        " + st.Rdev".repeat(terms)
    )
}

#[test]
fn short_chain_is_still_type_checked() {
    // Normal code: every term of a short chain reaches `unix.Major` and is reported.
    let (code, findings) = scan(&rdev_chain(3));
    assert_eq!(code, 1);
    assert_eq!(
        findings,
        vec![("struct-field-width".to_string(), 7); 4],
        "one finding per `st.Rdev`"
    );
}

#[test]
fn chain_of_twenty_thousand_terms_in_a_function() {
    // Was quadratic: every term climbed the whole chain (`Node::parent` is itself O(depth)),
    // 8,000 terms took 14-19 s and 58,000 over 60 s in a release build.
    let (_, findings) = scan(&rdev_chain(20_000));
    assert!(findings.len() < 100, "a depth budget, not 20,000 findings");
}

#[test]
fn package_var_chain_of_sixty_thousand_terms() {
    let src = format!(
        "{HEADER}var x = unix.SYS_READ{}\n\nfunc main() {{ _ = x }}\n",
        " + 1".repeat(60_000)
    );
    let (code, _) = scan(&src);
    assert_eq!(code, 0);
}

#[test]
fn hundred_thousand_nested_parentheses() {
    let n = 100_000;
    let src = format!(
        "{HEADER}func main() {{\n\tvar st unix.Stat_t\n\tn := {}st.Rdev{}\n\t_ = unix.Major(n)\n\t_ = {}unix.Major{}(st.Rdev)\n}}\n",
        "(".repeat(n),
        ")".repeat(n),
        "(".repeat(n),
        ")".repeat(n),
    );
    scan(&src);
}

#[test]
fn deeply_nested_composite_literals() {
    // Elided literals: each level's element type is the one around it, asked recursively.
    let n = 20_000;
    let src = format!(
        "{HEADER}func main() {{\n\tvar st unix.Stat_t\n\t_ = {}uint64{}st.Rdev{}\n\t_ = {}unix.EpollEvent{}{{1, 2}}{}\n}}\n",
        "[]".repeat(n),
        "{".repeat(n),
        "}".repeat(n),
        "[]".repeat(n),
        "{".repeat(n),
        "}".repeat(n),
    );
    scan(&src);
}

#[test]
fn deeply_nested_types() {
    // A type spelled with 100,000 `*` or `[]`: parsed and dropped without recursion past a cap.
    let n = 100_000;
    let src = format!(
        "{HEADER}func main() {{\n\tvar st unix.Stat_t\n\tvar p {}unix.Stat_t\n\t_ = unix.Major(p.Rdev)\n\tvar q {}uint64 = st.Rdev\n\tr := new({}uint64)\n\t_, _ = q, r\n}}\n",
        "*".repeat(n),
        "[]".repeat(n),
        "*".repeat(n),
    );
    scan(&src);
}

#[test]
fn build_lines_with_thousands_of_nested_parentheses() {
    let n = 100_000;
    let go_build = format!(
        "//go:build {}linux{}\n\n{HEADER}func main() {{ _ = unix.SYS_READ }}\n",
        "(".repeat(n),
        ")".repeat(n)
    );
    assert_eq!(scan(&go_build).0, 0);
    let plus_build = format!(
        "// +build {}linux\n\n{HEADER}func main() {{ _ = unix.SYS_READ }}\n",
        "!".repeat(n)
    );
    assert_eq!(scan(&plus_build).0, 0);
}

