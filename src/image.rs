//! Container images on disk: OCI image layouts (`index.json`, `blobs/<alg>/<hex>`), as a
//! directory or a tar archive, and `docker save` archives (`manifest.json`). The layout
//! primitives (where its files live, digests, platform objects) serve `elf`'s layout check;
//! [`read_images`] reads which platforms each image holds, the ground truth
//! base-image-platform prefers to its checked-in table.

use crate::arch::Arch;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// An index, manifest or config blob larger than this is not read (registries refuse
/// manifests over 4 MiB).
pub const MAX_JSON_BLOB: u64 = 16 << 20;
/// Layout members of a tar archive are kept in memory up to `MAX_JSON_BLOB` each and this
/// much in all; larger ones are streamed again from the archive when a manifest names them.
pub const MAX_KEPT_BYTES: u64 = 256 << 20;
/// Nested indexes deeper than this are not followed (real images use one or two levels).
pub const MAX_INDEX_DEPTH: usize = 4;

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
    pub fn add(&mut self, name: String, size: u64, r: &mut dyn Read) -> Result<(), String> {
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

pub fn other(msg: String) -> io::Error {
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
    pub fn with_reader<T>(
        &self,
        rel: &str,
        f: &mut dyn FnMut(&mut dyn Read) -> T,
    ) -> io::Result<T> {
        match self {
            Store::Dir(root) => {
                let mut r = BufReader::new(open_regular(root, rel)?);
                Ok(f(&mut r))
            }
            Store::Archive(_, m) if m.kept.contains_key(rel) => Ok(f(&mut m.kept[rel].as_slice())),
            Store::Archive(path, m) if m.streamed.contains(rel) => {
                let mut file = BufReader::new(std::fs::File::open(path)?);
                let stream = tar_stream(&mut file).map_err(other)?;
                let mut ar = tar::Archive::new(stream);
                for entry in ar.entries()? {
                    let mut entry = entry?;
                    if entry.header().entry_type().is_file() && member_name(&entry) == rel {
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
    pub fn read(&self, rel: &str, max: u64) -> io::Result<Vec<u8>> {
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

/// `sha256:abc…` → (`sha256`, `abc…`), refusing anything that could escape `blobs/`.
pub fn split_digest(d: &str) -> Option<(&str, &str)> {
    let (alg, hex) = d.split_once(':')?;
    let ok = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    };
    (ok(alg) && ok(hex)).then_some((alg, hex))
}

pub fn blob_rel(d: &str) -> Option<String> {
    split_digest(d).map(|(a, h)| format!("blobs/{a}/{h}"))
}

/// The tar stream of `r`, gunzipped when it starts with gzip's magic.
pub fn tar_stream<'a>(r: &'a mut dyn BufRead) -> Result<Box<dyn Read + 'a>, String> {
    let (gzip, zstd) = {
        let head = r.fill_buf().map_err(|e| e.to_string())?;
        (
            head.starts_with(&[0x1f, 0x8b]),
            head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]),
        )
    };
    if gzip {
        Ok(Box::new(flate2::bufread::MultiGzDecoder::new(r)))
    } else if zstd {
        Err("zstd-compressed layers are not supported".into())
    } else {
        Ok(Box::new(r))
    }
}

/// A member's name as the layout knows it (`./blobs/x` → `blobs/x`).
pub fn member_name<R: Read>(entry: &tar::Entry<'_, R>) -> String {
    let name = entry
        .path()
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .unwrap_or_else(|_| "?".into());
    name.trim_start_matches("./").to_string()
}

/// Whether a descriptor or document is an image index (manifest list), by its media type
/// or, without one, by its `manifests` array.
pub fn is_index(v: &Value, media: Option<&str>) -> bool {
    media.is_some_and(|m| m.contains("image.index") || m.contains("manifest.list"))
        || (media.is_none() && v.get("manifests").is_some())
}

/// An OCI `platform` object or image config's `os`, `architecture` and `variant`, as
/// written.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RawPlatform {
    pub os: String,
    pub architecture: String,
    pub variant: Option<String>,
}

impl RawPlatform {
    /// The platform of a JSON object with `os` and `architecture` (an index entry's
    /// `platform`, an image config).
    pub fn of(v: &Value) -> Option<RawPlatform> {
        let os = v.get("os").and_then(Value::as_str)?;
        let architecture = v.get("architecture").and_then(Value::as_str)?;
        let variant = v
            .get("variant")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        Some(RawPlatform {
            os: os.to_string(),
            architecture: architecture.to_string(),
            variant,
        })
    }

    /// The GOARCH of a Linux platform (any name the arch parser knows: `x86_64`).
    pub fn linux_arch(&self) -> Option<Arch> {
        (self.os == "linux")
            .then(|| self.architecture.parse::<Arch>().ok())
            .flatten()
    }

    /// buildx's attestation manifests say `unknown/unknown` and are no platform.
    pub fn is_unknown(&self) -> bool {
        self.os == "unknown" && self.architecture == "unknown"
    }
}

impl std::fmt::Display for RawPlatform {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.os, self.architecture)?;
        if let Some(v) = &self.variant {
            write!(f, "/{v}")?;
        }
        Ok(())
    }
}

