//! OCI image layouts (`index.json`, `blobs/<alg>/<hex>`), as a directory or a tar archive
//! (`docker save`, `skopeo copy oci-archive:`): every manifest's platform must match every
//! ELF in its layers.

use super::check;
use super::platform::{arch_from_oci, Platform};
use super::report::ElfFinding;
use super::Collector;
use crate::arch::Arch;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::{self, Read};
use std::path::PathBuf;

/// Nested indexes deeper than this are ignored (real images use one or two levels).
const MAX_INDEX_DEPTH: usize = 4;

/// Where the layout's files live.
pub enum Store {
    Dir(PathBuf),
    /// Files of a layout read from a tar archive, by relative path.
    Mem(HashMap<String, Vec<u8>>),
}

impl Store {
    fn open(&self, rel: &str) -> io::Result<Box<dyn Read + '_>> {
        match self {
            Store::Dir(root) => Ok(Box::new(io::BufReader::new(std::fs::File::open(
                root.join(rel),
            )?))),
            Store::Mem(m) => m
                .get(rel)
                .map(|v| Box::new(v.as_slice()) as Box<dyn Read>)
                .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "not in the archive")),
        }
    }

    fn read(&self, rel: &str) -> io::Result<Vec<u8>> {
        let mut v = Vec::new();
        self.open(rel)?.read_to_end(&mut v)?;
        Ok(v)
    }

    pub fn has_index(&self) -> bool {
        match self {
            Store::Dir(root) => root.join("index.json").is_file(),
            Store::Mem(m) => m.contains_key("index.json"),
        }
    }
}

/// `sha256:abc…` → (`sha256`, `abc…`), refusing anything that could escape `blobs/`.
fn split_digest(d: &str) -> Option<(&str, &str)> {
    let (alg, hex) = d.split_once(':')?;
    let ok = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    };
    (ok(alg) && ok(hex)).then_some((alg, hex))
}

fn blob_rel(d: &str) -> Option<String> {
    split_digest(d).map(|(a, h)| format!("blobs/{a}/{h}"))
}

/// Reader that hashes what passes through, to verify a blob while streaming it.
struct Hashing<R> {
    inner: R,
    hash: Sha256,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hash.update(&buf[..n]);
        Ok(n)
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

struct ManifestRef {
    digest: String,
    platform: Option<Platform>,
    /// The platform as written, for messages about ones abiport cannot map.
    raw_platform: Option<String>,
}

/// Check one layout. `display` names it in output (its path).
pub fn check_layout(store: &Store, display: &str, col: &mut Collector, expect: &[Platform]) {
    let index = match store
        .read("index.json")
        .map_err(|e| e.to_string())
        .and_then(|b| serde_json::from_slice::<Value>(&b).map_err(|e| format!("invalid JSON: {e}")))
    {
        Ok(v) => v,
        Err(e) => {
            col.error(format!("{display}/index.json"), e);
            return;
        }
    };
    let mut refs = Vec::new();
    collect_manifests(store, display, &index, None, 0, col, &mut refs);
    refs.sort_by(|a, b| a.digest.cmp(&b.digest));
    refs.dedup_by(|a, b| a.digest == b.digest);

    let mut labelled = Vec::new();
    for r in &refs {
        // buildx attestation manifests say unknown/unknown and hold no binaries
        if r.raw_platform.as_deref() == Some("unknown/unknown") {
            continue;
        }
        let name = format!("{display}@{}", r.digest);
        let platform = check_manifest(store, display, &name, r, col);
        labelled.push((name, platform));
    }
    if !expect.is_empty() {
        col.findings.extend(check::check_presence(
            display,
            expect,
            &labelled,
            ("image manifest", "image manifests"),
        ));
    }
}

fn platform_of(v: &Value) -> (Option<Platform>, Option<String>) {
    let os = v.get("os").and_then(Value::as_str);
    let arch = v.get("architecture").and_then(Value::as_str);
    let (Some(os), Some(arch)) = (os, arch) else {
        return (None, None);
    };
    let variant = v
        .get("variant")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string);
    let mut raw = format!("{os}/{arch}");
    if let Some(var) = &variant {
        raw.push('/');
        raw.push_str(var);
    }
    let a = Arch::from_name(arch).or_else(|| arch_from_oci(arch));
    let p = a.map(|arch| Platform {
        os: os.to_string(),
        arch,
        variant,
    });
    (p, Some(raw))
}

fn is_index(v: &Value, media: Option<&str>) -> bool {
    media.is_some_and(|m| m.contains("image.index") || m.contains("manifest.list"))
        || (media.is_none() && v.get("manifests").is_some())
}

