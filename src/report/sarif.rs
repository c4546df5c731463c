//! SARIF 2.1.0 for GitHub code scanning: one run, rules from the rule list, results with
//! a relative `%SRCROOT%` location. SARIF columns count UTF-16 code units, so byte columns
//! are converted using the source line (kept as bytes if the file can't be read).

use super::{breaks_on, Report, Sources};
use crate::finding::{Finding, Severity};
use serde_json::{json, Value};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// What SARIF says beyond the findings: where the rule docs are published, and the level
/// each rule is configured to report at (abiport.toml `[severity]`; `None`: `off`).
#[derive(Debug, Clone, Default)]
pub struct SarifOptions {
    /// `--doc-url` / abiport.toml `doc-url`: rules get `helpUri` `URL/<rule>.md`; without
    /// it, no `helpUri` (the docs ship in `help` and `abiport rules ID`).
    pub doc_url: Option<String>,
    /// Configured levels of the rules not at their default (`error`).
    pub levels: Vec<(&'static str, Option<Severity>)>,
}

/// SARIF with no doc URL and every rule at its default level.
pub fn sarif(r: &Report) -> String {
    sarif_with(r, &SarifOptions::default())
}

fn level_name(level: Option<Severity>) -> &'static str {
    match level {
        Some(Severity::Error) => "error",
        Some(Severity::Warning) => "warning",
        Some(Severity::Info) => "note",
        None => "none",
    }
}

/// The first paragraph of a rule doc's "What it finds" section (else of the doc, past its
/// title), on one line.
fn full_description(doc: &str) -> Option<String> {
    let body = match doc.find("## What it finds") {
        Some(at) => &doc[at + "## What it finds".len()..],
        None => doc.trim_start().strip_prefix('#').map_or(doc, |rest| {
            rest.split_once('\n').map_or("", |(_, after)| after)
        }),
    };
    let para: Vec<&str> = body
        .trim_start()
        .lines()
        .take_while(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(str::trim)
        .collect();
    (!para.is_empty()).then(|| para.join(" "))
}

pub fn sarif_with(r: &Report, opts: &SarifOptions) -> String {
    // Rules in the given order, then any rule a finding names that the list lacks.
    let mut rule_ids: Vec<&str> = r.rules.iter().map(|ri| ri.id).collect();
    for f in r.findings {
        if !rule_ids.contains(&f.rule) {
            rule_ids.push(f.rule);
        }
    }
    let rules: Vec<Value> = rule_ids
        .iter()
        .map(|&id| {
            let summary = r
                .rules
                .iter()
                .find(|ri| ri.id == id)
                .map_or(id, |ri| ri.summary);
            let level = opts
                .levels
                .iter()
                .find(|(rule, _)| *rule == id)
                .map_or(Some(Severity::Error), |(_, level)| *level);
            let mut rule = json!({
                "id": id,
                "name": id,
                "shortDescription": {"text": summary},
                "defaultConfiguration": {"level": level_name(level)},
                "properties": {"tags": ["portability", "abi"]},
            });
            if let Some(doc) = crate::rules::by_id(id).map(|rule| rule.meta().doc) {
                if let Some(full) = full_description(doc) {
                    rule["fullDescription"] = json!({ "text": full });
                }
                rule["help"] = json!({ "text": doc, "markdown": doc });
            }
            if let Some(base) = &opts.doc_url {
                rule["helpUri"] = json!(format!("{}/{id}.md", base.trim_end_matches('/')));
            }
            rule
        })
        .collect();

    let mut sources = Sources::new(r.root);
    let results: Vec<Value> = r
        .findings
        .iter()
        .map(|f| {
            let rule_index = rule_ids.iter().position(|&id| id == f.rule).unwrap_or(0);
            result(f, rule_index, r, &mut sources)
        })
        .collect();

    let notifications: Vec<Value> = r
        .notes
        .iter()
        .map(|n| {
            json!({
                "level": if n.is_unreadable() { "error" } else { "warning" },
                "message": {"text": n.message},
                "locations": [{"physicalLocation": {
                    "artifactLocation": artifact(r, &n.path)
                }}],
            })
        })
        .collect();

    let doc = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "abiport",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "originalUriBaseIds": original_uri_base_ids(r),
            "columnKind": "utf16CodeUnits",
            "invocations": [{
                // An input that could not be read leaves the run incomplete.
                "executionSuccessful": !r.notes.iter().any(|n| n.is_unreadable()),
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
        }],
    });
    let mut doc = doc;
    if let Some(base) = &opts.doc_url {
        doc["runs"][0]["tool"]["driver"]["informationUri"] = json!(base);
    }
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

