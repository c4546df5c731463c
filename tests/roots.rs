//! What a scan reads (issue 12): both cgo settings by default, several roots, `dir/...`
//! patterns and single files, each on the real binary.

use crate::compiler::copy_dir;
use crate::corpus::corpus_root;
use crate::util::run;
use serde_json::Value;
use std::path::Path;

fn json(args: &[&str], cwd: &Path) -> (i32, Value) {
    let out = run(args, cwd);
    let v = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{args:?}: not JSON ({e}): {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap_or(-1), v)
}

/// (path, line, configs) of every finding.
fn places(v: &Value) -> Vec<(String, u64, Vec<String>)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let configs = f["configs"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap().to_string())
                .collect();
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                configs,
            )
        })
        .collect()
}

fn cgo_case() -> std::path::PathBuf {
    corpus_root().join("struct-field-width/cgo")
}

#[test]
fn both_cgo_settings_by_default_each_alone_on_request() {
    let case = cgo_case();
    let dir = case.to_str().unwrap();
    let on = || vec!["CGO_ENABLED=1".to_string()];
    let off = || vec!["CGO_ENABLED=0".to_string()];
    let both = || [off(), on()].concat();
    let (code, v) = json(&["scan", dir, "--format", "json"], &case);
    assert_eq!(code, 1);
    assert_eq!(
        places(&v),
        vec![
            ("graph/copy_nocgo.go".into(), 8, off()),
            ("graph/graph.go".into(), 8, both()),
            ("loop/loop_cgo.go".into(), 26, on()),
            ("mirror/mirror_cgo.go".into(), 23, on()),
            ("user/user.go".into(), 16, both()),
        ]
    );
    // One setting: its findings only, each labelled with it.
    let (_, v) = json(&["scan", dir, "--format", "json", "--cgo", "off"], &case);
    assert_eq!(
        places(&v),
        vec![
            ("graph/copy_nocgo.go".into(), 8, off()),
            ("graph/graph.go".into(), 8, off()),
            ("user/user.go".into(), 16, off()),
        ]
    );
    let (_, on_only) = json(&["scan", dir, "--format", "json", "--cgo", "on"], &case);
    assert_eq!(
        places(&on_only),
        vec![
            ("graph/graph.go".into(), 8, on()),
            ("loop/loop_cgo.go".into(), 26, on()),
            ("mirror/mirror_cgo.go".into(), 23, on()),
            ("user/user.go".into(), 16, on()),
        ]
    );
    // The old flag: a bare `--cgo` means on, and the path after it stays the path.
    let (_, bare) = json(&["scan", "--cgo", dir, "--format", "json"], &case);
    assert_eq!(places(&bare), places(&on_only));
    // Human and GitHub outputs say which setting a narrower finding breaks under.
    let human = run(&["scan", dir], &case);
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.contains("breaks on mips64le (CGO_ENABLED=1 only)"),
        "{text}"
    );
    assert!(
        text.contains("breaks on mips64le (CGO_ENABLED=0 only)"),
        "{text}"
    );
    let gh = run(&["scan", dir, "--format", "github"], &case);
    let gh = String::from_utf8_lossy(&gh.stdout);
    assert!(
        gh.lines()
            .any(|l| l.contains("file=loop/loop_cgo.go") && l.contains("CGO_ENABLED=1 only")),
        "{gh}"
    );
    let bad = run(&["scan", dir, "--cgo", "maybe"], &case);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("invalid cgo setting `maybe`"));
}

#[test]
fn several_roots_keep_their_own_resolution_and_distinct_paths() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&corpus_root().join("demo"), &tmp.path().join("one"));
    copy_dir(&corpus_root().join("demo"), &tmp.path().join("two/demo"));
    // Alone, paths are relative to the root (scanned from inside it).
    let (_, alone) = json(&["scan", ".", "--format", "json"], &tmp.path().join("one"));
    let alone = places(&alone);
    assert!(alone.len() >= 5, "{alone:?}");
    let (code, v) = json(
        &["scan", "one", "./two/demo/...", "--format", "json"],
        tmp.path(),
    );
    assert_eq!(code, 1);
    let both = places(&v);
    let expected: Vec<_> = alone
        .iter()
        .map(|(p, l, c)| (format!("one/{p}"), *l, c.clone()))
        .chain(
            alone
                .iter()
                .map(|(p, l, c)| (format!("two/demo/{p}"), *l, c.clone())),
        )
        .collect();
    assert_eq!(both, expected);
    // Cross-package findings (undefined-on-arch through the module's own import path)
    // hold in each root.
    assert!(both
        .iter()
        .any(|(p, _, _)| p == "one/cmd/nodeagent/main.go"));
    assert!(both
        .iter()
        .any(|(p, _, _)| p == "two/demo/cmd/nodeagent/main.go"));
    // `./...` is the current directory's tree.
    let (_, dots) = json(
        &["scan", "./...", "--format", "json"],
        &tmp.path().join("one"),
    );
    assert_eq!(places(&dots), alone);
    // Human output reads snippets relative to where abiport runs.
    let human = run(&["scan", "one", "two/demo"], tmp.path());
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.contains("╭─[two/demo/pkg/devices/devices.go:16:10]"),
        "{text}"
    );
    assert!(text.contains("rdev := st.Rdev"), "{text}");
    // fix and verify work on one tree.
    let fix = run(&["fix", "one", "two/demo"], tmp.path());
    assert_eq!(fix.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&fix.stderr).contains("`fix` works on one tree"));
    let bad = run(&["scan", "one/.../pkg"], tmp.path());
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unsupported pattern"));
}

#[test]
fn a_single_file_is_judged_with_its_package() {
    let tmp = tempfile::tempdir().unwrap();
    let pkg = tmp.path().join("pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(
        tmp.path().join("go.mod"),
        "module example.com/one\n\ngo 1.19\n",
    )
    .unwrap();
    std::fs::write(
        pkg.join("helper_amd64.go"),
        "package pkg\n\nfunc helper() int { return 1 }\n",
    )
    .unwrap();
    std::fs::write(
        pkg.join("use.go"),
        "package pkg\n\n// Use calls a helper only amd64 declares.\nfunc Use() int { return helper() }\n",
    )
    .unwrap();
    std::fs::write(
        pkg.join("other.go"),
        "package pkg\n\nfunc Other() int { return helper() + 1 }\n",
    )
    .unwrap();
    let (code, v) = json(&["scan", "pkg/use.go", "--format", "json"], tmp.path());
    assert_eq!(code, 1);
    // Shown relative to the current directory (issue 15).
    assert_eq!(
        places(&v),
        vec![(
            "pkg/use.go".into(),
            4,
            vec!["CGO_ENABLED=0".into(), "CGO_ENABLED=1".into()]
        )]
    );
    assert_eq!(v["findings"][0]["rule"], "undefined-on-arch");
    // The declaring file itself has nothing to report.
    let (code, v) = json(
        &["scan", "pkg/helper_amd64.go", "--format", "json"],
        tmp.path(),
    );
    assert_eq!(code, 0, "{v}");
    assert!(places(&v).is_empty());
    // Named beside other roots, it keeps its directory in the path.
    let (_, v) = json(
        &["scan", "pkg/use.go", "pkg/other.go", "--format", "json"],
        tmp.path(),
    );
    let paths: Vec<String> = places(&v).into_iter().map(|p| p.0).collect();
    assert_eq!(paths, vec!["pkg/other.go", "pkg/use.go"]);
}
