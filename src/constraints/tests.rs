//! End-to-end tests of `evaluate`: names, headers, cgo and problems together.

use super::*;
use crate::arch::Arch::{self, *};

fn cfg() -> BuildConfig {
    BuildConfig {
        cgo: false,
        go_minor: 22,
        tags: vec![],
    }
}

fn set(arches: &[Arch]) -> ArchSet {
    arches.iter().copied().collect()
}

fn eval(name: &str, src: &str) -> FileConstraint {
    evaluate(&cfg(), name, src.as_bytes())
}

fn arches(name: &str, src: &str) -> ArchSet {
    eval(name, src).arches
}

#[test]
fn parse_go_version() {
    assert_eq!(BuildConfig::parse_go_version("1.22"), Ok(22));
    assert_eq!(BuildConfig::parse_go_version("go1.21"), Ok(21));
    assert_eq!(BuildConfig::parse_go_version("1.22.3"), Ok(22));
    assert_eq!(BuildConfig::parse_go_version("1.23rc1"), Ok(23));
    assert_eq!(BuildConfig::parse_go_version(" 1.9 "), Ok(9));
    for bad in [
        "",
        "1",
        "2.1",
        "1.",
        "1.x",
        "1.22.",
        "1.22-foo",
        "go",
        "1.99999999999",
    ] {
        assert!(BuildConfig::parse_go_version(bad).is_err(), "{bad}");
    }
}

#[test]
fn no_constraints_builds_everywhere() {
    let c = eval("a.go", "package a\n");
    assert_eq!(c.arches, ArchSet::ALL);
    assert!(!c.is_test);
    assert!(c.problems.is_empty());
    assert_eq!(arches("a.go", ""), ArchSet::ALL);
}

#[test]
fn go_build_line_controls() {
    let src = "// Copyright 2020\n\n//go:build linux && (mips64 || mips64le)\n\npackage a\n";
    assert_eq!(arches("a.go", src), set(&[Mips64, Mips64le]));
    // `//go:build` overrides `// +build`, even when they disagree (and says so).
    let src = "//go:build amd64\n// +build amd64 arm64\n\npackage a\n";
    let c = eval("a.go", src);
    assert_eq!(c.arches, set(&[Amd64]));
    assert_eq!(c.problems.len(), 1);
    assert_eq!(c.problems[0].line, 2);
    assert!(c.problems[0].message.contains("arm64"), "{:?}", c.problems);
    // In agreement: no problem.
    let src = "//go:build amd64 || arm64\n// +build amd64 arm64\n\npackage a\n";
    assert!(eval("a.go", src).problems.is_empty());
}

#[test]
fn go_build_combines_with_file_name() {
    let src = "//go:build !mips64le\n\npackage a\n";
    assert_eq!(arches("a_mips64le.go", src), ArchSet::EMPTY);
    assert_eq!(arches("a_linux_arm64.go", src), set(&[Arm64]));
    assert_eq!(
        arches("a_linux.go", src),
        ArchSet::single(Mips64le).complement()
    );
}

#[test]
fn plus_build_lines_are_anded() {
    // `go help buildconstraint`: several lines AND together.
    let src = "// +build linux darwin\n// +build amd64 mips64le\n\npackage a\n";
    assert_eq!(arches("a.go", src), set(&[Amd64, Mips64le]));
    let src = "// +build linux,386 darwin,!cgo\n\npackage a\n";
    assert_eq!(arches("a.go", src), set(&[I386]));
    // The bug class behind "undefined: system.Setuid": a list that forgot mips64le.
    let src = "// +build linux,amd64 linux,arm64 linux,ppc64le linux,s390x\n\npackage system\n";
    let c = eval("setuid_linux.go", src);
    assert_eq!(c.arches, set(&[Amd64, Arm64, Ppc64le, S390x]));
    assert!(!c.arches.contains(Mips64le));
}

