//! Go build info (`.go.buildinfo`), read the way Go's `debug/buildinfo` does, without Go.
//!
//! Layout: 14-byte magic `\xff Go buildinf:`, pointer size, flags (bit 0 big endian,
//! bit 1 inline strings), padding to 32 bytes. Go ≥ 1.18 follows with two uvarint-length
//! strings (version, module info); older releases store two pointers at offset 16 to Go
//! string headers `{data, len}` that must be followed through the program's segments.

use serde::Serialize;
use std::fmt;

pub const MAGIC: &[u8; 14] = b"\xff Go buildinf:";
const HEADER_LEN: usize = 32;
const FLAG_BIG_ENDIAN: u8 = 0x1;
const FLAG_INLINE: u8 = 0x2;
/// Module info is wrapped in 16-byte sentinels (cmd/go `modload.ModInfoData`).
const SENTINEL_LEN: usize = 16;
/// Refuse absurd string lengths before following pointers.
const MAX_STRING: u64 = 16 << 20;

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BuildInfo {
    pub go_version: String,
    /// `inline` (Go ≥ 1.18) or `pointer` (older)
    pub format: &'static str,
    /// Pointer size and byte order the header declares.
    pub ptr_size: u8,
    pub big_endian: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub main: Option<Module>,
    pub deps: Vec<Module>,
    /// `build` lines in file order: `-compiler`, `CGO_ENABLED`, `GOARCH`, `GOOS`, `GOMIPS64`…
    pub settings: Vec<Setting>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Module {
    pub path: String,
    pub version: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub sum: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replace: Option<Box<Module>>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Setting {
    pub key: String,
    pub value: String,
}

impl BuildInfo {
    pub fn setting(&self, key: &str) -> Option<&str> {
        self.settings
            .iter()
            .find(|s| s.key == key)
            .map(|s| s.value.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildInfoError(pub String);

impl fmt::Display for BuildInfoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn err(s: impl Into<String>) -> BuildInfoError {
    BuildInfoError(s.into())
}

/// How far into a writable segment the magic is looked for: Go's linker puts
/// `.go.buildinfo` first in the data segment, and a bound keeps a huge (or sparse) segment
/// from being read whole.
pub const MAX_MAGIC_SCAN: usize = 16 << 20;

/// The blob from the first 16-aligned magic in `seg` (within `MAX_MAGIC_SCAN` bytes), as
/// Go searches stripped binaries.
pub fn find_magic(seg: &[u8]) -> Option<&[u8]> {
    let head = &seg[..seg.len().min(MAX_MAGIC_SCAN + MAGIC.len())];
    memchr::memmem::find_iter(head, MAGIC)
        .find(|i| i % 16 == 0)
        .map(|i| &seg[i..])
}

/// Parse a blob that starts at the magic. `read(vaddr, len)` returns the file bytes mapped
/// at a virtual address; it serves the pre-1.18 pointer format only.
pub fn parse<'a>(
    blob: &[u8],
    read: &dyn Fn(u64, u64) -> Option<&'a [u8]>,
) -> Result<BuildInfo, BuildInfoError> {
    if !blob.starts_with(MAGIC) {
        return Err(err(
            "`.go.buildinfo` does not start with the Go build info magic",
        ));
    }
    if blob.len() < HEADER_LEN {
        return Err(err("truncated Go build info header"));
    }
    let ptr_size = blob[14];
    let flags = blob[15];
    let big_endian = flags & FLAG_BIG_ENDIAN != 0;
    let (version, modinfo, format) = if flags & FLAG_INLINE != 0 {
        let (v, rest) =
            varint_string(&blob[HEADER_LEN..]).ok_or_else(|| err("bad go version string"))?;
        let (m, _) = varint_string(rest).ok_or_else(|| err("bad module info string"))?;
        (v.to_vec(), m.to_vec(), "inline")
    } else {
        if ptr_size != 4 && ptr_size != 8 {
            return Err(err(format!(
                "invalid pointer size {ptr_size} in Go build info"
            )));
        }
        let ps = ptr_size as usize;
        let ptr = |b: &[u8]| -> Option<u64> { read_uint(b, ps, big_endian) };
        let string_at = |hdr_addr: u64| -> Option<Vec<u8>> {
            let hdr = read(hdr_addr, 2 * ps as u64)?;
            let data = ptr(&hdr[..ps])?;
            let len = ptr(&hdr[ps..])?;
            if len > MAX_STRING {
                return None;
            }
            Some(read(data, len)?.to_vec())
        };
        let vaddr = blob.get(16..16 + ps).and_then(ptr);
        let maddr = blob.get(16 + ps..16 + 2 * ps).and_then(ptr);
        let v = vaddr
            .and_then(string_at)
            .ok_or_else(|| err("go version pointer leads outside the file"))?;
        let m = maddr
            .and_then(string_at)
            .ok_or_else(|| err("module info pointer leads outside the file"))?;
        (v, m, "pointer")
    };
    let go_version = String::from_utf8(version).map_err(|_| err("go version is not UTF-8"))?;
    if go_version.is_empty() {
        return Err(err("empty go version in Go build info"));
    }
    let mut bi = BuildInfo {
        go_version,
        format,
        ptr_size,
        big_endian,
        path: None,
        main: None,
        deps: Vec::new(),
        settings: Vec::new(),
    };
    // same sentinel test as debug/buildinfo; anything else means no module info
    let n = modinfo.len();
    if n > 2 * SENTINEL_LEN && modinfo[n - SENTINEL_LEN - 1] == b'\n' {
        let text = String::from_utf8_lossy(&modinfo[SENTINEL_LEN..n - SENTINEL_LEN]);
        parse_modinfo(&text, &mut bi);
    }
    Ok(bi)
}

/// `runtime/debug.ParseBuildInfo`, lenient: unknown or malformed lines are skipped.
fn parse_modinfo(text: &str, bi: &mut BuildInfo) {
    for line in text.lines() {
        let mut f = line.split('\t');
        let kind = f.next().unwrap_or("");
        let rest: Vec<&str> = f.collect();
        let module = |r: &[&str]| Module {
            path: r.first().copied().unwrap_or("").to_string(),
            version: r.get(1).copied().unwrap_or("").to_string(),
            sum: r.get(2).copied().unwrap_or("").to_string(),
            replace: None,
        };
        match kind {
            "path" => bi.path = rest.first().map(|s| s.to_string()),
            "mod" => bi.main = Some(module(&rest)),
            "dep" => bi.deps.push(module(&rest)),
            "=>" => {
                let m = Box::new(module(&rest));
                if let Some(last) = bi.deps.last_mut() {
                    last.replace = Some(m);
                } else if let Some(main) = bi.main.as_mut() {
                    main.replace = Some(m);
                }
            }
            "build" => {
                let kv = rest.join("\t");
                if let Some((k, v)) = split_setting(&kv) {
                    bi.settings.push(Setting { key: k, value: v });
                }
            }
            _ => {}
        }
    }
}

/// `key=value`, where either side may be a Go quoted string.
fn split_setting(s: &str) -> Option<(String, String)> {
    let (key, rest) = if s.starts_with('"') {
        let (k, used) = unquote(s)?;
        (k, s.get(used..)?.strip_prefix('=')?)
    } else {
        let (k, v) = s.split_once('=')?;
        (k.to_string(), v)
    };
    let value = if rest.starts_with('"') {
        unquote(rest).map(|(v, _)| v)?
    } else {
        rest.to_string()
    };
    Some((key, value))
}

/// A Go double-quoted string at the start of `s`: (value, bytes used). Handles the
/// escapes `strconv.Quote` writes for printable text.
fn unquote(s: &str) -> Option<(String, usize)> {
    let mut out = String::new();
    let mut chars = s.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, i + 1)),
            '\\' => {
                let (_, e) = chars.next()?;
                out.push(match e {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    '\\' => '\\',
                    '"' => '"',
                    '\'' => '\'',
                    'x' => {
                        let h: String = (0..2)
                            .filter_map(|_| chars.next().map(|(_, c)| c))
                            .collect();
                        char::from(u8::from_str_radix(&h, 16).ok()?)
                    }
                    'u' | 'U' => {
                        let n = if e == 'u' { 4 } else { 8 };
                        let h: String = (0..n)
                            .filter_map(|_| chars.next().map(|(_, c)| c))
                            .collect();
                        char::from_u32(u32::from_str_radix(&h, 16).ok()?)?
                    }
                    other => other,
                });
            }
            c => out.push(c),
        }
    }
    None
}

