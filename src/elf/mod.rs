//! ELF checks on build outputs: binaries, release directories, tar archives and OCI image
//! layouts, each ELF against the platform it is meant for (the library of `abiport elf`).
//!
//! Data flow: inputs → [`Collector`] (inspect + check per ELF) → [`Report`] → render.

pub mod buildinfo;
pub mod check;
pub mod consts;
pub mod inspect;
pub mod oci;
pub mod platform;
pub mod report;

use platform::Platform;
use report::{ElfFinding, FileEntry, FileError, Report, Skipped};
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

pub use inspect::{inspect, ElfInfo};

/// The library entry point: check every path against `expect` (sorted, deduplicated).
pub fn check_paths<P: AsRef<Path>>(paths: &[P], expect: &[Platform]) -> Report {
    let mut col = Collector {
        expect: expect.to_vec(),
        ..Collector::default()
    };
    let mut plain = Vec::new();
    for p in paths {
        let p = p.as_ref();
        let display = display_path(p);
        if is_layout_dir(p) {
            oci::check_layout(
                &oci::Store::Dir(p.to_path_buf()),
                &display,
                &mut col,
                expect,
            );
            continue;
        }
        walk(p, &display, &mut col, 0);
        plain.push(display);
    }
    // several platforms: each present once among the binaries of all plain inputs
    // (`dist/` or `a_linux_amd64 a_linux_arm64` alike); image layouts check their own
    if expect.len() > 1 && !col.labelled.is_empty() {
        let group = plain.join(", ");
        let f = check::check_presence(&group, expect, &col.labelled, ("binary", "binaries"));
        col.findings.extend(f);
    }
    let mut r = col.report;
    // An expectation no ELF file was checked against verified nothing: a failure, so a
    // gate on an empty or wrong directory cannot pass (README "Exit codes").
    if !expect.is_empty() && r.files.is_empty() {
        let inputs: Vec<String> = paths.iter().map(|p| display_path(p.as_ref())).collect();
        col.findings.push(ElfFinding {
            check: "nothing-checked",
            path: inputs.join(", "),
            message: format!(
                "no ELF file was found to check against --expect {}",
                expect
                    .iter()
                    .map(|p| p.to_string())
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        });
    }
    r.expect = expect.to_vec();
    r.findings.extend(col.findings);
    r.finish();
    r
}

/// Gathers results while inputs are read; owns the per-ELF inspect + check step.
#[derive(Default)]
pub struct Collector {
    expect: Vec<Platform>,
    report: Report,
    pub(crate) findings: Vec<ElfFinding>,
    /// (path, label) of binaries outside image layouts, for the presence check.
    labelled: Vec<(String, Option<Platform>)>,
}

impl Collector {
    pub(crate) fn error(&mut self, path: String, error: String) {
        self.report.errors.push(FileError { path, error });
    }

    fn skip(&mut self, path: String, reason: &str) {
        self.report.skipped.push(Skipped {
            path,
            reason: reason.to_string(),
        });
    }

    /// The expectation for a file outside image layouts: a single `--expect` platform,
    /// else the platform its path names.
    fn expectation(&self, path: &str) -> Option<(Platform, &'static str)> {
        if let [one] = self.expect.as_slice() {
            return Some((one.clone(), "expect"));
        }
        platform::label_from_path(path).map(|p| (p, "path"))
    }

    /// Inspect and check one ELF image.
    fn elf(&mut self, path: String, bytes: &[u8], expected: Option<(Platform, &'static str)>) {
        // goblin is not ours: a panic inside it becomes this file's error, not the run's end
        let res = std::panic::catch_unwind(|| inspect::inspect(bytes));
        let info = match res {
            Ok(Ok(i)) => i,
            Ok(Err(e)) => return self.error(path, e.to_string()),
            Err(_) => return self.error(path, "internal error while reading the ELF file".into()),
        };
        let (exp, from) = match expected {
            Some((p, f)) => (Some(p), Some(f)),
            None => (None, None),
        };
        self.findings
            .extend(check::check_elf(&path, &info, exp.as_ref()));
        self.report.files.push(FileEntry {
            path,
            expected: exp,
            expected_from: from,
            elf: info,
        });
    }
}

fn display_path(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

use crate::image::{is_layout_dir, member_name, tar_stream};

fn is_archive(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.ends_with(".tar") || n.ends_with(".tar.gz") || n.ends_with(".tgz")
}

/// Directories nested deeper than this are not entered (symlink loops are not followed
/// anyway; this bounds pathological trees).
const MAX_DEPTH: usize = 64;

fn walk(p: &Path, display: &str, col: &mut Collector, depth: usize) {
    let meta = match std::fs::symlink_metadata(p) {
        Ok(m) => m,
        Err(e) => return col.error(display.to_string(), e.to_string()),
    };
    if meta.file_type().is_symlink() {
        // a named symlink is followed; symlinks met while walking are not (loops)
        if depth > 0 {
            return col.skip(display.to_string(), "symbolic link");
        }
    }
    if p.is_dir() {
        if depth > 0 && is_layout_dir(p) {
            let expect = col.expect.clone();
            return oci::check_layout(&oci::Store::Dir(p.to_path_buf()), display, col, &expect);
        }
        if depth >= MAX_DEPTH {
            return col.skip(display.to_string(), "directory nested too deep");
        }
        let mut entries: Vec<_> = match std::fs::read_dir(p) {
            Ok(rd) => rd.filter_map(|e| e.ok()).map(|e| e.file_name()).collect(),
            Err(e) => return col.error(display.to_string(), e.to_string()),
        };
        entries.sort();
        for name in entries {
            let child = p.join(&name);
            let d = format!(
                "{}/{}",
                display.trim_end_matches('/'),
                name.to_string_lossy()
            );
            walk(&child, &d, col, depth + 1);
        }
        return;
    }
    if !p.is_file() {
        return col.skip(display.to_string(), "not a regular file");
    }
    if is_archive(display) {
        return scan_archive(p, display, col);
    }
    let mut head = [0u8; 4];
    let n = match std::fs::File::open(p).and_then(|mut f| read_full(&mut f, &mut head)) {
        Ok(n) => n,
        Err(e) => return col.error(display.to_string(), e.to_string()),
    };
    if n < 4 || !inspect::is_elf(&head) {
        return col.skip(display.to_string(), "not an ELF file");
    }
    match std::fs::File::open(p).and_then(|f| FileBytes::of(&f)) {
        Ok(bytes) => {
            let exp = col.expectation(display);
            col.labelled
                .push((display.to_string(), platform::label_from_path(display)));
            col.elf(display.to_string(), &bytes, exp);
        }
        Err(e) => col.error(display.to_string(), e.to_string()),
    }
}

/// A large ELF member of an archive goes to an unlinked temp file (sparse: runs of zeros
/// are skipped, not written), mapped like a large file, instead of into memory.
fn spool(head: &[u8], r: &mut dyn Read) -> io::Result<FileBytes> {
    use std::io::{Seek, SeekFrom, Write};
    let dir = std::env::temp_dir();
    let mut n = 0u32;
    let mut f = loop {
        let p = dir.join(format!(".abiport-elf-{}-{n}", std::process::id()));
        let mut o = std::fs::OpenOptions::new();
        o.read(true).write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            o.mode(0o600).custom_flags(libc::O_NOFOLLOW);
        }
        match o.open(&p) {
            Ok(f) => {
                // gone from the directory at once; the open file keeps the data
                let _ = std::fs::remove_file(&p);
                break f;
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && n < 100 => n += 1,
            Err(e) => return Err(e),
        }
    };
    f.write_all(head)?;
    let mut len = head.len() as u64;
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let k = r.read(&mut buf)?;
        if k == 0 {
            break;
        }
        if buf[..k].iter().all(|&b| b == 0) {
            f.seek(SeekFrom::Current(k as i64))?;
        } else {
            f.write_all(&buf[..k])?;
        }
        len += k as u64;
    }
    f.set_len(len)?;
    f.seek(SeekFrom::Start(0))?;
    FileBytes::of(&f)
}

/// ELF files up to this size are read; larger ones are mapped.
const MAP_ABOVE: u64 = 64 << 20;

/// An ELF file's bytes. A large one is mapped read-only where the OS allows: the readers
/// touch headers, tables and a few sections, so only those pages are ever loaded (a 2 GB
/// sparse file costs a few pages, not 2 GB). Small files, other systems, or a failed
/// mapping: the file is read (a file truncated while mapped would fault, so the common
/// small case keeps plain reads).
enum FileBytes {
    #[cfg(unix)]
    Mapped(*mut libc::c_void, usize),
    Read(Vec<u8>),
}

impl FileBytes {
    fn of(f: &std::fs::File) -> io::Result<FileBytes> {
        let len = f.metadata()?.len();
        #[cfg(unix)]
        if len > MAP_ABOVE && usize::try_from(len).is_ok() {
            use std::os::unix::io::AsRawFd;
            // SAFETY: a fresh private read-only mapping of an open file; the slice handed
            // out lives no longer than `self`, which unmaps it. A file truncated by someone
            // else while it is read would fault (SIGBUS), as with any mmap reader.
            let ptr = unsafe {
                libc::mmap(
                    std::ptr::null_mut(),
                    len as usize,
                    libc::PROT_READ,
                    libc::MAP_PRIVATE,
                    f.as_raw_fd(),
                    0,
                )
            };
            if ptr != libc::MAP_FAILED {
                return Ok(FileBytes::Mapped(ptr, len as usize));
            }
        }
        let mut v = Vec::new();
        (&mut &*f).take(len).read_to_end(&mut v)?;
        Ok(FileBytes::Read(v))
    }
}

impl std::ops::Deref for FileBytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            // SAFETY: the mapping is `len` readable bytes until drop
            #[cfg(unix)]
            FileBytes::Mapped(p, len) => unsafe {
                std::slice::from_raw_parts(*p as *const u8, *len)
            },
            FileBytes::Read(v) => v,
        }
    }
}

