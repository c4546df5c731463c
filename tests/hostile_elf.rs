//! `abiport elf` on hostile OCI layouts and archives (issue 13): every input is crafted in
//! a temp dir, the binary runs as a child under a deadline (killed on overrun), and its
//! peak RSS (`VmHWM`, polled from `/proc/<pid>/status`) is bounded where memory matters.

use crate::util::{abiport, run_within};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::io::{self, Read, Write};
use std::path::Path;
use std::process::Output;
use std::time::Duration;

struct Run {
    out: Output,
    json: Value,
    /// Peak resident set of the child, in kB (0 where /proc is missing).
    peak_kb: u64,
}

/// `abiport elf --format json PATH` with a deadline; panics (after a kill) on overrun.
fn elf_limited(path: &Path, limit: Duration) -> Run {
    let mut cmd = abiport();
    cmd.args(["elf", "--format", "json"]).arg(path);
    let t = run_within(cmd, limit);
    let out = t.output;
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "bad JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    Run {
        out,
        json,
        peak_kb: t.peak_kb,
    }
}

/// (path, error) of every error in the report.
fn errors(v: &Value) -> Vec<(String, String)> {
    v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["path"].as_str().unwrap().to_string(),
                e["error"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn has_error(v: &Value, path_ends: &str, says: &str) -> bool {
    errors(v)
        .iter()
        .any(|(p, e)| p.ends_with(path_ends) && e.contains(says))
}

fn sha(b: &[u8]) -> String {
    format!("sha256:{}", hex(&Sha256::digest(b)))
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn blob_path(layout: &Path, digest: &str) -> std::path::PathBuf {
    let p = layout.join("blobs/sha256").join(&digest[7..]);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    p
}

fn put_blob(layout: &Path, bytes: &[u8]) -> String {
    let d = sha(bytes);
    std::fs::write(blob_path(layout, &d), bytes).unwrap();
    d
}

fn new_layout(dir: &Path, index: &Value) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("oci-layout"), r#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
    std::fs::write(dir.join("index.json"), serde_json::to_vec(index).unwrap()).unwrap();
}

const INDEX: &str = "application/vnd.oci.image.index.v1+json";
const MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";

fn entries(media: &str, digest: &str, n: usize) -> Value {
    let one = serde_json::json!({"mediaType": media, "digest": digest, "size": 1});
    Value::Array(vec![one; n])
}

/// A linux/amd64 manifest over `layers` (digests); returns the manifest's digest.
fn put_manifest(layout: &Path, layers: &[&str]) -> String {
    let config = br#"{"architecture":"amd64","os":"linux"}"#;
    let cdig = put_blob(layout, config);
    let layers: Vec<Value> = layers
        .iter()
        .map(|d| serde_json::json!({"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": d, "size": 1}))
        .collect();
    let m = serde_json::json!({
        "schemaVersion": 2, "mediaType": MANIFEST,
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cdig, "size": config.len()},
        "layers": layers,
    });
    put_blob(layout, &serde_json::to_vec(&m).unwrap())
}

fn small_tar() -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    let mut h = tar::Header::new_gnu();
    h.set_size(8);
    h.set_mode(0o644);
    h.set_cksum();
    b.append_data(&mut h, "etc/os-release", &b"ID=test\n"[..])
        .unwrap();
    b.into_inner().unwrap()
}

#[test]
fn self_referencing_index_ends_with_a_cycle_error() {
    let dir = tempfile::tempdir().unwrap();
    let layout = dir.path().join("self");
    // the blob names itself 30 times (its digest cannot be its own hash: a digest finding)
    let me = format!("sha256:{}", "ab".repeat(32));
    let body = serde_json::json!({"schemaVersion": 2, "mediaType": INDEX, "manifests": entries(INDEX, &me, 30)});
    std::fs::write(blob_path(&layout, &me), serde_json::to_vec(&body).unwrap()).unwrap();
    new_layout(
        &layout,
        &serde_json::json!({"schemaVersion": 2, "manifests": entries(INDEX, &me, 30)}),
    );
    let r = elf_limited(&layout, Duration::from_secs(10));
    assert_eq!(r.out.status.code(), Some(1), "{:#}", r.json);
    assert!(
        has_error(&r.json, &me, "refers to itself (a cycle)"),
        "{:#}",
        r.json
    );
}