/// One image found on disk: the references it is known by and the platforms it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocalImage {
    /// References as written in the layout or archive (`docker.io/library/alpine:3.18`,
    /// `alpine:3.18`), or a bare tag (`3.18`: skopeo's `oci:DIR:TAG`) when no name is
    /// recorded. Empty when the image carries no name at all.
    pub refs: Vec<String>,
    pub platforms: BTreeSet<RawPlatform>,
    /// Where the facts were read, for findings: `OCI image layout images/alpine` (several
    /// when a store holds one image in several archives, one per platform as docker
    /// saves them).
    pub sources: Vec<String>,
}

/// Whether `path` is an OCI image layout directory.
pub fn is_layout_dir(p: &Path) -> bool {
    p.is_dir()
        && p.join("index.json").is_file()
        && (p.join("oci-layout").is_file() || p.join("blobs").is_dir())
}

/// The images of a layout directory, or of a tar archive holding a layout or a
/// `docker save` (`manifest.json` with each image's config). `shown` names the input in
/// [`LocalImage::sources`] and errors.
pub fn read_images(path: &Path, shown: &str) -> Result<Vec<LocalImage>, String> {
    if path.is_dir() {
        if !is_layout_dir(path) {
            return Err("not an OCI image layout (no index.json and oci-layout or blobs/)".into());
        }
        let store = Store::Dir(path.to_path_buf());
        return layout_images(&store, &format!("OCI image layout {shown}"));
    }
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let mut members = Members::default();
    let mut reader = BufReader::new(file);
    let stream = tar_stream(&mut reader)?;
    let mut ar = tar::Archive::new(stream);
    for entry in ar.entries().map_err(|e| format!("bad tar archive: {e}"))? {
        let mut entry = entry.map_err(|e| format!("bad tar archive: {e}"))?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let name = member_name(&entry);
        let size = entry.header().size().unwrap_or(0);
        // Layers are never read here: only JSON documents (a legacy `docker save` keeps
        // configs as `<id>.json` at the top, layers as `<id>/layer.tar`).
        let wanted = name == "index.json"
            || name == "manifest.json"
            || (name.ends_with(".json") && !name.contains('/'))
            || (name.starts_with("blobs/") && size <= MAX_JSON_BLOB);
        if wanted {
            members.add(name, size, &mut entry)?;
        }
    }
    let store = Store::Archive(path.to_path_buf(), members);
    if let Store::Archive(_, m) = &store {
        if m.has("manifest.json") {
            return docker_save_images(&store, &format!("docker save archive {shown}"));
        }
        if m.has("index.json") {
            return layout_images(&store, &format!("OCI image archive {shown}"));
        }
    }
    Err("neither an OCI image layout (index.json) nor a docker save archive (manifest.json)".into())
}