impl Drop for FileBytes {
    fn drop(&mut self) {
        #[cfg(unix)]
        if let FileBytes::Mapped(p, len) = *self {
            // SAFETY: mapped in `of`, unmapped once
            unsafe { libc::munmap(p, len) };
        }
    }
}

fn read_full(r: &mut dyn Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// A tar archive in a release directory: ELF members are checked against the platform
/// the archive (or member) path names; an OCI layout inside (`docker save`) is checked
/// as a layout.
fn scan_archive(p: &Path, display: &str, col: &mut Collector) {
    let f = match std::fs::File::open(p) {
        Ok(f) => f,
        Err(e) => return col.error(display.to_string(), e.to_string()),
    };
    let mut layout = oci::Members::default();
    let single = match col.expect.as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    };
    let expect_fn = move |member_path: &str| -> Option<(Platform, &'static str)> {
        match &single {
            Some(one) => Some((one.clone(), "expect")),
            None => platform::label_from_path(member_path).map(|p| (p, "path")),
        }
    };
    let start = col.report.files.len();
    let res = scan_tar_inner(
        &mut BufReader::new(f),
        display,
        col,
        &expect_fn,
        Some(&mut layout),
    );
    if let Err(e) = res {
        col.error(display.to_string(), e);
    }
    if layout.has("index.json") {
        let expect = col.expect.clone();
        let store = oci::Store::Archive(p.to_path_buf(), layout);
        oci::check_layout(&store, display, col, &expect);
    } else {
        let new: Vec<_> = col.report.files[start..]
            .iter()
            .map(|f| (f.path.clone(), platform::label_from_path(&f.path)))
            .collect();
        col.labelled.extend(new);
    }
}

