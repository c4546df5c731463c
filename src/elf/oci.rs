//! OCI image layouts (`index.json`, `blobs/<alg>/<hex>`), as a directory or a tar archive
//! (`docker save`, `skopeo copy oci-archive:`): every manifest's platform must match every
//! ELF in its layers.

use super::check;
use super::platform::Platform;
use super::report::ElfFinding;
use super::Collector;
use crate::arch::Arch;
use crate::image::{blob_rel, is_index, other, split_digest, RawPlatform};
pub use crate::image::{Members, Store, MAX_INDEX_DEPTH, MAX_JSON_BLOB, MAX_KEPT_BYTES};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::HashSet;
use std::io::{self, Read};

// Caps on what one layout may cost. Each, when hit, is an error on the layout (the exit
// code says so) and the run goes on with the rest of the layout and the other inputs.

/// Index entries and layers followed in one layout, in all (a visited set also makes
/// every digest count once: cycles and fan-outs of one blob cost nothing more).
pub const MAX_REFS: usize = 10_000;
/// Bytes read from the blobs of one layout, layers included.
pub const MAX_LAYOUT_BYTES: u64 = 64 << 30;

/// What a layout has cost so far, against the caps above.
#[derive(Default)]
struct Budget {
    refs: usize,
    bytes: u64,
    /// Index digests being followed (a cycle comes back to one of them).
    stack: Vec<String>,
    /// Digests already followed or collected.
    seen: HashSet<String>,
    refs_reported: bool,
}

impl Budget {
    /// Count one more reference; false (after one error) once `MAX_REFS` are spent.
    fn take_ref(&mut self, display: &str, col: &mut Collector) -> bool {
        self.refs += 1;
        if self.refs <= MAX_REFS {
            return true;
        }
        if !self.refs_reported {
            self.refs_reported = true;
            col.error(
                display.to_string(),
                format!(
                    "more than {MAX_REFS} manifest and layer references; the rest are not read"
                ),
            );
        }
        false
    }

    fn bytes_left(&self) -> u64 {
        MAX_LAYOUT_BYTES.saturating_sub(self.bytes)
    }
}

/// Reader that hashes what passes through, to verify a blob while streaming it, and fails
/// once `left` bytes have passed (the layout's byte budget).
struct Hashing<R> {
    inner: R,
    hash: Sha256,
    read: u64,
    left: u64,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.read >= self.left {
            return Err(other(format!(
                "the layout's blobs exceed {MAX_LAYOUT_BYTES} bytes; the rest is not read"
            )));
        }
        let n = self.inner.read(buf)?;
        self.hash.update(&buf[..n]);
        self.read += n as u64;
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
        .read("index.json", MAX_JSON_BLOB)
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
    let mut budget = Budget::default();
    let mut walk = Walk {
        store,
        display,
        col,
        budget: &mut budget,
        out: &mut refs,
    };
    walk.collect(&index, None, 0);
    refs.sort_by(|a, b| a.digest.cmp(&b.digest));
    refs.dedup_by(|a, b| a.digest == b.digest);

    let mut labelled = Vec::new();
    for r in &refs {
        // buildx attestation manifests say unknown/unknown and hold no binaries
        if r.raw_platform.as_deref() == Some("unknown/unknown") {
            continue;
        }
        let name = format!("{display}@{}", r.digest);
        let platform = check_manifest(store, display, &name, r, col, &mut budget);
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
    let Some(raw) = RawPlatform::of(v) else {
        return (None, None);
    };
    // GOARCH, or another name of one (`x86_64`): the one arch-name parser.
    let p = raw.architecture.parse::<Arch>().ok().map(|arch| Platform {
        os: raw.os.clone(),
        arch,
        variant: raw.variant.clone(),
    });
    (p, Some(raw.to_string()))
}

/// The walk over a layout's indexes, collecting the manifests they name.
struct Walk<'a> {
    store: &'a Store,
    display: &'a str,
    col: &'a mut Collector,
    budget: &'a mut Budget,
    out: &'a mut Vec<ManifestRef>,
}

