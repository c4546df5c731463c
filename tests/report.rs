//! walk → constraints → report through the public API, the way `scan` strings them.

use abiport::arch::{Arch, ArchSet};
use abiport::constraints::{evaluate, BuildConfig};
use abiport::finding::{normalize, Finding, Payload, Severity, Span};
use abiport::report::{self, HumanOptions, Report, RuleInfo, Stats};
use abiport::walk::{collect, read_source, WalkOptions};
use std::fs;

const SYSTEM: &str = "// +build linux,amd64 linux,arm64\n\npackage system\n\nfunc Setuid(uid int) error { return nil }\n";
const USER: &str =
    "package user\n\nimport \"example.com/system\"\n\nfunc F() { _ = system.Setuid(0) }\n";

#[test]
fn walk_constraints_and_every_format() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("vendor/example.com/system")).unwrap();
    fs::create_dir_all(root.join("user")).unwrap();
    fs::write(
        root.join("vendor/example.com/system/setuid_linux.go"),
        SYSTEM,
    )
    .unwrap();
    fs::write(root.join("user/user.go"), USER).unwrap();
    fs::write(root.join("user/blob.go"), b"package user\x00").unwrap();

    let walked = collect(root, &WalkOptions::default()).unwrap();
    assert_eq!(walked.files.len(), 3);
    let cfg = BuildConfig::default();
    let mut notes = walked.notes.clone();
    let mut declared = ArchSet::EMPTY;
    let mut bytes = 0;
    for file in &walked.files {
        match read_source(file) {
            Ok(src) => {
                bytes += src.len() as u64;
                let name = file.rel.rsplit('/').next().unwrap();
                let c = evaluate(&cfg, name, &src);
                if file.rel.ends_with("setuid_linux.go") {
                    declared = c.arches;
                }
            }
            Err(note) => notes.push(note),
        }
    }
    assert_eq!(declared.names(), vec!["amd64", "arm64"]);
    assert_eq!(notes.len(), 1, "{notes:?}");

    // A stand-in for what `undefined-on-arch` reports at the use.
    let start = USER.find("Setuid").unwrap();
    let mut findings = vec![Finding {
        rule: "undefined-on-arch",
        severity: Severity::Error,
        file: 0,
        path: "user/user.go".into(),
        span: Span {
            start,
            end: start + 6,
            line: 5,
            column: 23,
            end_line: 5,
            end_column: 29,
        },
        arches: ArchSet::single(Arch::Mips64le),
        configs: abiport::constraints::CgoSet::BOTH,
        message: "`system.Setuid` is undefined on mips64le".into(),
        fact: "declared only in vendor/example.com/system/setuid_linux.go for amd64, arm64".into(),
        payload: Payload::None,
        no_fix: None,
        fix: None,
        anchor: None,
    }];
    normalize(&mut findings);
    let stats = Stats {
        files: walked.files.len(),
        parsed_files: 1,
        bytes,
        build_files: 0,
        seconds: 0.01,
        phases: Vec::new(),
    };
    let rules = [RuleInfo {
        id: "undefined-on-arch",
        summary: "name not declared for the target arch",
    }];
    let r = Report {
        findings: &findings,
        notes: &notes,
        stats: &stats,
        rules: &rules,
        root,
        configs: abiport::constraints::CgoSet::BOTH,
        baseline: None,
        paths: report::DisplayPaths::tree_relative(),
    };
    let human = report::human_with(&r, HumanOptions::plain());
    assert!(human.contains("[user/user.go:5:23]"), "{human}");
    assert!(human.contains("breaks on mips64le"), "{human}");
    assert!(human.contains("note: user/blob.go: binary file"), "{human}");
    assert!(
        human.contains("1 finding (mips64le: 1) in 3 files (1 parsed)"),
        "{human}"
    );

    let json: serde_json::Value = serde_json::from_str(&report::json(&r)).unwrap();
    assert_eq!(json["findings"][0]["column"], 23);
    assert_eq!(json["stats"]["files"], 3);

    let sarif: serde_json::Value = serde_json::from_str(&report::sarif(&r)).unwrap();
    assert_eq!(
        sarif["runs"][0]["results"][0]["ruleId"],
        "undefined-on-arch"
    );

    let gh = report::github(&r);
    assert!(
        gh.starts_with("::error file=user/user.go,line=5,col=23,"),
        "{gh}"
    );
}