#[test]
fn index_fan_out_is_read_once_per_digest() {
    let dir = tempfile::tempdir().unwrap();
    let layout = dir.path().join("fan");
    std::fs::create_dir_all(&layout).unwrap();
    // 40 references at each of 5 levels to one child: 40^5 paths, 6 distinct blobs
    let mut child = (MANIFEST, put_manifest(&layout, &[]));
    for _ in 0..4 {
        let body = serde_json::json!({"schemaVersion": 2, "mediaType": INDEX, "manifests": entries(child.0, &child.1, 40)});
        child = (
            INDEX,
            put_blob(&layout, &serde_json::to_vec(&body).unwrap()),
        );
    }
    new_layout(
        &layout,
        &serde_json::json!({"schemaVersion": 2, "manifests": entries(child.0, &child.1, 40)}),
    );
    let r = elf_limited(&layout, Duration::from_secs(15));
    assert!(
        r.peak_kb < 200 * 1024,
        "peak RSS {} kB: {:#}",
        r.peak_kb,
        r.json
    );
    // one manifest, linux/amd64, no layers: nothing wrong with it
    assert_eq!(errors(&r.json), vec![], "{:#}", r.json);
}

#[test]
fn too_many_references_is_an_error_not_a_stall() {
    let dir = tempfile::tempdir().unwrap();
    let layout = dir.path().join("many");
    let list: Vec<Value> = (0..10_050u32)
        .map(|i| serde_json::json!({"mediaType": MANIFEST, "digest": format!("sha256:{i:064x}"), "size": 1}))
        .collect();
    new_layout(
        &layout,
        &serde_json::json!({"schemaVersion": 2, "manifests": list}),
    );
    let r = elf_limited(&layout, Duration::from_secs(20));
    assert_eq!(r.out.status.code(), Some(1));
    assert!(
        has_error(
            &r.json,
            "many",
            "more than 10000 manifest and layer references"
        ),
        "{:?}",
        errors(&r.json)
            .iter()
            .find(|(_, e)| !e.contains("cannot read"))
    );
}

#[cfg(unix)]
#[test]
fn blobs_are_regular_files_inside_the_layout() {
    use std::os::unix::fs::symlink;
    let dir = tempfile::tempdir().unwrap();
    let layout = dir.path().join("links");
    std::fs::create_dir_all(&layout).unwrap();
    let layer = small_tar();
    let ldig = sha(&layer);

    // a FIFO where a manifest should be: nobody ever writes to it
    let fifo = format!("sha256:{}", "f1".repeat(32));
    let st = std::process::Command::new("mkfifo")
        .arg(blob_path(&layout, &fifo))
        .status()
        .expect("mkfifo");
    assert!(st.success());
    // a layer that is a link to /dev/zero (same bytes hashed forever)
    let zero = format!("sha256:{}", "0e".repeat(32));
    symlink("/dev/zero", blob_path(&layout, &zero)).unwrap();
    // a layer that is a link out of the layout, to a real tar with the right content
    let outside = dir.path().join("outside.tar");
    std::fs::write(&outside, &layer).unwrap();
    let out_dig = format!("sha256:{}", "0a".repeat(32));
    symlink(&outside, blob_path(&layout, &out_dig)).unwrap();
    // a link that stays inside the layout is fine
    std::fs::create_dir_all(layout.join("store")).unwrap();
    std::fs::write(layout.join("store/layer.tar"), &layer).unwrap();
    symlink("../../store/layer.tar", blob_path(&layout, &ldig)).unwrap();

    let manifests = vec![
        serde_json::json!({"mediaType": MANIFEST, "digest": fifo, "size": 1, "platform": {"os": "linux", "architecture": "amd64"}}),
        serde_json::json!({"mediaType": MANIFEST, "digest": put_manifest(&layout, &[&zero]), "size": 1}),
        serde_json::json!({"mediaType": MANIFEST, "digest": put_manifest(&layout, &[&out_dig]), "size": 1}),
        serde_json::json!({"mediaType": MANIFEST, "digest": put_manifest(&layout, &[&ldig]), "size": 1}),
    ];
    new_layout(
        &layout,
        &serde_json::json!({"schemaVersion": 2, "manifests": manifests}),
    );
    let r = elf_limited(&layout, Duration::from_secs(10));
    assert_eq!(r.out.status.code(), Some(1), "{:#}", r.json);
    let errs = errors(&r.json);
    assert!(
        has_error(&r.json, &fifo[7..], "not a regular file (a FIFO)"),
        "{errs:#?}"
    );
    for d in [&zero, &out_dig] {
        assert!(
            has_error(&r.json, &d[7..], "leading out of the layout"),
            "{errs:#?}"
        );
    }
    assert_eq!(errs.len(), 3, "{errs:#?}");
    assert_eq!(r.json["summary"]["non_elf_members"], 1, "{:#}", r.json);
}

/// Writes what passes through into a hash.
struct HashWriter(Sha256);