#[test]
fn plus_build_without_blank_line_is_ignored_and_reported() {
    let src = "// +build windows\npackage a\n";
    let c = eval("a.go", src);
    assert_eq!(c.arches, ArchSet::ALL);
    assert_eq!(c.problems.len(), 1);
    assert_eq!(c.problems[0].line, 1);
    assert!(c.problems[0].message.contains("ignored"));
}

#[test]
fn plus_build_after_package_is_not_a_constraint() {
    let src = "package a\n\n// +build windows\n\nfunc f() {}\n";
    let c = eval("a.go", src);
    assert_eq!(c.arches, ArchSet::ALL);
    assert!(c.problems.is_empty());
}

#[test]
fn plus_build_bad_terms_reported() {
    let c = eval("a.go", "// +build !!linux\n\npackage a\n");
    assert_eq!(c.arches, ArchSet::EMPTY);
    assert_eq!(c.problems.len(), 1);
    assert!(c.problems[0].message.contains("`!!linux`"));
    let c = eval("a.go", "// +build\n\npackage a\n");
    assert_eq!(c.arches, ArchSet::EMPTY);
    assert!(c.problems[0].message.contains("empty"));
}

#[test]
fn go_build_syntax_error_refuses_file() {
    let c = eval("a.go", "// x\n//go:build linux &&\n\npackage a\n");
    assert_eq!(c.arches, ArchSet::EMPTY);
    assert_eq!(c.problems.len(), 1);
    assert_eq!(c.problems[0].line, 2);
    assert!(
        c.problems[0]
            .message
            .contains("unexpected end of expression (at column 20)"),
        "{}",
        c.problems[0].message
    );
    let c = eval("a.go", "//go:build linux,amd64\n\npackage a\n");
    assert!(c.problems[0]
        .message
        .contains("invalid syntax at , (at column 17)"));
}

#[test]
fn multiple_go_build_lines_refuse_file() {
    let c = eval("a.go", "//go:build linux\n//go:build amd64\n\npackage a\n");
    assert_eq!(c.arches, ArchSet::EMPTY);
    assert_eq!(c.problems.len(), 1);
    assert_eq!(c.problems[0].line, 2);
}

#[test]
fn block_comment_headers() {
    let src = "/*\n * License.\n */\n\n//go:build arm64\n\npackage a\n";
    assert_eq!(arches("a.go", src), set(&[Arm64]));
    // `// +build` after a `/*` line is outside the zone go/build honours.
    let src = "/* License. */\n\n// +build arm64\n\npackage a\n";
    let c = eval("a.go", src);
    assert_eq!(c.arches, ArchSet::ALL);
    assert_eq!(c.problems.len(), 1);
}

#[test]
fn file_names() {
    assert_eq!(arches("a_windows.go", "package a"), ArchSet::EMPTY);
    assert_eq!(arches("a_ppc.go", "package a"), ArchSet::EMPTY);
    assert_eq!(arches("a_wasm.go", "package a"), ArchSet::EMPTY);
    assert_eq!(arches("a_unix.go", "package a"), ArchSet::ALL);
    assert_eq!(arches("a_linux_mips64le.go", "package a"), set(&[Mips64le]));
    let c = eval("a_linux_mips64le_test.go", "package a");
    assert_eq!(c.arches, set(&[Mips64le]));
    assert!(c.is_test);
    assert_eq!(arches("_a.go", "package a"), ArchSet::EMPTY);
    assert_eq!(arches(".a.go", "package a"), ArchSet::EMPTY);
    // Header errors in a file the name already excludes are not looked at.
    let c = eval("a_windows.go", "//go:build (\n\npackage a\n");
    assert!(c.problems.is_empty());
}

