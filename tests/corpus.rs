//! The corpus harness (go/analysis style): every Go file under `corpus/<rule-id>/<case>/`
//! carries its expectations inline as `// want <rule-id> [arches=a,b] [cgo=on|off|both]
//! ["message regex"]` comments on the line of the finding. A line without `want` must stay
//! silent.
//!
//! Build files (Makefiles, scripts, Dockerfiles, CI files, go.mod and lock files: those
//! `abiport::walk::build_file_kind` names) carry the same expectations after their own
//! comment marker, `# want <rule-id> …` (`// want` in go.mod). A trailing `# want` is about
//! its own line; one alone on its line is about the next line that is not itself a
//! `want` (for lines that cannot end with a comment: a Makefile line continued with `\`,
//! a here-document).
//!
//! Each case is scanned for every arch (`--arch all`, reference amd64) with only the rule
//! its directory names, unless the case has an `abiport.args` file with other flags.

use abiport::arch::ArchSet;
use abiport::constraints::CgoSet;
use abiport::finding::Finding;
use abiport::scan::{analyze, ScanOptions};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct Want {
    pub rule: String,
    pub arches: Option<ArchSet>,
    /// The cgo settings the finding breaks under, when the want says.
    pub configs: Option<CgoSet>,
    pub message: Option<regex::Regex>,
}

/// Parse the `want` entries of one line.
pub fn parse_wants(line: &str) -> Vec<Want> {
    parse_wants_after(line, "// want ")
}

/// Parse the `want` entries of one line whose comments start with `marker` + ` want `.
fn parse_wants_after(line: &str, marker: &str) -> Vec<Want> {
    let Some(pos) = line.find(marker) else {
        return vec![];
    };
    let mut rest = &line[pos + marker.len()..];
    let mut wants: Vec<Want> = Vec::new();
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            break;
        }
        if let Some(r) = rest.strip_prefix('"') {
            let end = r.find('"').expect("unterminated want regex");
            let re = regex::Regex::new(&r[..end]).expect("bad want regex");
            wants.last_mut().expect("regex before rule id").message = Some(re);
            rest = &r[end + 1..];
            continue;
        }
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let tok = &rest[..end];
        rest = &rest[end..];
        if let Some(list) = tok.strip_prefix("arches=") {
            let set = ArchSet::parse_list(list).expect("bad arches in want");
            wants.last_mut().expect("arches before rule id").arches = Some(set);
        } else if let Some(cgo) = tok.strip_prefix("cgo=") {
            let set = CgoSet::parse(cgo).expect("bad cgo= in want");
            wants.last_mut().expect("cgo before rule id").configs = Some(set);
        } else {
            wants.push(Want {
                rule: tok.to_string(),
                arches: None,
                configs: None,
                message: None,
            });
        }
    }
    wants
}

pub fn corpus_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

/// Every (rule id, case dir) pair under corpus/ (demo and regress excluded).
pub fn cases() -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    for rule in sorted_dirs(&corpus_root()) {
        let id = rule.file_name().unwrap().to_string_lossy().to_string();
        if abiport::rules::by_id(&id).is_none() {
            continue;
        }
        for case in sorted_dirs(&rule) {
            out.push((id.clone(), case));
        }
    }
    out
}

fn sorted_dirs(p: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(p)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// The command line a case is scanned with: `--arch=all --rules=<rule>` unless its
/// `abiport.args` says otherwise.
pub fn case_argv(rule: &str, case: &Path) -> Vec<String> {
    let mut args = vec![
        "abiport".to_string(),
        "scan".to_string(),
        case.display().to_string(),
    ];
    let extra = std::fs::read_to_string(case.join("abiport.args")).unwrap_or_default();
    if !extra.contains("--arch") {
        args.push("--arch=all".into());
    }
    if !extra.contains("--rules") {
        args.push(format!("--rules={rule}"));
    }
    args.extend(extra.split_whitespace().map(String::from));
    args
}

pub fn scan_options(argv: &[String]) -> ScanOptions {
    let cli = <abiport::cmd::Cli as clap::Parser>::parse_from(argv);
    let abiport::cmd::Command::Scan(scan_args) = cli.command else {
        unreachable!()
    };
    abiport::cmd::scan::options(&scan_args).expect("scan options")
}

pub fn scan_case(rule: &str, case: &Path) -> Vec<Finding> {
    analyze(&scan_options(&case_argv(rule, case)))
        .expect("scan")
        .findings
}

/// Expectations of every .go file in a case: (path, line) → wants.
pub fn expectations(case: &Path) -> BTreeMap<(String, usize), Vec<Want>> {
    let mut map = BTreeMap::new();
    for entry in ignore::WalkBuilder::new(case)
        .standard_filters(false)
        .build()
        .flatten()
    {
        let p = entry.path();
        let rel = p
            .strip_prefix(case)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let marker = if p.extension().is_some_and(|e| e == "go" || e == "s") {
            "// want "
        } else {
            match abiport::walk::build_file_kind(&rel) {
                Some(
                    abiport::walk::BuildFileKind::GoMod | abiport::walk::BuildFileKind::Jenkinsfile,
                ) => "// want ",
                Some(_) => "# want ",
                None => continue,
            }
        };
        let text = std::fs::read_to_string(p).unwrap();
        // A `want` alone on its line, in a build file, is about the next line.
        let mut pending: Vec<Want> = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let mut w = parse_wants_after(line, marker);
            let alone = marker == "# want " && line.trim_start().starts_with(marker.trim_end());
            if alone {
                pending.append(&mut w);
                continue;
            }
            w.append(&mut pending);
            if !w.is_empty() {
                map.insert((rel.clone(), i + 1), w);
            }
        }
    }
    map
}