impl Write for HashWriter {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        self.0.update(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn large_layer_in_a_saved_image_is_streamed_not_kept() {
    // a layer tar holding 320 MB of zeros: header + zero data, padding and trailer
    const ZEROS: u64 = 320 << 20;
    let mut h = tar::Header::new_gnu();
    h.set_size(ZEROS);
    h.set_mode(0o644);
    h.set_path("zeros").unwrap();
    h.set_cksum();
    let layer_len = 512 + ZEROS + 1024;
    let layer = || io::Cursor::new(h.as_bytes().to_vec()).chain(io::repeat(0).take(ZEROS + 1024));
    let mut hw = HashWriter(Sha256::new());
    io::copy(&mut layer(), &mut hw).unwrap();
    let ldig = format!("sha256:{}", hex(&hw.0.finalize()));

    // the saved image: gzip, streamed to disk (a few hundred kB)
    let dir = tempfile::tempdir().unwrap();
    let staging = dir.path().join("staging");
    std::fs::create_dir_all(&staging).unwrap();
    let mdig = put_manifest(&staging, &[&ldig]);
    new_layout(
        &staging,
        &serde_json::json!({"schemaVersion": 2, "manifests": [{"mediaType": MANIFEST, "digest": mdig, "size": 1, "platform": {"os": "linux", "architecture": "amd64"}}]}),
    );
    let archive = dir.path().join("image.tar.gz");
    let gz = flate2::write::GzEncoder::new(
        std::fs::File::create(&archive).unwrap(),
        flate2::Compression::fast(),
    );
    let mut b = tar::Builder::new(gz);
    b.append_dir_all(".", &staging).unwrap();
    let mut mh = tar::Header::new_gnu();
    mh.set_size(layer_len);
    mh.set_mode(0o644);
    mh.set_cksum();
    b.append_data(&mut mh, format!("blobs/sha256/{}", &ldig[7..]), layer())
        .unwrap();
    b.into_inner().unwrap().finish().unwrap();

    let r = elf_limited(&archive, Duration::from_secs(60));
    assert!(
        r.peak_kb < 200 * 1024,
        "peak RSS {} kB: {:#}",
        r.peak_kb,
        r.json
    );
    // the layer was read (streamed from the archive again) and its digest verified
    assert_eq!(errors(&r.json), vec![], "{:#}", r.json);
    assert_eq!(r.json["findings"], serde_json::json!([]), "{:#}", r.json);
    assert_eq!(r.json["summary"]["non_elf_members"], 1, "{:#}", r.json);
}

/// A minimal ELF64 little-endian x86-64 executable header with one writable PT_LOAD
/// segment covering `len` bytes of the file.
fn elf_header(len: u64) -> Vec<u8> {
    let mut b = vec![0u8; 64 + 56];
    b[..4].copy_from_slice(b"\x7fELF");
    b[4] = 2; // ELFCLASS64
    b[5] = 1; // little endian
    b[6] = 1; // EV_CURRENT
    b[16..18].copy_from_slice(&2u16.to_le_bytes()); // ET_EXEC
    b[18..20].copy_from_slice(&62u16.to_le_bytes()); // EM_X86_64
    b[20..24].copy_from_slice(&1u32.to_le_bytes());
    b[32..40].copy_from_slice(&64u64.to_le_bytes()); // e_phoff
    b[52..54].copy_from_slice(&64u16.to_le_bytes()); // e_ehsize
    b[54..56].copy_from_slice(&56u16.to_le_bytes()); // e_phentsize
    b[56..58].copy_from_slice(&1u16.to_le_bytes()); // e_phnum
    b[58..60].copy_from_slice(&64u16.to_le_bytes()); // e_shentsize
    let ph = &mut b[64..];
    ph[..4].copy_from_slice(&1u32.to_le_bytes()); // PT_LOAD
    ph[4..8].copy_from_slice(&6u32.to_le_bytes()); // PF_R | PF_W
    ph[16..24].copy_from_slice(&0x400000u64.to_le_bytes()); // p_vaddr
    ph[24..32].copy_from_slice(&0x400000u64.to_le_bytes()); // p_paddr
    ph[32..40].copy_from_slice(&len.to_le_bytes()); // p_filesz
    ph[40..48].copy_from_slice(&len.to_le_bytes()); // p_memsz
    ph[48..56].copy_from_slice(&0x1000u64.to_le_bytes()); // p_align
    b
}

#[test]
fn sparse_two_gigabyte_elf_is_not_read_whole() {
    const LEN: u64 = 2 << 30;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big_linux_amd64");
    let f = std::fs::File::create(&path).unwrap();
    (&f).write_all(&elf_header(LEN)).unwrap();
    f.set_len(LEN).unwrap(); // a hole: no disk used
    drop(f);
    let r = elf_limited(&path, Duration::from_secs(30));
    assert!(
        r.peak_kb < 200 * 1024,
        "peak RSS {} kB: {:#}",
        r.peak_kb,
        r.json
    );
    let files = r.json["files"].as_array().unwrap();
    assert_eq!(files.len(), 1, "{:#}", r.json);
    assert_eq!(files[0]["elf"]["machine"], 62, "{:#}", r.json);
}

#[test]
fn oversized_manifest_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let layout = dir.path().join("big-json");
    // 17 MiB of JSON whitespace around a valid manifest: over the 16 MiB cap
    let mut body = vec![b' '; 17 << 20];
    body.extend_from_slice(br#"{"schemaVersion":2,"layers":[]}"#);
    let d = put_blob(&layout, &body);
    new_layout(
        &layout,
        &serde_json::json!({"schemaVersion": 2, "manifests": [{"mediaType": MANIFEST, "digest": d, "size": body.len()}]}),
    );
    let r = elf_limited(&layout, Duration::from_secs(10));
    assert_eq!(r.out.status.code(), Some(1), "{:#}", r.json);
    assert!(
        has_error(&r.json, &d[7..], "larger than 16777216 bytes, not read"),
        "{:#}",
        r.json
    );
}

/// A deterministic mutation run over a saved image (the CI-bounded stand-in for a fuzzer):
/// bytes of the archive and digests of its JSON are scrambled; every run must end within its
/// deadline with exit 0 or 1 (never a panic's 101) and JSON on stdout.
#[test]
fn mutated_saved_images_never_hang_or_panic() {
    let dir = tempfile::tempdir().unwrap();
    let staging = dir.path().join("staging");
    std::fs::create_dir_all(&staging).unwrap();
    let layer = small_tar();
    let ldig = put_blob(&staging, &layer);
    let mdig = put_manifest(&staging, &[&ldig]);
    let inner = serde_json::json!({"schemaVersion": 2, "mediaType": INDEX, "manifests": [{"mediaType": MANIFEST, "digest": mdig, "size": 1}]});
    let idig = put_blob(&staging, &serde_json::to_vec(&inner).unwrap());
    new_layout(
        &staging,
        &serde_json::json!({"schemaVersion": 2, "manifests": [{"digest": idig, "size": 1}]}),
    );
    let mut tar = tar::Builder::new(Vec::new());
    tar.append_dir_all(".", &staging).unwrap();
    let clean = tar.into_inner().unwrap();
    let digests = [ldig, mdig, idig];

    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let path = dir.path().join("image.tar");
    for round in 0..60 {
        let mut b = clean.clone();
        if round % 2 == 0 {
            // a few random bytes
            for _ in 0..1 + next() % 8 {
                let at = (next() as usize) % b.len();
                b[at] = next() as u8;
            }
        } else {
            // one digest's hex replaced by another's (same length: the tar stays valid),
            // making indexes point at manifests, layers, themselves
            let from = &digests[(next() % 3) as usize][7..];
            let to = &digests[(next() % 3) as usize][7..];
            let s = String::from_utf8_lossy(&b).into_owned();
            if let Some(at) = s.find(from) {
                if s.is_char_boundary(at) {
                    b[at..at + 64].copy_from_slice(to.as_bytes());
                }
            }
        }
        std::fs::write(&path, &b).unwrap();
        let r = elf_limited(&path, Duration::from_secs(10));
        let code = r.out.status.code();
        assert!(
            matches!(code, Some(0) | Some(1)),
            "round {round}: exit {code:?}: {}",
            String::from_utf8_lossy(&r.out.stderr)
        );
    }
}

#[test]
fn large_elf_member_of_an_archive_is_not_read_into_memory() {
    // a release archive (a few hundred kB gzipped) holding a 600 MB ELF, mostly zeros
    const LEN: u64 = 600 << 20;
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join("release_linux_amd64.tar.gz");
    let gz = flate2::write::GzEncoder::new(
        std::fs::File::create(&archive).unwrap(),
        flate2::Compression::fast(),
    );
    let mut b = tar::Builder::new(gz);
    let mut h = tar::Header::new_gnu();
    h.set_size(LEN);
    h.set_mode(0o755);
    h.set_cksum();
    let head = elf_header(LEN);
    let body = io::Cursor::new(head.clone()).chain(io::repeat(0).take(LEN - head.len() as u64));
    b.append_data(&mut h, "bin/big", body).unwrap();
    b.into_inner().unwrap().finish().unwrap();

    let r = elf_limited(&archive, Duration::from_secs(60));
    assert!(
        r.peak_kb < 200 * 1024,
        "peak RSS {} kB: {:#}",
        r.peak_kb,
        r.json
    );
    let files = r.json["files"].as_array().unwrap();
    assert_eq!(files.len(), 1, "{:#}", r.json);
    assert!(
        files[0]["path"].as_str().unwrap().ends_with("!/bin/big"),
        "{:#}",
        r.json
    );
    assert_eq!(files[0]["elf"]["machine"], 62, "{:#}", r.json);
}
