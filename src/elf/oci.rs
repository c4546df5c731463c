//! OCI image layouts (`index.json`, `blobs/<alg>/<hex>`), as a directory or a tar archive
//! (`docker save`, `skopeo copy oci-archive:`): every manifest's platform must match every
//! ELF in its layers.

use super::check;
use super::platform::Platform;
use super::report::ElfFinding;
use super::Collector;
use crate::arch::Arch;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use std::io::{self, BufReader, Read};
use std::path::{Path, PathBuf};

// Caps on what one layout may cost. Each, when hit, is an error on the layout (the exit
// code says so) and the run goes on with the rest of the layout and the other inputs.

/// Nested indexes deeper than this are ignored (real images use one or two levels).
pub const MAX_INDEX_DEPTH: usize = 4;
/// Index entries and layers followed in one layout, in all (a visited set also makes
/// every digest count once: cycles and fan-outs of one blob cost nothing more).
pub const MAX_REFS: usize = 10_000;
/// An index, manifest or config blob larger than this is not read (registries refuse
/// manifests over 4 MiB).
pub const MAX_JSON_BLOB: u64 = 16 << 20;
/// Bytes read from the blobs of one layout, layers included.
pub const MAX_LAYOUT_BYTES: u64 = 64 << 30;
/// Layout members of a tar archive are kept in memory up to `MAX_JSON_BLOB` each and this
/// much in all; larger ones are streamed again from the archive when a manifest names them.
pub const MAX_KEPT_BYTES: u64 = 256 << 20;

/// Layout files of a tar archive, read in one pass over it.
#[derive(Default)]
pub struct Members {
    kept: HashMap<String, Vec<u8>>,
    kept_bytes: u64,
    /// Members too large to keep: read again from the archive, streamed.
    streamed: HashSet<String>,
}

impl Members {
    pub fn has(&self, name: &str) -> bool {
        self.kept.contains_key(name) || self.streamed.contains(name)
    }

    /// Keep a member of `size` bytes (as its header says) or remember to stream it.
    pub(crate) fn add(&mut self, name: String, size: u64, r: &mut dyn Read) -> Result<(), String> {
        if size > MAX_JSON_BLOB || self.kept_bytes + size > MAX_KEPT_BYTES {
            self.kept.remove(&name);
            self.streamed.insert(name);
            return Ok(());
        }
        let mut v = Vec::with_capacity(size as usize);
        r.take(size)
            .read_to_end(&mut v)
            .map_err(|e| format!("{name}: {e}"))?;
        self.kept_bytes += v.len() as u64;
        self.streamed.remove(&name);
        self.kept.insert(name, v);
        Ok(())
    }
}

/// Where the layout's files live.
pub enum Store {
    Dir(PathBuf),
    /// A tar archive (its path) and the members read from it.
    Archive(PathBuf, Members),
}

fn other(msg: String) -> io::Error {
    io::Error::other(msg)
}

/// Open `root/rel` as a regular file inside `root`: a symlink may point elsewhere in the
/// layout, not out of it; FIFOs, devices and sockets are refused (opened non-blocking, so
/// a FIFO cannot hang the open, and checked on the open file, so no swap in between).
fn open_regular(root: &Path, rel: &str) -> io::Result<std::fs::File> {
    let real = std::fs::canonicalize(root.join(rel))?;
    let top = std::fs::canonicalize(root)?;
    if !real.starts_with(&top) {
        return Err(other(
            "a symbolic link leading out of the layout is not followed".into(),
        ));
    }
    let mut o = std::fs::OpenOptions::new();
    o.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let f = o.open(&real)?;
    let t = f.metadata()?.file_type();
    if !t.is_file() {
        let kind = kind_of(&t);
        return Err(other(format!("not a regular file ({kind})")));
    }
    Ok(f)
}

fn kind_of(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() {
        "a directory"
    } else {
        "a special file"
    }
}

impl Store {
    /// Run `f` on a reader of the file `rel`.
    fn with_reader<T>(&self, rel: &str, f: &mut dyn FnMut(&mut dyn Read) -> T) -> io::Result<T> {
        match self {
            Store::Dir(root) => {
                let mut r = BufReader::new(open_regular(root, rel)?);
                Ok(f(&mut r))
            }
            Store::Archive(_, m) if m.kept.contains_key(rel) => Ok(f(&mut m.kept[rel].as_slice())),
            Store::Archive(path, m) if m.streamed.contains(rel) => {
                let mut file = BufReader::new(std::fs::File::open(path)?);
                let stream = super::tar_stream(&mut file).map_err(other)?;
                let mut ar = tar::Archive::new(stream);
                for entry in ar.entries()? {
                    let mut entry = entry?;
                    if entry.header().entry_type().is_file() && super::member_name(&entry) == rel {
                        return Ok(f(&mut entry));
                    }
                }
                Err(io::Error::new(
                    io::ErrorKind::NotFound,
                    "not in the archive",
                ))
            }
            Store::Archive(..) => Err(io::Error::new(
                io::ErrorKind::NotFound,
                "not in the archive",
            )),
        }
    }

    /// Read a small file whole; `None` inside when it is larger than `max`.
    fn read(&self, rel: &str, max: u64) -> io::Result<Vec<u8>> {
        let mut v = Vec::new();
        self.with_reader(rel, &mut |r| r.take(max + 1).read_to_end(&mut v))??;
        if v.len() as u64 > max {
            return Err(other(format!("larger than {max} bytes, not read")));
        }
        Ok(v)
    }

    pub fn has_index(&self) -> bool {
        match self {
            Store::Dir(root) => root.join("index.json").is_file(),
            Store::Archive(_, m) => m.has("index.json"),
        }
    }
}

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
    // GOARCH, or another name of one (`x86_64`): the one arch-name parser.
    let a = arch.parse::<Arch>().ok();
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
