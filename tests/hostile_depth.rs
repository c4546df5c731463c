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

// The fuzz targets (`abiport::fuzz`, run by cargo-fuzz on nightly with scripts/fuzz.sh),
// replayed on stable in CI: each target's body over its seeds plus a fixed number of
// deterministic mutations, within a time bound.

/// xorshift64: the same mutations on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// One mutation of `seed`: flipped, inserted, deleted or duplicated bytes, a truncation, or
/// an inserted part separator or `@N` reference (the structured targets' vocabulary).
fn mutate(seed: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut v = seed.to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(v.len() + 1);
        match rng.below(7) {
            0 if !v.is_empty() => {
                let i = rng.below(v.len());
                v[i] ^= 1 << rng.below(8);
            }
            1 => v.insert(at, rng.next() as u8),
            2 if at < v.len() => {
                let end = (at + 1 + rng.below(16)).min(v.len());
                v.drain(at..end);
            }
            3 => v.truncate(at),
            4 => {
                let chunk: Vec<u8> = v[at..(at + rng.below(64)).min(v.len())].to_vec();
                v.splice(at..at, chunk);
            }
            5 => {
                v.splice(at..at, abiport::fuzz::PART_SEPARATOR.iter().copied());
            }
            _ => {
                let r = format!("@{}", rng.below(5));
                v.splice(at..at, r.into_bytes());
            }
        }
    }
    v
}

fn replay(target: fn(&[u8]), seeds: &[Vec<u8>], mutations: usize, limit: Duration) {
    let start = std::time::Instant::now();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for s in seeds {
        target(s);
    }
    for i in 0..mutations {
        let input = mutate(&seeds[i % seeds.len()], &mut rng);
        target(&input);
    }
    assert!(
        start.elapsed() < limit,
        "{} inputs took {:?}",
        seeds.len() + mutations,
        start.elapsed()
    );
}

/// The structured input of `abiport::fuzz::oci_layout` for a small valid layout: index →
/// manifest (mips64le) → config and a gzipped layer holding one small file.
fn layout_seed(shape: u8) -> Vec<u8> {
    let elf = tiny_elf();
    let mut layer = Vec::new();
    {
        let gz = flate2::write::GzEncoder::new(&mut layer, flate2::Compression::fast());
        let mut ar = tar::Builder::new(gz);
        let mut h = tar::Header::new_gnu();
        h.set_size(elf.len() as u64);
        h.set_mode(0o755);
        h.set_cksum();
        ar.append_data(&mut h, "bin/hello", elf.as_slice()).unwrap();
        ar.into_inner().unwrap().finish().unwrap();
    }
    let sep = abiport::fuzz::PART_SEPARATOR;
    let mut v = vec![shape];
    v.extend_from_slice(br#"{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"@1","size":1,"platform":{"os":"linux","architecture":"mips64le"}}]}"#);
    v.extend_from_slice(sep);
    v.extend_from_slice(br#"{"schemaVersion":2,"config":{"digest":"@2","size":2},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"@3","size":1}]}"#);
    v.extend_from_slice(sep);
    v.extend_from_slice(b"{}");
    v.extend_from_slice(sep);
    v.extend_from_slice(&layer);
    v
}

/// A 64-byte ELF64 little-endian MIPS header with one program header right after it.
fn tiny_elf() -> Vec<u8> {
    let mut elf = vec![0u8; 64 + 56];
    elf[..4].copy_from_slice(b"\x7fELF");
    elf[4] = 2;
    elf[5] = 1;
    elf[6] = 1;
    elf[16] = 2; // ET_EXEC
    elf[18] = 8; // EM_MIPS
    elf[20] = 1;
    elf[32] = 64; // e_phoff
    elf[52] = 64; // e_ehsize
    elf[54] = 56; // e_phentsize
    elf[56] = 1; // e_phnum
    elf[64] = 1; // PT_LOAD
    elf
}

#[test]
fn fuzz_targets_replay_elf_and_buildinfo() {
    let seeds = vec![tiny_elf(), b"\x7fELF\x01\x01\x01".to_vec()];
    replay(abiport::fuzz::elf_inspect, &seeds, 2000, LIMIT);
    let mut info = vec![8u8, 2];
    info.resize(32, 0);
    info.extend_from_slice(b"\x06go1.19\x20path\texample.com/x\nbuild\tGOARCH=mips64le\n");
    replay(abiport::fuzz::buildinfo, &[info], 2000, LIMIT);
}

#[test]
fn fuzz_targets_replay_oci_layout() {
    let mut raw = b"\x03".to_vec();
    raw.extend_from_slice(&layout_seed(1)[1..]);
    let seeds = vec![layout_seed(0), layout_seed(1), layout_seed(2), raw];
    // The seeds are valid layouts: the check reaches the ELF in the layer.
    for (i, s) in seeds.iter().take(3).enumerate() {
        let report = abiport::fuzz::oci_layout_report(s).unwrap();
        assert!(report.errors.is_empty(), "seed {i}: {:?}", report.errors);
        assert_eq!(report.files.len(), 1, "seed {i}: one ELF in the layer");
    }
    replay(abiport::fuzz::oci_layout, &seeds, 300, LIMIT);
}

#[test]
fn fuzz_targets_replay_patch_series() {
    if !util::require_tool("git", "git") {
        return;
    }
    let diff = b"\x00diff --git a/main.go b/main.go\n--- a/main.go\n+++ b/main.go\n@@ -3,4 +3,4 @@\n import \"syscall\"\n \n-func main() {\n+func main() { // x\n \t_ = syscall.SYS_SELECT\n".to_vec();
    let mbox = b"\x00From 0 Mon Sep 17 00:00:00 2001\nSubject: [PATCH] x\n\n---\ndiff --git a/dep.go b/dep.go\n--- a/dep.go\n+++ b/dep.go\n@@ -1,3 +1,3 @@\n package dep\n \n-const X = 1\n+const X = 2\n".to_vec();
    let link = b"\x00diff --git a/up b/up\nnew file mode 120000\n--- /dev/null\n+++ b/up\n@@ -0,0 +1 @@\n+/\n\\ No newline at end of file\n".to_vec();
    let binary = b"\x01diff --git a/x.bin b/x.bin\nnew file mode 100644\nGIT binary patch\nliteral 3\nKcmZQzWB>pF00031\n\nliteral 0\nKcmV+b0RR6000031\n\n".to_vec();
    let seeds = vec![diff, mbox, link, binary];
    // The seeds mean something: a diff and an mbox patch apply, a link out of the tree does not.
    let applies = |s: &[u8]| {
        let v = abiport::fuzz::patch_series_verdict(s).unwrap().unwrap();
        (v.applied.len(), v.not_applied.len())
    };
    assert_eq!(applies(&seeds[0]), (1, 0));
    assert_eq!(applies(&seeds[1]), (1, 0));
    assert_eq!(applies(&seeds[2]), (0, 1));
    // Each input is a scan, a copy, `git apply` and a rescan: fewer mutations.
    replay(abiport::fuzz::patch_series, &seeds, 24, LIMIT);
}
