//! The result of `abiport elf` as data, and its human and JSON renderings.

use super::inspect::{flag_words, ElfInfo};
use super::platform::Platform;
use serde::Serialize;
use std::fmt::Write as _;

/// Bumped when the JSON shape changes incompatibly.
pub const JSON_VERSION: u32 = 1;

#[derive(Debug, Default, Serialize)]
pub struct Report {
    pub version: u32,
    /// The `--expect` platforms, sorted.
    pub expect: Vec<Platform>,
    /// Every ELF read, sorted by path.
    pub files: Vec<FileEntry>,
    /// Sorted by (path, check, message).
    pub findings: Vec<ElfFinding>,
    /// Files that could not be read or parsed, sorted by path.
    pub errors: Vec<FileError>,
    /// Non-ELF files named or walked, sorted by path.
    pub skipped: Vec<Skipped>,
    pub summary: Summary,
}

#[derive(Debug, Clone, Serialize)]
pub struct FileEntry {
    /// Display path; members of tar archives and image layers read `archive!/member`.
    pub path: String,
    /// The platform this file is checked against.
    pub expected: Option<Platform>,
    /// Where `expected` comes from: `expect` (the flag), `path` (a release name label)
    /// or `oci` (the manifest platform).
    pub expected_from: Option<&'static str>,
    pub elf: ElfInfo,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ElfFinding {
    /// Finding kind: `machine-mismatch`, `buildinfo-mismatch`, `os-abi-mismatch`,
    /// `abi-mismatch`, `variant-mismatch`, `interpreter`, `load-alignment`,
    /// `platform-missing`, `platform-duplicate`, `platform-unexpected`,
    /// `platform-unknown`, `oci-digest`, `oci-config-mismatch`, `nothing-checked` (an
    /// `--expect` no ELF file was checked against).
    pub check: &'static str,
    pub path: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct FileError {
    pub path: String,
    pub error: String,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Skipped {
    pub path: String,
    pub reason: String,
}

#[derive(Debug, Default, Clone, Serialize)]
pub struct Summary {
    pub elf_files: usize,
    pub findings: usize,
    pub errors: usize,
    pub skipped: usize,
    /// Files inside archives and image layers that were not ELF (counted, not listed).
    pub non_elf_members: usize,
}

impl Report {
    /// Sort everything and fill the summary; call once before rendering.
    pub fn finish(&mut self) {
        self.version = JSON_VERSION;
        self.files.sort_by(|a, b| a.path.cmp(&b.path));
        self.findings.sort();
        self.findings.dedup();
        self.errors.sort();
        self.errors.dedup();
        self.skipped.sort();
        self.skipped.dedup();
        self.summary.elf_files = self.files.len();
        self.summary.findings = self.findings.len();
        self.summary.errors = self.errors.len();
        self.summary.skipped = self.skipped.len();
    }

    pub fn is_clean(&self) -> bool {
        self.findings.is_empty() && self.errors.is_empty()
    }
}

pub fn render_json(r: &Report) -> String {
    let mut s =
        serde_json::to_string_pretty(r).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
    s.push('\n');
    s
}

/// (stdout, stderr): one line per ELF and per finding on stdout; notes on stderr. With
/// `quiet`, the findings and errors only; `error` is the word that starts each of them
/// (coloured by the caller, or as it is).
pub fn render_human(r: &Report, quiet: bool, error: &dyn Fn(&str) -> String) -> (String, String) {
    let mut out = String::new();
    if !quiet {
        for f in &r.files {
            let _ = writeln!(out, "{}: {}", f.path, one_line(f));
        }
        if !r.files.is_empty() && !r.findings.is_empty() {
            out.push('\n');
        }
    }
    for f in &r.findings {
        let head = error(&format!("error[{}]:", f.check));
        let _ = writeln!(out, "{head} {}: {}", f.path, f.message);
    }
    for e in &r.errors {
        let _ = writeln!(out, "{} {}: {}", error("error:"), e.path, e.error);
    }
    let s = &r.summary;
    if quiet {
        return (out, String::new());
    }
    let _ = writeln!(
        out,
        "{} ELF file{} checked, {} finding{}, {} error{}, {} skipped",
        s.elf_files,
        plural(s.elf_files),
        s.findings,
        plural(s.findings),
        s.errors,
        plural(s.errors),
        s.skipped
    );
    let mut err = String::new();
    for k in &r.skipped {
        let _ = writeln!(err, "note: {}: {}, skipped", k.path, k.reason);
    }
    if s.elf_files == 0 && s.errors == 0 {
        let _ = writeln!(
            err,
            "note: no ELF file was found; give binaries, release directories or OCI layouts"
        );
    }
    (out, err)
}

/// The file on disk a display path names: an archive member's archive (`a.tar!/bin/x`).
fn disk_path(path: &str) -> &str {
    path.split_once("!/").map_or(path, |(archive, _)| archive)
}

/// A path as a SARIF URI: `file://` for an absolute one, else relative to `%SRCROOT%`;
/// what is not a path character is percent-encoded.
fn sarif_location(path: &str) -> serde_json::Value {
    let mut uri = String::new();
    for &b in disk_path(path).as_bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~!$&'()*+,;=:@".contains(&b) {
            uri.push(b as char);
        } else {
            let _ = write!(uri, "%{b:02X}");
        }
    }
    if uri.starts_with('/') {
        serde_json::json!({ "uri": format!("file://{uri}") })
    } else {
        serde_json::json!({ "uri": uri, "uriBaseId": "%SRCROOT%" })
    }
}

/// SARIF 2.1.0: one result per finding at the binary (an archive member at its archive),
/// its check as the rule; files that could not be read are `error` notifications.
pub fn render_sarif(r: &Report) -> String {
    use serde_json::json;
    let mut checks: Vec<&str> = r.findings.iter().map(|f| f.check).collect();
    checks.sort_unstable();
    checks.dedup();
    let rules: Vec<_> = checks
        .iter()
        .map(|c| {
            json!({
                "id": c,
                "name": c,
                "shortDescription": {"text": format!("abiport elf check `{c}`")},
                "defaultConfiguration": {"level": "error"},
            })
        })
        .collect();
    let results: Vec<_> = r
        .findings
        .iter()
        .map(|f| {
            json!({
                "ruleId": f.check,
                "ruleIndex": checks.iter().position(|c| *c == f.check).unwrap_or(0),
                "level": "error",
                "message": {"text": format!("{}: {}", f.path, f.message)},
                "locations": [{"physicalLocation": {"artifactLocation": sarif_location(&f.path)}}],
            })
        })
        .collect();
    let notifications: Vec<_> = r
        .errors
        .iter()
        .map(|e| {
            json!({
                "level": "error",
                "message": {"text": format!("{}: {}", e.path, e.error)},
                "locations": [{"physicalLocation": {"artifactLocation": sarif_location(&e.path)}}],
            })
        })
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "abiport",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "invocations": [{
                "executionSuccessful": r.errors.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
        }],
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// GitHub Actions annotations: `::error` on each mislabelled binary (an archive member's
/// annotation sits on its archive) and each file that could not be read.
pub fn render_github(r: &Report) -> String {
    // Workflow command escaping: `%`, CR, LF in data; also `:` and `,` in properties.
    let data = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let property = |s: &str| data(s).replace(':', "%3A").replace(',', "%2C");
    let mut out = String::new();
    for f in &r.findings {
        let _ = writeln!(
            out,
            "::error file={},title={}::{}",
            property(disk_path(&f.path)),
            property(&format!("abiport elf {}", f.check)),
            data(&format!("{}: {}", f.path, f.message))
        );
    }
    for e in &r.errors {
        let _ = writeln!(
            out,
            "::error file={},title={}::{}",
            property(disk_path(&e.path)),
            property("abiport elf unreadable"),
            data(&format!("{}: {}", e.path, e.error))
        );
    }
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn one_line(f: &FileEntry) -> String {
    let e = &f.elf;
    let mut s = format!("ELF{} {}-endian {}", e.class, e.endian, e.machine_name);
    if let Some(a) = e.arch {
        let _ = write!(s, " ({a})");
    }
    let _ = write!(s, ", {}, flags {:#x}", e.kind, e.flags);
    if let Some(fl) = &e.flags_decoded {
        let w = flag_words(fl);
        if !w.is_empty() {
            let _ = write!(s, " [{}]", w.join(", "));
        }
    }
    match &e.interp {
        Some(i) => {
            let _ = write!(s, ", loader {i}");
        }
        None if e.kind == "exec" => s.push_str(", static"),
        None => s.push_str(", no loader"),
    }
    if let Some(min) = e.loads.iter().map(|l| l.align).min() {
        let _ = write!(s, ", load align {min:#x}");
    }
    if let Some(bi) = &e.buildinfo {
        let _ = write!(s, ", {}", bi.go_version);
        if let (Some(os), Some(arch)) = (bi.setting("GOOS"), bi.setting("GOARCH")) {
            let _ = write!(s, " {os}/{arch}");
        }
        for key in [
            "CGO_ENABLED",
            "GOAMD64",
            "GOARM",
            "GO386",
            "GOMIPS",
            "GOMIPS64",
            "GOPPC64",
            "GORISCV64",
        ] {
            if let Some(v) = bi.setting(key) {
                let _ = write!(s, " {key}={v}");
            }
        }
        if let Some(m) = &bi.main {
            let _ = write!(s, " {}@{}", m.path, m.version);
        }
    }
    if let Some(exp) = &f.expected {
        let _ = write!(
            s,
            " (expected {exp} from {})",
            f.expected_from.unwrap_or("?")
        );
    }
    s
}