#[test]
fn tags_android_gccgo_ignore_unix() {
    assert_eq!(
        arches("a.go", "//go:build android\n\npackage a"),
        ArchSet::EMPTY
    );
    assert_eq!(
        arches("a.go", "//go:build linux && !android\n\npackage a"),
        ArchSet::ALL
    );
    assert_eq!(
        arches("a.go", "//go:build gccgo\n\npackage a"),
        ArchSet::EMPTY
    );
    assert_eq!(
        arches("a.go", "//go:build ignore\n\npackage main"),
        ArchSet::EMPTY
    );
    assert_eq!(arches("a.go", "//go:build unix\n\npackage a"), ArchSet::ALL);
    assert_eq!(
        arches("a.go", "//go:build go1.22 && !go1.23\n\npackage a"),
        ArchSet::ALL
    );
    let user = BuildConfig {
        tags: vec!["ignore".into(), "integration".into()],
        ..cfg()
    };
    let src = b"//go:build ignore && integration\n\npackage main";
    assert_eq!(evaluate(&user, "a.go", src).arches, ArchSet::ALL);
}

#[test]
fn cgo_files() {
    let src = "package a\n\n// #include <stdlib.h>\nimport \"C\"\n";
    assert_eq!(arches("a.go", src), ArchSet::EMPTY);
    let on = BuildConfig { cgo: true, ..cfg() };
    assert_eq!(evaluate(&on, "a.go", src.as_bytes()).arches, ArchSet::ALL);
    let c = evaluate(&on, "a_test.go", src.as_bytes());
    assert_eq!(c.arches, ArchSet::EMPTY);
    assert_eq!(c.problems[0].line, 4);
    // The `cgo` tag follows the setting too.
    let src = b"//go:build cgo && mips64le\n\npackage a";
    assert_eq!(evaluate(&cfg(), "a.go", src).arches, ArchSet::EMPTY);
    assert_eq!(evaluate(&on, "a.go", src).arches, set(&[Mips64le]));
}

#[test]
fn malformed_input_never_panics() {
    let inputs: [&[u8]; 8] = [
        b"",
        b"\xff\xfe//go:build \xff\n",
        b"//go:build \xff\xfe\n\npackage a",
        b"/*",
        b"/* unterminated\n//go:build linux",
        b"//go:build ((((((((((",
        b"package a; import (\"C",
        b"\xef\xbb\xbf//go:build mips64le\n\npackage a",
    ];
    for src in inputs {
        let _ = evaluate(&cfg(), "a.go", src);
    }
    assert_eq!(evaluate(&cfg(), "a.go", inputs[7]).arches, set(&[Mips64le]));
}

/// Cross-check against go/build on a real tree (run by hand, see below).
///
/// `ABIPORT_GO_CROSSCHECK=FILE`: lines `path<TAB>arch,arch,…` produced by a go/build
/// `MatchFile` loop over GOARCHes (GOOS=linux, CGO_ENABLED=0).
#[test]
#[ignore]
fn matches_go_build() {
    let Ok(list) = std::env::var("ABIPORT_GO_CROSSCHECK") else {
        return;
    };
    let text = std::fs::read_to_string(list).expect("crosscheck file");
    let cfg = BuildConfig {
        go_minor: std::env::var("ABIPORT_GO_MINOR")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(19),
        ..BuildConfig::default()
    };
    let mut mismatches = 0;
    let mut total = 0;
    for line in text.lines() {
        let Some((path, want)) = line.split_once('\t') else {
            continue;
        };
        let want = ArchSet::parse_list(want).expect("arch list");
        let src = std::fs::read(path).expect("read");
        let name = path.rsplit('/').next().unwrap_or(path);
        let got = evaluate(&cfg, name, &src).arches;
        total += 1;
        if got != want {
            mismatches += 1;
            eprintln!("{path}: go {want:?} abiport {got:?}");
        }
    }
    eprintln!("{total} files, {mismatches} mismatches");
    assert_eq!(mismatches, 0);
}

