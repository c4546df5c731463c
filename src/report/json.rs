//! JSON output, version 1:
//! `{"version":1,"findings":[{"rule","severity","path","line","column","end_line",
//! "end_column","arches","configs","message","fact","fixable","fingerprint"}],"stats":{…},
//! "notes":[{"path","message"}]}`; a note about an input that could not be read also has
//! `"level":"error"`. `fingerprint` (32 hex digits, README "Baseline") identifies a finding
//! across edits that move it; absent when the scan could not place it in its file's tree.
//! With `scan --baseline`, a `"baseline"` object follows the notes.

use super::{is_fixable, Report};
use crate::finding::Severity;
use serde::Serialize;
use std::borrow::Cow;

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    findings: Vec<JsonFinding<'a>>,
    stats: JsonStats<'a>,
    notes: Vec<JsonNote<'a>>,
    /// `scan --baseline`: `{"known","new_arches","fixed"}` (`report::BaselineSummary`).
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<super::BaselineSummary>,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    severity: Severity,
    path: std::borrow::Cow<'a, str>,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    arches: Vec<&'static str>,
    /// The cgo settings it breaks under: `CGO_ENABLED=0`, `CGO_ENABLED=1` or both.
    configs: Vec<&'static str>,
    message: Cow<'a, str>,
    fact: Cow<'a, str>,
    /// The places the message and fact cite (a declaration's file and line).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related: Vec<JsonRelated>,
    fixable: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    fingerprint: Option<String>,
}

#[derive(Serialize)]
struct JsonRelated {
    path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
}

#[derive(Serialize)]
struct JsonStats<'a> {
    files: usize,
    parsed_files: usize,
    bytes: u64,
    /// Only on request (`scan --stats`): without it the document is the same on every run.
    #[serde(skip_serializing_if = "Option::is_none")]
    seconds: Option<f64>,
    /// With `--stats`: each phase's seconds (`cpu`: summed over threads), files, bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    phases: Option<Vec<JsonPhase<'a>>>,
}

#[derive(Serialize)]
struct JsonPhase<'a> {
    name: &'a str,
    seconds: f64,
    cpu: bool,
    /// A wall-time phase's CPU time of the whole process (every thread), where known.
    #[serde(skip_serializing_if = "Option::is_none")]
    process_cpu_seconds: Option<f64>,
    files: usize,
    bytes: u64,
}

#[derive(Serialize)]
struct JsonNote<'a> {
    path: std::borrow::Cow<'a, str>,
    message: &'a str,
    /// `"error"` for an input that could not be read (the scan is incomplete); absent on
    /// plain notes.
    #[serde(skip_serializing_if = "Option::is_none")]
    level: Option<&'static str>,
}

/// Pretty-printed, keys in the documented order, ending with a newline; no timing, so two
/// runs over the same tree give the same bytes.
pub fn json(r: &Report) -> String {
    json_with(r, false)
}