/// Compare findings with expectations; return every mismatch as a readable line.
pub fn check_case(rule: &str, case: &Path) -> Vec<String> {
    let findings = scan_case(rule, case);
    let mut wants = expectations(case);
    let mut problems = Vec::new();
    for f in &findings {
        let key = (f.path.clone(), f.span.line);
        let slot = wants.get_mut(&key);
        let pos = slot.as_ref().and_then(|ws| {
            ws.iter().position(|w| {
                w.rule == f.rule
                    && w.arches.is_none_or(|a| a == f.arches)
                    && w.configs.is_none_or(|c| c == f.configs)
                    && w.message
                        .as_ref()
                        .is_none_or(|re| re.is_match(&abiport::finding::uncited(&f.message)))
            })
        });
        match (slot, pos) {
            (Some(ws), Some(i)) => {
                ws.remove(i);
            }
            _ => problems.push(format!(
                "unexpected: {}:{}:{}: {} [{}] [{}] {}",
                f.path,
                f.span.line,
                f.span.column,
                f.rule,
                f.arches.names().join(","),
                f.configs.names().join(","),
                f.message
            )),
        }
    }
    for ((path, line), ws) in wants {
        for w in ws {
            problems.push(format!(
                "missing: {path}:{line}: {} [{}]",
                w.rule,
                w.arches
                    .map(|a| a.names().join(","))
                    .unwrap_or_else(|| "any".into())
            ));
        }
    }
    problems
}

#[test]
fn want_syntax() {
    let w = parse_wants(
        r#"x := 1 // want undefined-on-arch arches=arm64,riscv64 "is undefined" other-rule"#,
    );
    assert_eq!(w.len(), 2);
    assert_eq!(w[0].rule, "undefined-on-arch");
    assert_eq!(w[0].arches.unwrap().names(), vec!["arm64", "riscv64"]);
    assert!(w[0].message.as_ref().unwrap().is_match("x is undefined on"));
    assert_eq!(w[1].rule, "other-rule");
    assert!(parse_wants("no expectation here").is_empty());
}

#[test]
fn corpus_expectations_hold() {
    let mut failures = Vec::new();
    let all = cases();
    assert!(!all.is_empty(), "no corpus cases found");
    for (rule, case) in &all {
        for p in check_case(rule, case) {
            failures.push(format!(
                "{}: {p}",
                case.strip_prefix(corpus_root()).unwrap().display()
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "corpus mismatches:\n{}",
        failures.join("\n")
    );
}

#[test]
fn every_case_has_a_silent_negative() {
    // A case must show what stays silent, not only what fires (style.md §8.3).
    for (_, case) in cases() {
        let text: String = ignore::WalkBuilder::new(&case)
            .standard_filters(false)
            .build()
            .flatten()
            .filter(|e| {
                e.path().extension().is_some_and(|x| x == "go")
                    || e.path().strip_prefix(&case).ok().is_some_and(|rel| {
                        abiport::walk::build_file_kind(&rel.to_string_lossy()).is_some()
                    })
            })
            .map(|e| std::fs::read_to_string(e.path()).unwrap())
            .collect();
        assert!(
            text.to_lowercase().contains("silent") || text.contains("nothing to report"),
            "{} documents no negative",
            case.display()
        );
    }
}