/// Speed over a tree: `ABIPORT_BENCH_LIST=FILE` (one path a line).
#[test]
#[ignore]
fn evaluate_speed() {
    let Ok(list) = std::env::var("ABIPORT_BENCH_LIST") else {
        return;
    };
    let text = std::fs::read_to_string(list).expect("list");
    let files: Vec<(String, Vec<u8>)> = text
        .lines()
        .filter_map(|p| Some((p.to_string(), std::fs::read(p).ok()?)))
        .collect();
    let bytes: usize = files.iter().map(|f| f.1.len()).sum();
    let cfg = BuildConfig::default();
    let start = std::time::Instant::now();
    let mut built = 0;
    let mut problems = Vec::new();
    for (path, src) in &files {
        let name = path.rsplit('/').next().unwrap_or(path);
        let c = evaluate(&cfg, name, src);
        built += c.arches.len();
        problems.extend(c.problems.into_iter().map(|p| (path, p)));
    }
    let took = start.elapsed();
    for (path, p) in &problems {
        eprintln!("{path}:{}: {}", p.line, p.message);
    }
    eprintln!(
        "{} files, {} MB, {:?} ({:.2} µs/file), {built} file×arch builds",
        files.len(),
        bytes / 1_000_000,
        took,
        took.as_secs_f64() * 1e6 / files.len() as f64
    );
}

/// The cases of go/build's `shouldBuild` table, with `yes` as a user tag: each file either
/// builds everywhere or nowhere.
#[test]
fn go_build_should_build_cases() {
    let user = BuildConfig {
        tags: vec!["yes".into()],
        ..cfg()
    };
    let cases: &[(&str, &str, bool)] = &[
        ("Yes", "// +build yes\n\npackage main\n", true),
        ("Yes2", "//go:build yes\npackage main\n", true),
        ("Or", "// +build no yes\n\npackage main\n", true),
        ("Or2", "//go:build no || yes\npackage main\n", true),
        ("And", "// +build no,yes\n\npackage main\n", false),
        ("And2", "//go:build no && yes\npackage main\n", false),
        (
            "Cgo",
            "// +build cgo\n\n// Copyright The Go Authors.\n\n// This package implements parsing of tags like\n// +build tag1\npackage build",
            false,
        ),
        (
            "Cgo2",
            "//go:build cgo\n// Copyright The Go Authors.\n\n// This package implements parsing of tags like\n// +build tag1\npackage build",
            false,
        ),
        (
            "AfterPackage",
            "// Copyright The Go Authors.\n\npackage build\n\n// +build tag\n//go:build tag\nfunc f()\n",
            true,
        ),
        ("TooClose", "// +build yes\npackage main\n", true),
        ("TooClose2", "//go:build yes\npackage main\n", true),
        ("TooCloseNo", "// +build no\npackage main\n", true),
        ("TooCloseNo2", "//go:build no\npackage main\n", false),
        ("BinaryOnly", "//go:binary-only-package\n// +build yes\npackage main\n", true),
        ("BinaryOnly2", "//go:binary-only-package\n//go:build no\npackage main\n", false),
        ("ValidGoBuild", "// +build yes\n\n//go:build no\npackage main\n", false),
        ("MissingBuild2", "/* */\n// +build yes\n\n//go:build no\npackage main\n", false),
        ("Comment1", "/*\n//go:build no\n*/\n\npackage main\n", true),
        ("Comment2", "/*\ntext\n*/\n\n//go:build no\npackage main\n", false),
        ("Comment3", "/*/*/ /* hi *//* \ntext\n*/\n\n//go:build no\npackage main\n", false),
        ("Comment4", "/**///go:build no\npackage main\n", true),
        ("Comment5", "/**/\n//go:build no\npackage main\n", false),
    ];
    for &(name, src, builds) in cases {
        let want = if builds { ArchSet::ALL } else { ArchSet::EMPTY };
        assert_eq!(
            evaluate(&user, "x.go", src.as_bytes()).arches,
            want,
            "{name}"
        );
    }
}

fn text_of(src: &[u8]) -> Option<String> {
    constraint_text(&crate::header::scan(src))
}

#[test]
fn constraint_text_as_written() {
    assert_eq!(
        text_of(b"//go:build linux && amd64\n// +build linux,amd64\n\npackage a"),
        Some("//go:build linux && amd64".into())
    );
    assert_eq!(
        text_of(b"// +build linux\n// +build  amd64 arm64\n\npackage a"),
        Some("// +build linux; // +build amd64 arm64".into())
    );
    assert_eq!(text_of(b"// +build linux\npackage a"), None);
    assert_eq!(text_of(b"package a"), None);
}