/// Read a tar stream (gzip detected by magic) and check every ELF member.
pub(crate) fn scan_tar(
    r: &mut dyn Read,
    prefix: &str,
    col: &mut Collector,
    expected: &dyn Fn(&str) -> Option<(Platform, &'static str)>,
) -> std::result::Result<(), String> {
    scan_tar_inner(&mut BufReader::new(r), prefix, col, expected, None)
}

/// ELF members larger than this are not read into memory (an error names them).
pub const MAX_MEMBER: u64 = 1 << 30;

fn scan_tar_inner(
    r: &mut dyn BufRead,
    prefix: &str,
    col: &mut Collector,
    expected: &dyn Fn(&str) -> Option<(Platform, &'static str)>,
    mut layout: Option<&mut oci::Members>,
) -> std::result::Result<(), String> {
    let stream = tar_stream(r)?;
    let mut ar = tar::Archive::new(stream);
    let entries = ar.entries().map_err(|e| format!("bad tar archive: {e}"))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| format!("bad tar archive: {e}"))?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let name = member_name(&entry);
        let size = entry.header().size().unwrap_or(0);
        let path = format!("{prefix}!/{name}");
        if let Some(l) = layout.as_deref_mut() {
            if name == "index.json" || name == "oci-layout" || name.starts_with("blobs/") {
                l.add(name, size, &mut entry)?;
                continue;
            }
        }
        let mut magic = [0u8; 4];
        let n = read_full(&mut entry, &mut magic).map_err(|e| format!("{name}: {e}"))?;
        if n < 4 || !inspect::is_elf(&magic) {
            col.report.summary.non_elf_members += 1;
            continue;
        }
        if size > MAX_MEMBER {
            col.error(path, format!("member of {size} bytes is too large to read"));
            continue;
        }
        // the header's size bounds the read, whatever the stream holds
        let mut rest = (&mut entry).take(MAX_MEMBER);
        let bytes = if size > MAP_ABOVE {
            spool(&magic, &mut rest)
        } else {
            let mut v = magic.to_vec();
            rest.read_to_end(&mut v).map(|_| FileBytes::Read(v))
        }
        .map_err(|e| format!("{name}: {e}"))?;
        let exp = expected(&path);
        col.elf(path, &bytes, exp);
    }
    Ok(())
}