fn result(f: &Finding, rule_index: usize, r: &Report, sources: &mut Sources) -> Value {
    let judged = r.configs;
    let s = &f.span;
    let (start_col, end_col) = match sources.get(&f.path) {
        Some(text) => (
            super::utf16_column(text, s.line, s.column).unwrap_or(s.column),
            super::utf16_column(text, s.end_line, s.end_column).unwrap_or(s.end_column),
        ),
        None => (s.column, s.end_column),
    };
    let shown = r.paths.text(&f.message);
    let mut text = if crate::suppress::is_suppression_rule(f.rule) {
        shown.into_owned()
    } else {
        format!("{shown} ({})", breaks_on(f, judged))
    };
    let fact = f.shown_fact();
    let fact = r.paths.text(&fact);
    if !fact.is_empty() {
        text.push_str(": ");
        text.push_str(&fact);
    }
    let mut result = json!({
        "ruleId": f.rule,
        "ruleIndex": rule_index,
        "level": match f.severity { Severity::Error => "error", Severity::Warning => "warning", Severity::Info => "note" },
        "message": {"text": text},
        "locations": [{"physicalLocation": {
            "artifactLocation": artifact(r, &f.path),
            "region": {
                "startLine": s.line.max(1),
                "startColumn": start_col.max(1),
                "endLine": s.end_line.max(s.line).max(1),
                "endColumn": end_col.max(1),
            },
        }}],
        "properties": {"arches": f.arches.names(), "configs": f.configs.names()},
    });
    let related: Vec<Value> = f
        .related()
        .into_iter()
        .enumerate()
        .map(|(id, rel)| {
            let mut location = json!({"id": id, "physicalLocation": {
                "artifactLocation": artifact(r, &rel.path),
            }});
            if let Some(line) = rel.line {
                location["physicalLocation"]["region"] = json!({"startLine": line.max(1)});
            }
            location
        })
        .collect();
    if !related.is_empty() {
        result["relatedLocations"] = Value::Array(related);
    }
    // GitHub code scanning follows a result across commits by this, not by its line.
    if let Some(fp) = f.fingerprint() {
        result["partialFingerprints"] = json!({ FINGERPRINT_KEY: fp });
    }
    result
}

/// The `partialFingerprints` key of abiport's fingerprint (README "Baseline").
pub const FINGERPRINT_KEY: &str = "abiport/v1";

/// A relative path as a URI reference: percent-encode what is not a path character (a
/// name that is not UTF-8 as its real bytes).
/// `%SRCROOT%`: the directory the paths are shown relative to (the current directory),
/// as a `file:` URI ending in `/`; without a `uri` when unknown (library callers).
fn original_uri_base_ids(r: &Report) -> Value {
    match r.paths.base() {
        Some(base) => {
            let text = crate::walk::escape_path(base.as_os_str());
            let mut uri = format!("file://{}", uri_path(&text));
            if !uri.ends_with('/') {
                uri.push('/');
            }
            json!({ "%SRCROOT%": {"uri": uri} })
        }
        None => json!({ "%SRCROOT%": {
            "description": {"text": "the directory abiport ran in"}
        }}),
    }
}

/// A file's location: relative to `%SRCROOT%` as every output shows it, or an absolute
/// `file:` URI for a file shown by its absolute path.
fn artifact(r: &Report, path: &str) -> Value {
    let shown = r.paths.show(path);
    if shown.starts_with('/') {
        json!({"uri": format!("file://{}", uri_path(&shown))})
    } else {
        json!({"uri": uri_path(&shown), "uriBaseId": "%SRCROOT%"})
    }
}