fn varint_string(b: &[u8]) -> Option<(&[u8], &[u8])> {
    let (len, used) = uvarint(b)?;
    let len = usize::try_from(len).ok()?;
    let rest = &b[used..];
    if len > rest.len() {
        return None;
    }
    Some((&rest[..len], &rest[len..]))
}

/// Go `encoding/binary.Uvarint`.
fn uvarint(b: &[u8]) -> Option<(u64, usize)> {
    let mut x = 0u64;
    for (i, &byte) in b.iter().enumerate().take(10) {
        if i == 9 && byte > 1 {
            return None;
        }
        x |= u64::from(byte & 0x7f) << (7 * i);
        if byte < 0x80 {
            return Some((x, i + 1));
        }
    }
    None
}

fn read_uint(b: &[u8], size: usize, big: bool) -> Option<u64> {
    let b = b.get(..size)?;
    Some(match (size, big) {
        (4, false) => u32::from_le_bytes(b.try_into().ok()?) as u64,
        (4, true) => u32::from_be_bytes(b.try_into().ok()?) as u64,
        (8, false) => u64::from_le_bytes(b.try_into().ok()?),
        (8, true) => u64::from_be_bytes(b.try_into().ok()?),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentinel_wrap(s: &str) -> Vec<u8> {
        let mut v = vec![b'0'; SENTINEL_LEN];
        v.extend_from_slice(s.as_bytes());
        v.extend(std::iter::repeat_n(b'1', SENTINEL_LEN));
        v
    }

    const MODINFO: &str = "path\texample.com/x\nmod\texample.com/x\tv1.2.3\th1:abc=\ndep\tgolang.org/x/sys\tv0.1.0\th1:def=\n=>\t../sys\t(devel)\t\nbuild\t-ldflags=\"-s -w\"\nbuild\tGOARCH=mips64le\nbuild\tGOOS=linux\n";

    #[test]
    fn inline_format() {
        let mut blob = MAGIC.to_vec();
        blob.extend_from_slice(&[8, FLAG_INLINE]);
        blob.resize(HEADER_LEN, 0);
        blob.push(8);
        blob.extend_from_slice(b"go1.21.0");
        let m = sentinel_wrap(MODINFO);
        blob.extend_from_slice(&[(m.len() & 0x7f) as u8 | 0x80, (m.len() >> 7) as u8]);
        blob.extend_from_slice(&m);
        let bi = parse(&blob, &|_, _| None).unwrap();
        assert_eq!(bi.go_version, "go1.21.0");
        assert_eq!(bi.path.as_deref(), Some("example.com/x"));
        assert_eq!(bi.main.as_ref().unwrap().version, "v1.2.3");
        assert_eq!(bi.deps[0].replace.as_ref().unwrap().path, "../sys");
        assert_eq!(bi.setting("GOARCH"), Some("mips64le"));
        assert_eq!(bi.setting("-ldflags"), Some("-s -w"));
    }

    #[test]
    fn pointer_format() {
        // memory image at vaddr 0x1000: [ver hdr][mod hdr][ver bytes][mod bytes], big endian 4-byte pointers
        let m = sentinel_wrap(MODINFO);
        let mut mem = Vec::new();
        let ver = b"go1.16.15";
        let ver_at = 0x1000 + 16u32;
        let mod_at = ver_at + ver.len() as u32;
        for (a, l) in [(ver_at, ver.len()), (mod_at, m.len())] {
            mem.extend_from_slice(&a.to_be_bytes());
            mem.extend_from_slice(&(l as u32).to_be_bytes());
        }
        mem.extend_from_slice(ver);
        mem.extend_from_slice(&m);
        let mut blob = MAGIC.to_vec();
        blob.extend_from_slice(&[4, FLAG_BIG_ENDIAN]);
        blob.extend_from_slice(&0x1000u32.to_be_bytes());
        blob.extend_from_slice(&0x1008u32.to_be_bytes());
        blob.resize(HEADER_LEN, 0);
        let read = |a: u64, l: u64| -> Option<&[u8]> {
            let s = (a.checked_sub(0x1000)?) as usize;
            mem.get(s..s + l as usize)
        };
        let bi = parse(&blob, &read).unwrap();
        assert_eq!(bi.format, "pointer");
        assert_eq!(bi.go_version, "go1.16.15");
        assert_eq!(bi.setting("GOOS"), Some("linux"));
    }

    #[test]
    fn garbage_is_an_error() {
        let mut blob = MAGIC.to_vec();
        blob.extend_from_slice(&[8, FLAG_INLINE]);
        blob.resize(HEADER_LEN, 0);
        blob.extend_from_slice(&[0xff; 12]);
        assert!(parse(&blob, &|_, _| None).is_err());
        assert!(parse(&blob[..20], &|_, _| None).is_err());
        let mut ptr = MAGIC.to_vec();
        ptr.extend_from_slice(&[8, 0]);
        ptr.resize(HEADER_LEN, 0xff);
        assert!(parse(&ptr, &|_, _| None).is_err());
    }

    #[test]
    fn quoted_settings() {
        assert_eq!(
            split_setting("\"we\\\"ird\"=\"a\\tb\""),
            Some(("we\"ird".into(), "a\tb".into()))
        );
        assert_eq!(split_setting("GOARM=7"), Some(("GOARM".into(), "7".into())));
        assert_eq!(split_setting("noequals"), None);
    }
}