fn read_json(store: &Store, rel: &str) -> Result<Value, String> {
    let bytes = store
        .read(rel, MAX_JSON_BLOB)
        .map_err(|e| format!("{rel}: {e}"))?;
    serde_json::from_slice(&bytes).map_err(|e| format!("{rel}: invalid JSON: {e}"))
}

fn read_blob(store: &Store, digest: &str) -> Result<Value, String> {
    let rel = blob_rel(digest).ok_or_else(|| format!("invalid digest `{digest}`"))?;
    read_json(store, &rel)
}

/// The names an index entry records: `io.containerd.image.name` (a whole reference) and
/// `org.opencontainers.image.ref.name` (a reference or a bare tag).
fn ref_names(entry: &Value) -> Vec<String> {
    let Some(a) = entry.get("annotations") else {
        return Vec::new();
    };
    [
        "io.containerd.image.name",
        "org.opencontainers.image.ref.name",
    ]
    .iter()
    .filter_map(|k| a.get(*k).and_then(Value::as_str))
    .filter(|s| !s.is_empty())
    .map(str::to_string)
    .collect()
}

/// Each top-level entry of `index.json` is an image (one platform, or an index of
/// several); entries with the same names are one image.
fn layout_images(store: &Store, source: &str) -> Result<Vec<LocalImage>, String> {
    let index = read_json(store, "index.json")?;
    let list = index
        .get("manifests")
        .and_then(Value::as_array)
        .ok_or("index.json has no `manifests` array")?;
    let mut images: Vec<LocalImage> = Vec::new();
    for entry in list {
        let refs = ref_names(entry);
        let mut platforms = BTreeSet::new();
        let mut seen = HashSet::new();
        entry_platforms(store, entry, None, 0, &mut seen, &mut platforms)?;
        match images.iter_mut().find(|i| i.refs == refs) {
            Some(i) => i.platforms.extend(platforms),
            None => images.push(LocalImage {
                refs,
                platforms,
                sources: vec![source.to_string()],
            }),
        }
    }
    Ok(images)
}

/// The platforms an index entry stands for: its own `platform`, those of the index it
/// points to, or its image config's.
fn entry_platforms(
    store: &Store,
    entry: &Value,
    inherited: Option<&RawPlatform>,
    depth: usize,
    seen: &mut HashSet<String>,
    out: &mut BTreeSet<RawPlatform>,
) -> Result<(), String> {
    let digest = entry
        .get("digest")
        .and_then(Value::as_str)
        .ok_or("manifest entry without a digest")?;
    if !seen.insert(digest.to_string()) {
        return Ok(());
    }
    let own = entry.get("platform").and_then(RawPlatform::of);
    let platform = own.as_ref().or(inherited);
    let media = entry.get("mediaType").and_then(Value::as_str);
    // Without a media type only the content tells an index from a manifest; a manifest
    // with a platform need not be read.
    let doc = if is_index(&Value::Null, media) || platform.is_none() {
        Some(read_blob(store, digest)?)
    } else {
        None
    };
    match doc {
        Some(d) if is_index(&d, d.get("mediaType").and_then(Value::as_str).or(media)) => {
            if depth >= MAX_INDEX_DEPTH {
                return Err(format!(
                    "image indexes nested deeper than {MAX_INDEX_DEPTH} levels"
                ));
            }
            for child in d
                .get("manifests")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                entry_platforms(store, child, platform, depth + 1, seen, out)?;
            }
        }
        Some(manifest) if platform.is_none() => {
            let config = manifest
                .get("config")
                .and_then(|c| c.get("digest"))
                .and_then(Value::as_str)
                .ok_or_else(|| format!("manifest {digest} names no config"))?;
            let p = RawPlatform::of(&read_blob(store, config)?)
                .ok_or_else(|| format!("config {config} names no os and architecture"))?;
            out.insert(p);
        }
        _ => {
            if let Some(p) = platform.filter(|p| !p.is_unknown()) {
                out.insert(p.clone());
            }
        }
    }
    Ok(())
}

