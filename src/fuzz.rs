//! The bodies of the fuzz targets: one function per target, taking the fuzzer's bytes.
//! `fuzz/fuzz_targets/*.rs` (cargo-fuzz, nightly, `scripts/fuzz.sh`) and the stable
//! replay test (`tests/hostile_depth.rs`: seeds plus seeded mutations, in CI) call the same
//! code. Errors are answers; a panic, a hang or a stack overflow is a bug.

use crate::arch::{Arch, ArchSet};
use crate::elf;
use crate::fix::verify;
use crate::scan::ScanOptions;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Any byte string through the ELF reader.
pub fn elf_inspect(data: &[u8]) {
    let _ = elf::inspect(data);
}

/// The Go build info parser on arbitrary blobs; the input doubles as the memory image that
/// pre-1.18 pointers are followed into.
pub fn buildinfo(data: &[u8]) {
    let mut blob = elf::buildinfo::MAGIC.to_vec();
    blob.extend_from_slice(data);
    let read = |addr: u64, len: u64| -> Option<&[u8]> {
        let start = usize::try_from(addr % 4096).ok()?;
        data.get(start..start.checked_add(usize::try_from(len).ok()?)?)
    };
    let _ = elf::buildinfo::parse(&blob, &read);
}

/// Separates the parts of a structured input (`oci_layout`, `patch_series`).
pub const PART_SEPARATOR: &[u8] = b"\n--8<--\n";

/// An OCI image layout built from the input, checked as `abiport elf` checks one.
///
/// The first byte picks the shape: a layout directory, the same files as a tar or
/// `.tar.gz` archive, or the rest of the input as an archive file as it is. Otherwise the
/// input is parts separated by [`PART_SEPARATOR`]: `index.json`, then blobs stored under
/// their own SHA-256. `@N` in a part becomes the digest of part N when N is a later part,
/// so the fuzzer can write valid references (indexes of indexes, manifests, configs,
/// layers) without computing hashes.
pub fn oci_layout(data: &[u8]) {
    let _ = oci_layout_report(data);
}

/// [`oci_layout`] with the report of the check (`None` when no layout could be written):
/// the replay test checks that its seeds reach the ELF in the layer.
pub fn oci_layout_report(data: &[u8]) -> Option<elf::report::Report> {
    let (&shape, rest) = data.split_first()?;
    let dir = ScratchDir::new("oci");
    let layout = dir.path().join("layout");
    if shape % 4 == 3 {
        let archive = dir.path().join("image.tar");
        std::fs::write(&archive, rest).ok()?;
        return Some(elf::check_paths(&[&archive], &[]));
    }
    let files = layout_files(rest);
    match shape % 4 {
        0 => {
            for (rel, bytes) in &files {
                let path = layout.join(rel);
                if let Some(parent) = path.parent() {
                    let _ = std::fs::create_dir_all(parent);
                }
                let _ = std::fs::write(path, bytes);
            }
            Some(elf::check_paths(&[&layout], &[]))
        }
        shape => {
            let archive = dir.path().join("image.tar");
            let file = std::fs::File::create(&archive).ok()?;
            let written = if shape == 2 {
                let gz = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
                write_tar(gz, &files).and_then(|gz| gz.finish().map(drop))
            } else {
                write_tar(file, &files).map(drop)
            };
            written.ok()?;
            Some(elf::check_paths(&[&archive], &[]))
        }
    }
}

/// `oci-layout`, `index.json` (part 0) and `blobs/sha256/<hex>` for the other parts, with
/// `@N` references to later parts replaced by their digests.
fn layout_files(data: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut parts: Vec<Vec<u8>> = split_parts(data).into_iter().map(<[u8]>::to_vec).collect();
    let mut digests: Vec<String> = vec![String::new(); parts.len()];
    for i in (0..parts.len()).rev() {
        let mut part = std::mem::take(&mut parts[i]);
        for (j, digest) in digests.iter().enumerate().skip(i + 1).rev() {
            part = replace_all(&part, format!("@{j}").as_bytes(), digest.as_bytes());
        }
        digests[i] = format!("sha256:{}", hex(&Sha256::digest(&part)));
        parts[i] = part;
    }
    let mut files = vec![(
        "oci-layout".to_string(),
        br#"{"imageLayoutVersion":"1.0.0"}"#.to_vec(),
    )];
    for (i, part) in parts.into_iter().enumerate() {
        let rel = match i {
            0 => "index.json".to_string(),
            _ => format!("blobs/sha256/{}", &digests[i]["sha256:".len()..]),
        };
        files.push((rel, part));
    }
    files
}

