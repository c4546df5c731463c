//! insta snapshots of the human and JSON output for every corpus case and the demo.
//! Seconds are zeroed so snapshots only change when findings or rendering do.

use crate::corpus::{case_argv, cases, corpus_root, scan_options};
use abiport::report::{self, Report, RuleInfo};
use abiport::scan::analyze;
use std::path::Path;

fn scan_for_snapshot(case: &Path, argv: &[String]) -> (String, String) {
    let opts = scan_options(argv);
    let mut out = analyze(&opts).unwrap();
    out.stats.seconds = 0.0;
    let rules: Vec<RuleInfo> = abiport::rules::RULES
        .iter()
        .map(|r| RuleInfo {
            id: r.meta().id,
            summary: r.meta().summary,
        })
        .collect();
    let r = Report {
        findings: &out.findings,
        notes: &out.notes,
        stats: &out.stats,
        rules: &rules,
        root: case,
        configs: out.configs,
        baseline: None,
        paths: report::DisplayPaths::tree_relative(),
    };
    let human = report::human_with(&r, report::HumanOptions::plain());
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
        let (human, json) = scan_for_snapshot(&case, &case_argv(&rule, &case));
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
        let argv: Vec<String> = ["abiport", "scan", &demo.display().to_string(), arch]
            .map(String::from)
            .to_vec();
        let (human, json) = scan_for_snapshot(&demo, &argv);
        settings.bind(|| {
            insta::assert_snapshot!(format!("demo__{label}.human"), human);
            insta::assert_snapshot!(format!("demo__{label}.json"), json);
        });
    }
}