impl Walk<'_> {
    fn collect(
        &mut self,
        index: &Value,
        inherited: Option<(Option<Platform>, Option<String>)>,
        depth: usize,
    ) {
        let display = self.display;
        let Some(list) = index.get("manifests").and_then(Value::as_array) else {
            self.col.error(
                format!("{display}/index.json"),
                "index has no `manifests` array".into(),
            );
            return;
        };
        for m in list {
            let Some(digest) = m.get("digest").and_then(Value::as_str) else {
                self.col.error(
                    format!("{display}/index.json"),
                    "manifest entry without a digest".into(),
                );
                continue;
            };
            if self.budget.stack.iter().any(|d| d == digest) {
                self.col.error(
                    format!("{display}@{digest}"),
                    "image index refers to itself (a cycle); not followed again".into(),
                );
                continue;
            }
            // a digest met before was followed or collected then (first platform wins,
            // as it did when duplicates were collected and deduplicated)
            if !self.budget.seen.insert(digest.to_string()) {
                continue;
            }
            if !self.budget.take_ref(display, self.col) {
                return;
            }
            let (mut p, mut raw) = m.get("platform").map(platform_of).unwrap_or((None, None));
            if raw.is_none() {
                if let Some((ip, ir)) = &inherited {
                    (p, raw) = (ip.clone(), ir.clone());
                }
            }
            let media = m.get("mediaType").and_then(Value::as_str);
            let (store, col, budget) = (self.store, &mut *self.col, &mut *self.budget);
            // without a media type only the content tells an index from a manifest
            let child = match media {
                Some(_) if is_index(&Value::Null, media) => {
                    read_json(store, display, digest, col, budget)
                }
                Some(_) => None,
                None => {
                    read_json(store, display, digest, col, budget).filter(|c| is_index(c, None))
                }
            };
            match child {
                Some(child) if depth < MAX_INDEX_DEPTH => {
                    self.budget.stack.push(digest.to_string());
                    self.collect(&child, Some((p, raw)), depth + 1);
                    self.budget.stack.pop();
                }
                Some(_) => self.col.error(
                    format!("{display}@{digest}"),
                    format!("image indexes nested deeper than {MAX_INDEX_DEPTH} levels"),
                ),
                None if is_index(&Value::Null, media) => {}
                None => self.out.push(ManifestRef {
                    digest: digest.to_string(),
                    platform: p,
                    raw_platform: raw,
                }),
            }
        }
    }
}

/// Read a JSON blob and verify its digest; errors and digest findings go to `col`.
fn read_json(
    store: &Store,
    display: &str,
    digest: &str,
    col: &mut Collector,
    budget: &mut Budget,
) -> Option<Value> {
    let Some(rel) = blob_rel(digest) else {
        col.error(format!("{display}@{digest}"), "invalid digest".into());
        return None;
    };
    let max = MAX_JSON_BLOB.min(budget.bytes_left());
    let bytes = match store.read(&rel, max) {
        Ok(b) => b,
        Err(e) => {
            col.error(format!("{display}/{rel}"), format!("cannot read blob: {e}"));
            return None;
        }
    };
    budget.bytes += bytes.len() as u64;
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
    budget: &mut Budget,
) -> Option<Platform> {
    let manifest = read_json(store, display, &r.digest, col, budget)?;
    if is_index(&manifest, manifest.get("mediaType").and_then(Value::as_str)) {
        return None;
    }
    let config_platform = manifest
        .get("config")
        .and_then(|c| c.get("digest"))
        .and_then(Value::as_str)
        .and_then(|d| read_json(store, display, d, col, budget))
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
    let mut layer_seen = HashSet::new();
    for layer in &layers {
        let Some(digest) = layer.get("digest").and_then(Value::as_str) else {
            col.error(name.to_string(), "layer without a digest".into());
            continue;
        };
        if !layer_seen.insert(digest) {
            continue;
        }
        if !budget.take_ref(display, col) {
            break;
        }
        let Some(rel) = blob_rel(digest) else {
            col.error(format!("{name}@{digest}"), "invalid digest".into());
            continue;
        };
        let prefix = format!("{display}/{rel}");
        let left = budget.bytes_left();
        let res = store.with_reader(&rel, &mut |reader| {
            let mut h = Hashing {
                inner: reader,
                hash: Sha256::new(),
                read: 0,
                left,
            };
            let res = super::scan_tar(&mut h, &prefix, col, &|_| {
                platform.clone().map(|p| (p, "oci"))
            });
            let failed = res.is_err();
            if let Err(e) = res {
                col.error(prefix.clone(), e);
            }
            // finish the hash over bytes the tar reader left unread (padding); a blob
            // not read to its end (the byte budget) is not verified
            let rest = io::copy(&mut h, &mut io::sink());
            (rest, failed, h.read, h.hash.finalize())
        });
        match res {
            Err(e) => col.error(prefix, format!("cannot read layer: {e}")),
            Ok((rest, failed, read, hash)) => {
                budget.bytes += read;
                match rest {
                    // the first error is enough (the same cause, most often)
                    Err(_) if failed => {}
                    Err(e) => col.error(prefix, e.to_string()),
                    Ok(_) => verify(display, &rel, digest, &hash, col),
                }
            }
        }
    }
    platform
}

/// `linux/arm64/v8` and `linux/arm64` are the same; so are `x86_64` and `amd64`.
fn same_platform(a: &str, b: &str) -> bool {
    let norm = |s: &str| -> (String, String) {
        let mut it = s.split('/');
        let os = it.next().unwrap_or("").to_string();
        let arch = it.next().unwrap_or("");
        let arch = arch
            .parse::<Arch>()
            .map_or(arch.to_string(), |a| a.name().to_string());
        (os, arch)
    };
    norm(a) == norm(b)
}