/// `docker save`: `manifest.json` lists each image's `RepoTags` and `Config` (the image
/// config, with `architecture` and `variant`).
fn docker_save_images(store: &Store, source: &str) -> Result<Vec<LocalImage>, String> {
    let manifest = read_json(store, "manifest.json")?;
    let list = manifest.as_array().ok_or("manifest.json is not an array")?;
    let mut images = Vec::new();
    for entry in list {
        let config = entry
            .get("Config")
            .and_then(Value::as_str)
            .ok_or("manifest.json entry without `Config`")?;
        let p = RawPlatform::of(&read_json(store, config.trim_start_matches("./"))?)
            .ok_or_else(|| format!("{config} names no os and architecture"))?;
        let refs = entry
            .get("RepoTags")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect();
        images.push(LocalImage {
            refs,
            platforms: BTreeSet::from([p]),
            sources: vec![source.to_string()],
        });
    }
    Ok(images)
}

/// The images of a store, and the entries that could not be read with the reason.
pub type StoreImages = (Vec<LocalImage>, Vec<(PathBuf, String)>);

/// Every image of an image store: a directory whose entries are OCI layouts and image
/// archives (`*.tar`, `*.tar.gz`, `*.tgz`), not recursed into. A bare tag recorded in a
/// layout (skopeo's `oci:store/alpine:3.18`) takes the entry's name (`alpine`) as the
/// image name. Entries that cannot be read are returned with the reason.
pub fn read_store(dir: &Path) -> Result<StoreImages, String> {
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok().map(|e| e.file_name()))
        .collect();
    names.sort();
    let mut images = Vec::new();
    let mut failed = Vec::new();
    for name in names {
        let path = dir.join(&name);
        let name = name.to_string_lossy().to_string();
        let lower = name.to_ascii_lowercase();
        let archive = [".tar", ".tar.gz", ".tgz"]
            .iter()
            .find(|x| lower.ends_with(*x))
            .map(|x| &name[..name.len() - x.len()]);
        let stem = match archive {
            Some(stem) if path.is_file() => stem.to_string(),
            None if path.is_dir() && is_layout_dir(&path) => name.clone(),
            _ => continue,
        };
        let shown = path.to_string_lossy().replace('\\', "/");
        match read_images(&path, &shown) {
            Ok(found) => {
                for mut i in found {
                    for r in &mut i.refs {
                        if !r.contains(':') && !r.contains('/') && !r.contains('@') {
                            *r = format!("{stem}:{r}");
                        }
                    }
                    merge(&mut images, i);
                }
            }
            Err(e) => failed.push((path, e)),
        }
    }
    Ok((images, failed))
}

/// Add `image`, or its platforms and source to the image with the same references.
fn merge(images: &mut Vec<LocalImage>, image: LocalImage) {
    match images.iter_mut().find(|i| i.refs == image.refs) {
        Some(i) => {
            i.platforms.extend(image.platforms);
            i.sources.extend(image.sources);
        }
        None => images.push(image),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_stay_inside_blobs() {
        assert_eq!(
            blob_rel("sha256:ab12").as_deref(),
            Some("blobs/sha256/ab12")
        );
        assert_eq!(blob_rel("sha256:../x"), None);
        assert_eq!(blob_rel("sha256:"), None);
    }

    #[test]
    fn platforms_read_as_written() {
        let v: Value =
            serde_json::from_str(r#"{"os":"linux","architecture":"x86_64","variant":""}"#).unwrap();
        let p = RawPlatform::of(&v).unwrap();
        assert_eq!(p.to_string(), "linux/x86_64");
        assert_eq!(p.linux_arch(), Some(Arch::Amd64));
    }
}