fn uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for &b in crate::walk::unescape_path(path).iter() {
        let keep = b.is_ascii_alphanumeric() || b"/-._~!$&'()*+,;=:@".contains(&b);
        if keep {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;
    use super::*;

    fn doc() -> Value {
        let dir = root();
        let (f, n, s) = (findings(), notes(), stats());
        let r = report(&f, &n, &s, dir.path());
        serde_json::from_str(&sarif(&r)).unwrap()
    }

    #[test]
    fn required_fields_for_github() {
        let v = doc();
        assert_eq!(v["version"], "2.1.0");
        assert_eq!(v["$schema"], SCHEMA);
        let run = &v["runs"][0];
        let driver = &run["tool"]["driver"];
        assert_eq!(driver["name"], "abiport");
        assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
        assert_eq!(driver["semanticVersion"], env!("CARGO_PKG_VERSION"));
        // No URL the project does not own: none at all without --doc-url.
        assert!(driver.get("informationUri").is_none());
        assert!(driver["rules"][0].get("helpUri").is_none());
        assert_eq!(driver["rules"][0]["defaultConfiguration"]["level"], "error");
        let doc = include_str!("../../rules/undefined-on-arch.md");
        assert_eq!(driver["rules"][0]["help"]["markdown"], doc);
        let full = driver["rules"][0]["fullDescription"]["text"]
            .as_str()
            .unwrap();
        assert!(
            full.starts_with("A reference to a package-level name") && !full.contains('\n'),
            "{full}"
        );
        assert_eq!(driver["rules"][0]["id"], "undefined-on-arch");
        assert_eq!(
            driver["rules"][0]["shortDescription"]["text"],
            "name not declared for the target arch"
        );
        let res = &run["results"][0];
        assert_eq!(res["ruleId"], "undefined-on-arch");
        assert_eq!(res["ruleIndex"], 0);
        assert_eq!(res["level"], "error");
        assert!(res["message"]["text"].as_str().unwrap().starts_with(
            "`syscall.SYS_EPOLL_WAIT` is undefined on arm64, riscv64 (arm64, riscv64): "
        ));
        let loc = &res["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "demo/demo.go");
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert_eq!(
            loc["region"],
            json!({"startLine": 6, "startColumn": 14, "endLine": 6, "endColumn": 28})
        );
        assert_eq!(res["properties"]["arches"], json!(["arm64", "riscv64"]));
        assert_eq!(run["results"][1]["level"], "warning");
        assert_eq!(run["results"][1]["ruleIndex"], 1);
        assert_eq!(
            run["invocations"][0]["toolExecutionNotifications"][0]["message"]["text"],
            "binary file (NUL byte at offset 3); skipped"
        );
    }

    #[test]
    fn utf16_columns_and_unknown_rules() {
        let dir = root();
        let mut f = findings();
        // A span after the `é` (2 bytes, 1 UTF-16 unit) shifts by one.
        let at = SOURCE.find("é").unwrap() + "é".len();
        let line_start = SOURCE[..at].rfind('\n').unwrap() + 1;
        f[1].span = crate::finding::Span {
            start: at,
            end: at + 1,
            line: 6,
            column: at - line_start + 1,
            end_line: 6,
            end_column: at - line_start + 2,
        };
        f[1].rule = "brand-new-rule";
        let (n, s) = (notes(), stats());
        let r = report(&f, &n, &s, dir.path());
        let v: Value = serde_json::from_str(&sarif(&r)).unwrap();
        let region = &v["runs"][0]["results"][1]["locations"][0]["physicalLocation"]["region"];
        assert_eq!(region["startColumn"], (at - line_start) as u64);
        assert_eq!(v["runs"][0]["results"][1]["ruleIndex"], 2);
        assert_eq!(
            v["runs"][0]["tool"]["driver"]["rules"][2]["id"],
            "brand-new-rule"
        );
    }

    #[test]
    fn doc_url_and_configured_levels() {
        let dir = root();
        let (f, n, s) = (findings(), notes(), stats());
        let r = report(&f, &n, &s, dir.path());
        let opts = SarifOptions {
            doc_url: Some("https://docs.example.org/abiport/rules/".into()),
            levels: vec![
                ("undefined-on-arch", Some(Severity::Info)),
                ("struct-field-width", None),
            ],
        };
        let v: Value = serde_json::from_str(&sarif_with(&r, &opts)).unwrap();
        let driver = &v["runs"][0]["tool"]["driver"];
        assert_eq!(
            driver["rules"][0]["helpUri"],
            "https://docs.example.org/abiport/rules/undefined-on-arch.md"
        );
        assert_eq!(driver["rules"][0]["defaultConfiguration"]["level"], "note");
        assert_eq!(driver["rules"][1]["defaultConfiguration"]["level"], "none");
    }

    #[test]
    fn uri_escaping() {
        assert_eq!(uri_path("vendor/a b/ü.go"), "vendor/a%20b/%C3%BC.go");
        assert_eq!(uri_path("x/100%.go"), "x/100%25.go");
    }
}