fn collect_manifests(
    store: &Store,
    display: &str,
    index: &Value,
    inherited: Option<(Option<Platform>, Option<String>)>,
    depth: usize,
    col: &mut Collector,
    out: &mut Vec<ManifestRef>,
) {
    let Some(list) = index.get("manifests").and_then(Value::as_array) else {
        col.error(
            format!("{display}/index.json"),
            "index has no `manifests` array".into(),
        );
        return;
    };
    for m in list {
        let Some(digest) = m.get("digest").and_then(Value::as_str) else {
            col.error(
                format!("{display}/index.json"),
                "manifest entry without a digest".into(),
            );
            continue;
        };
        let (mut p, mut raw) = m.get("platform").map(platform_of).unwrap_or((None, None));
        if raw.is_none() {
            if let Some((ip, ir)) = &inherited {
                (p, raw) = (ip.clone(), ir.clone());
            }
        }
        let media = m.get("mediaType").and_then(Value::as_str);
        // without a media type only the content tells an index from a manifest
        let child = match media {
            Some(_) if is_index(&Value::Null, media) => read_json(store, display, digest, col),
            Some(_) => None,
            None => read_json(store, display, digest, col).filter(|c| is_index(c, None)),
        };
        match child {
            Some(child) if depth < MAX_INDEX_DEPTH => {
                collect_manifests(store, display, &child, Some((p, raw)), depth + 1, col, out)
            }
            Some(_) => col.error(
                format!("{display}@{digest}"),
                format!("image indexes nested deeper than {MAX_INDEX_DEPTH} levels"),
            ),
            None if is_index(&Value::Null, media) => {}
            None => out.push(ManifestRef {
                digest: digest.to_string(),
                platform: p,
                raw_platform: raw,
            }),
        }
    }
}

/// Read a JSON blob and verify its digest; errors and digest findings go to `col`.
fn read_json(store: &Store, display: &str, digest: &str, col: &mut Collector) -> Option<Value> {
    let Some(rel) = blob_rel(digest) else {
        col.error(format!("{display}@{digest}"), "invalid digest".into());
        return None;
    };
    let bytes = match store.read(&rel) {
        Ok(b) => b,
        Err(e) => {
            col.error(format!("{display}/{rel}"), format!("cannot read blob: {e}"));
            return None;
        }
    };
    verify(display, &rel, digest, &Sha256::digest(&bytes), col);
    match serde_json::from_slice(&bytes) {
        Ok(v) => Some(v),
        Err(e) => {
            col.error(format!("{display}/{rel}"), format!("invalid JSON: {e}"));
            None
        }
    }
}

fn verify(display: &str, rel: &str, digest: &str, got: &[u8], col: &mut Collector) {
    if let Some(("sha256", want)) = split_digest(digest) {
        let got = hex(got);
        if got != want {
            col.findings.push(ElfFinding {
                check: "oci-digest",
                path: format!("{display}/{rel}"),
                message: format!("content has sha256:{got}, not the digest {digest} that names it"),
            });
        }
    }
}

/// Returns the platform the manifest runs as, for the presence check.
fn check_manifest(
    store: &Store,
    display: &str,
    name: &str,
    r: &ManifestRef,
    col: &mut Collector,
) -> Option<Platform> {
    let manifest = read_json(store, display, &r.digest, col)?;
    if is_index(&manifest, manifest.get("mediaType").and_then(Value::as_str)) {
        return None;
    }
    let config_platform = manifest
        .get("config")
        .and_then(|c| c.get("digest"))
        .and_then(Value::as_str)
        .and_then(|d| read_json(store, display, d, col))
        .map(|c| platform_of(&c));
    let mut platform = r.platform.clone();
    match (&r.raw_platform, &config_platform) {
        (Some(raw), Some((_, Some(craw)))) if !same_platform(raw, craw) => {
            col.findings.push(ElfFinding {
                check: "oci-config-mismatch",
                path: name.to_string(),
                message: format!("index says {raw}, image config says {craw}"),
            });
        }
        (None, Some((cp, _))) => platform = cp.clone(),
        _ => {}
    }
    if platform.is_none() {
        let why = match r
            .raw_platform
            .as_ref()
            .or(config_platform.as_ref().and_then(|c| c.1.as_ref()))
        {
            Some(raw) => format!("platform {raw} is not a Linux GOARCH abiport knows"),
            None => "manifest declares no platform; its ELF files are checked only for consistency"
                .into(),
        };
        col.error(name.to_string(), why);
    }
    let layers = manifest
        .get("layers")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for layer in &layers {
        let Some(digest) = layer.get("digest").and_then(Value::as_str) else {
            col.error(name.to_string(), "layer without a digest".into());
            continue;
        };
        let Some(rel) = blob_rel(digest) else {
            col.error(format!("{name}@{digest}"), "invalid digest".into());
            continue;
        };
        let prefix = format!("{display}/{rel}");
        let reader = match store.open(&rel) {
            Ok(r) => r,
            Err(e) => {
                col.error(prefix, format!("cannot read layer: {e}"));
                continue;
            }
        };
        let mut h = Hashing {
            inner: reader,
            hash: Sha256::new(),
        };
        if let Err(e) = super::scan_tar(&mut h, &prefix, col, &|_| {
            platform.clone().map(|p| (p, "oci"))
        }) {
            col.error(prefix.clone(), e);
        }
        // finish the hash over bytes the tar reader left unread (padding)
        let _ = io::copy(&mut h, &mut io::sink());
        verify(display, &rel, digest, &h.hash.finalize(), col);
    }
    platform
}

/// `linux/arm64/v8` and `linux/arm64` are the same; so are `x86_64` and `amd64`.
fn same_platform(a: &str, b: &str) -> bool {
    let norm = |s: &str| -> (String, String) {
        let mut it = s.split('/');
        let os = it.next().unwrap_or("").to_string();
        let arch = it.next().unwrap_or("");
        let arch = Arch::from_name(arch)
            .or_else(|| arch_from_oci(arch))
            .map_or(arch.to_string(), |a| a.name().to_string());
        (os, arch)
    };
    norm(a) == norm(b)
}