fn write_tar<W: Write>(w: W, files: &[(String, Vec<u8>)]) -> std::io::Result<W> {
    let mut ar = tar::Builder::new(w);
    for (rel, bytes) in files {
        let mut h = tar::Header::new_gnu();
        h.set_size(bytes.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        ar.append_data(&mut h, rel, bytes.as_slice())?;
    }
    ar.into_inner()
}

/// A patch series applied by `verify` to a small Go module (one file per part, in order;
/// an odd first byte allows binary patches). Exercises the patch reading `verify` does
/// itself (refusals, the paths a patch names, mbox placement, links out of the copy)
/// and `git apply` on a private copy.
pub fn patch_series(data: &[u8]) {
    let _ = patch_series_verdict(data);
}

/// [`patch_series`] with `verify`'s answer (`None` when the tree could not be written):
/// the replay test checks what its seeds do.
pub fn patch_series_verdict(data: &[u8]) -> Option<crate::error::Result<verify::Verdict>> {
    let (&flags, rest) = data.split_first()?;
    let dir = ScratchDir::new("patches");
    let tree = dir.path().join("tree");
    let module = [
        ("go.mod", "module example.com/m\n\ngo 1.19\n"),
        (
            "main.go",
            "package main\n\nimport \"syscall\"\n\nfunc main() {\n\t_ = syscall.SYS_SELECT\n}\n",
        ),
        (
            "vendor/example.com/dep/dep.go",
            "package dep\n\nconst X = 1\n",
        ),
    ];
    for (rel, text) in module {
        let path = tree.join(rel);
        let _ = std::fs::create_dir_all(path.parent().unwrap_or(&tree));
        std::fs::write(path, text).ok()?;
    }
    let mut patches: Vec<PathBuf> = Vec::new();
    for (i, part) in split_parts(rest).into_iter().enumerate().take(8) {
        let path = dir.path().join(format!("{i:04}.patch"));
        if std::fs::write(&path, part).is_ok() {
            patches.push(path);
        }
    }
    let opts = ScanOptions::new(&tree, ArchSet::single(Arch::Mips64le), Arch::Amd64);
    let policy = verify::Policy {
        allow_binary: flags & 1 == 1,
        ..Default::default()
    };
    Some(verify::verify(&opts, &patches, policy))
}

fn split_parts(data: &[u8]) -> Vec<&[u8]> {
    let mut parts = Vec::new();
    let mut rest = data;
    while let Some(i) = memchr::memmem::find(rest, PART_SEPARATOR) {
        parts.push(&rest[..i]);
        rest = &rest[i + PART_SEPARATOR.len()..];
    }
    parts.push(rest);
    parts
}

fn replace_all(hay: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(hay.len());
    let mut rest = hay;
    while let Some(i) = memchr::memmem::find(rest, from) {
        out.extend_from_slice(&rest[..i]);
        out.extend_from_slice(to);
        rest = &rest[i + from.len()..];
    }
    out.extend_from_slice(rest);
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A fresh private directory under the system temp dir, removed when dropped (the fuzz
/// bodies run millions of times: nothing may pile up).
struct ScratchDir(PathBuf);

impl ScratchDir {
    fn new(what: &str) -> ScratchDir {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let n = COUNT.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("abiport-fuzz-{what}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        let mut b = std::fs::DirBuilder::new();
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt;
            b.mode(0o700);
        }
        let _ = b.recursive(true).create(&path);
        ScratchDir(path)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_to_later_parts_become_their_digests() {
        let input =
            b"{\"manifests\":[{\"digest\":\"@1\"}]}\n--8<--\nmanifest @2 @0\n--8<--\nconfig";
        let files = layout_files(input);
        let config_digest = format!("sha256:{}", hex(&Sha256::digest(b"config")));
        let manifest = format!("manifest {config_digest} @0");
        let manifest_digest = format!("sha256:{}", hex(&Sha256::digest(manifest.as_bytes())));
        assert_eq!(files[1].0, "index.json");
        assert_eq!(
            String::from_utf8(files[1].1.clone()).unwrap(),
            format!("{{\"manifests\":[{{\"digest\":\"{manifest_digest}\"}}]}}")
        );
        assert_eq!(
            files[2],
            (
                format!("blobs/sha256/{}", &manifest_digest[7..]),
                manifest.into_bytes()
            )
        );
        assert_eq!(files[3].1, b"config");
    }
}