/// [`json`], with `stats.seconds` when `timing` is set.
pub fn json_with(r: &Report, timing: bool) -> String {
    let out = Output {
        version: 1,
        findings: r
            .findings
            .iter()
            .map(|f| JsonFinding {
                rule: f.rule,
                severity: f.severity,
                path: r.paths.show(&f.path),
                line: f.span.line,
                column: f.span.column,
                end_line: f.span.end_line,
                end_column: f.span.end_column,
                arches: f.arches.names(),
                configs: f.configs.names(),
                message: r.paths.text(&f.message),
                fact: r.paths.text(&f.shown_fact()).into_owned().into(),
                related: f
                    .related()
                    .into_iter()
                    .map(|rel| JsonRelated {
                        path: r.paths.show(&rel.path).into_owned(),
                        line: rel.line,
                    })
                    .collect(),
                fixable: is_fixable(f),
                fingerprint: f.fingerprint(),
            })
            .collect(),
        stats: JsonStats {
            files: r.stats.files,
            parsed_files: r.stats.parsed_files,
            bytes: r.stats.bytes,
            // NaN/inf would make serde_json emit `null`; keep a number.
            seconds: timing.then_some(if r.stats.seconds.is_finite() {
                r.stats.seconds
            } else {
                0.0
            }),
            phases: timing.then(|| {
                r.stats
                    .phases
                    .iter()
                    .map(|p| JsonPhase {
                        name: p.name.trim_start(),
                        seconds: if p.seconds.is_finite() {
                            p.seconds
                        } else {
                            0.0
                        },
                        cpu: p.cpu,
                        process_cpu_seconds: p.process_cpu.filter(|c| c.is_finite()),
                        files: p.files,
                        bytes: p.bytes,
                    })
                    .collect()
            }),
        },
        notes: r
            .notes
            .iter()
            .map(|n| JsonNote {
                path: r.paths.show(&n.path),
                message: &n.message,
                level: n.is_unreadable().then_some("error"),
            })
            .collect(),
        baseline: r.baseline,
    };
    // Serializing plain structs of strings and numbers cannot fail.
    let mut s = serde_json::to_string_pretty(&out).unwrap_or_default();
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;
    use serde_json::Value;

    #[test]
    fn shape_and_key_order() {
        let dir = root();
        let (f, n, s) = (findings(), notes(), stats());
        let r = report(&f, &n, &s, dir.path());
        let text = json_with(&r, true);
        let v: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["version"], 1);
        let f0 = &v["findings"][0];
        let keys: Vec<&str> = f0.as_object().unwrap().keys().map(|k| k.as_str()).collect();
        // serde_json's map is sorted unless preserve_order; check order on the text.
        let mut last = 0;
        for key in [
            "\"rule\"",
            "\"severity\"",
            "\"path\"",
            "\"line\"",
            "\"column\"",
            "\"end_line\"",
            "\"end_column\"",
            "\"arches\"",
            "\"configs\"",
            "\"message\"",
            "\"fact\"",
            "\"fixable\"",
        ] {
            let at = text[last..]
                .find(key)
                .map(|i| i + last)
                .unwrap_or_else(|| panic!("{key}"));
            last = at;
        }
        assert_eq!(keys.len(), 12);
        assert_eq!(f0["rule"], "undefined-on-arch");
        assert_eq!(f0["severity"], "error");
        assert_eq!(f0["path"], "demo/demo.go");
        assert_eq!(f0["line"], 6);
        assert_eq!(f0["column"], 14);
        assert_eq!(f0["end_line"], 6);
        assert_eq!(f0["end_column"], 28);
        assert_eq!(f0["arches"], serde_json::json!(["arm64", "riscv64"]));
        assert_eq!(
            f0["configs"],
            serde_json::json!(["CGO_ENABLED=0", "CGO_ENABLED=1"])
        );
        assert_eq!(f0["fixable"], true);
        assert_eq!(v["findings"][1]["severity"], "warning");
        assert_eq!(v["findings"][1]["fixable"], false);
        assert_eq!(v["findings"][1]["message"], "100% odd: a, b\r\nc");
        assert_eq!(
            v["stats"],
            serde_json::json!({"files": 12, "parsed_files": 3, "bytes": 4096, "seconds": 0.25, "phases": []})
        );
        assert_eq!(v["notes"][0]["path"], "vendor/x/bin.go");
        assert!(text.find("\"findings\"") < text.find("\"stats\""));
        assert!(text.ends_with("}\n"));
    }

    #[test]
    fn empty_and_nan() {
        let dir = tempfile::tempdir().unwrap();
        let s = Stats {
            seconds: f64::NAN,
            ..Stats::default()
        };
        let r = Report {
            findings: &[],
            notes: &[],
            stats: &s,
            rules: &[],
            root: dir.path(),
            configs: crate::constraints::CgoSet::BOTH,
            baseline: None,
            paths: crate::report::DisplayPaths::tree_relative(),
        };
        let v: Value = serde_json::from_str(&json_with(&r, true)).unwrap();
        assert_eq!(v["findings"], serde_json::json!([]));
        assert_eq!(v["stats"]["seconds"], 0.0);
        let v: Value = serde_json::from_str(&json(&r)).unwrap();
        assert!(v["stats"].get("seconds").is_none(), "{v}");
    }

    use crate::report::Stats;
}
