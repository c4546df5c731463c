//! insta snapshots of the human and JSON output for every corpus case and the demo.
//! Seconds are zeroed so snapshots only change when findings or rendering do.

use crate::corpus::{cases, corpus_root};
use abiport::report::{self, Report, RuleInfo, Stats};
use abiport::scan::{analyze, ScanOptions};
use std::path::Path;

fn scan_for_snapshot(case: &Path, args: &[&str]) -> (String, String) {
    let mut argv = vec!["abiport", "scan"];
    let case_s = case.display().to_string();
    argv.push(&case_s);
    argv.extend_from_slice(args);
    let cli = <abiport::cli::Cli as clap::Parser>::parse_from(&argv);
    let abiport::cli::Command::Scan(scan_args) = cli.command else {
        unreachable!()
    };
    let opts = ScanOptions::from_args(&scan_args).unwrap();
    let mut out = analyze(&opts).unwrap();
    out.stats.seconds = 0.0;
    let rules: Vec<RuleInfo> = abiport::rules::RULES
        .iter()
        .map(|r| RuleInfo {
            id: r.meta().id,
            summary: r.meta().summary,
        })
        .collect();
    let stats = Stats {
        ..out.stats.clone()
    };
    let r = Report {
        findings: &out.findings,
        notes: &out.notes,
        stats: &stats,
        rules: &rules,
        root: case,
    };
    let human = report::human_with(
        &r,
        report::HumanOptions {
            color: false,
            width: 100,
        },
    );
    (human, report::json(&r))
}

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path(Path::new(env!("CARGO_MANIFEST_DIR")).join("snapshots"));
    s.set_prepend_module_to_snapshot(false);
    s
}

#[test]
fn corpus_output_snapshots() {
    let settings = settings();
    for (rule, case) in cases() {
        let name = format!("{rule}__{}", case.file_name().unwrap().to_string_lossy());
        let rule_flag = format!("--rules={rule}");
        let (human, json) = scan_for_snapshot(&case, &["--arch=all", &rule_flag]);
        settings.bind(|| {
            insta::assert_snapshot!(format!("{name}.human"), human);
            insta::assert_snapshot!(format!("{name}.json"), json);
        });
    }
}

#[test]
fn demo_output_snapshots() {
    let settings = settings();
    let demo = corpus_root().join("demo");
    for (label, arch) in [("mips64le", "--arch=mips64le"), ("all", "--arch=all")] {
        let (human, json) = scan_for_snapshot(&demo, &[arch]);
        settings.bind(|| {
            insta::assert_snapshot!(format!("demo__{label}.human"), human);
            insta::assert_snapshot!(format!("demo__{label}.json"), json);
        });
    }
}
