//! Writing fixed files: only inside the scanned tree, never through a symlink that leads
//! out of it; only when the file still holds the bytes the fixes were computed from;
//! atomically (a temporary file in the same directory, then a rename), or in place for a
//! file with other hard links (a backup beside it until the write is complete); with the
//! original mode, owner and group. Temporary files a killed run left are removed.

use crate::walk::{digest, Digest};
use std::io::Write;
use std::path::{Component, Path, PathBuf};

/// Where `rel` really lives, if that is inside `root`: every symlink on the way resolved,
/// and the result checked against the canonical root.
pub fn confined_path(root: &Path, rel: &str) -> Result<PathBuf, String> {
    let rel_path = &crate::walk::rel_to_path(Path::new(""), rel);
    if rel_path
        .components()
        .any(|c| !matches!(c, Component::Normal(_)))
    {
        return Err(format!("{rel}: not a plain path inside the tree"));
    }
    let root = root
        .canonicalize()
        .map_err(|e| format!("{}: {e}", root.display()))?;
    let real = root
        .join(rel_path)
        .canonicalize()
        .map_err(|e| format!("{rel}: {e}"))?;
    if !real.starts_with(&root) {
        return Err(format!(
            "{rel}: leads out of the scanned tree (to {}); not written",
            real.display()
        ));
    }
    Ok(real)
}

/// Where `rel` really lives when that is outside `root`: a file reached through a symlink
/// leading out of the tree, which no fix edits. None when inside or when it cannot be
/// resolved (reading or writing it then fails on its own).
pub fn outside_tree(root: &Path, rel: &str) -> Option<PathBuf> {
    let root = root.canonicalize().ok()?;
    let real = crate::walk::rel_to_path(&root, rel).canonicalize().ok()?;
    (!real.starts_with(&root)).then_some(real)
}

/// Replace the file at `rel` under `root` with `bytes`, if it still holds the bytes whose
/// digest is `expected` (the bytes the fixes were computed from); refused otherwise.
///
/// The file keeps its mode, owner and group (refused when the owner cannot be kept); a
/// read-only file is refused. Any file with one link is replaced atomically (a temporary
/// file in the same directory, then a rename). A file with other hard links is rewritten
/// in place so the links stay one file ([`write_in_place`]). Temporary files an earlier,
/// killed run left in the directory are removed first ([`remove_stale_temps`]).
pub fn write_checked(
    root: &Path,
    rel: &str,
    expected: &Digest,
    bytes: &[u8],
) -> Result<(), String> {
    use std::os::unix::fs::MetadataExt;
    let real = confined_path(root, rel)?;
    let meta = std::fs::symlink_metadata(&real).map_err(|e| format!("{rel}: {e}"))?;
    if !meta.is_file() {
        return Err(format!("{rel}: not a regular file"));
    }
    if meta.permissions().readonly() {
        return Err(format!(
            "{rel}: read-only (mode {:o}); not written",
            meta.mode() & 0o7777
        ));
    }
    let dir = real
        .parent()
        .ok_or_else(|| format!("{rel}: no parent directory"))?;
    let name = real
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    remove_stale_temps(dir);
    if let Some(backup) = backup_beside(dir, &name) {
        return Err(format!(
            "{rel}: an interrupted `abiport fix --apply` left its backup {} beside it; \
             not written (compare the two, keep the right one, remove the backup)",
            backup.display()
        ));
    }
    if meta.nlink() > 1 {
        return write_in_place(&real, dir, &name, rel, expected, bytes);
    }
    let (tmp, mut file) = create_temp(dir, &name)
        .map_err(|e| format!("{rel}: cannot create a temporary file: {e}"))?;
    let result = (|| {
        file.write_all(bytes)?;
        if file.metadata()?.uid() != meta.uid() || file.metadata()?.gid() != meta.gid() {
            std::os::unix::fs::fchown(&file, Some(meta.uid()), Some(meta.gid())).map_err(|e| {
                std::io::Error::new(
                    e.kind(),
                    format!(
                        "cannot keep its owner and group ({}:{}): {e}",
                        meta.uid(),
                        meta.gid()
                    ),
                )
            })?;
        }
        file.set_permissions(meta.permissions())?;
        file.sync_all()?;
        drop(file);
        if std::fs::read(&real).map(|now| digest(&now) != *expected)? {
            return Err(std::io::Error::other(changed(rel)));
        }
        std::fs::rename(&tmp, &real)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        let e = e.to_string();
        return Err(if e.starts_with(rel) {
            e
        } else {
            format!("{rel}: cannot write: {e}")
        });
    }
    Ok(())
}

fn changed(rel: &str) -> String {
    format!("{rel}: changed since it was scanned; not written (run `abiport fix` again)")
}

/// Rewrite a file with other hard links in place, on one open file: a rename would split
/// the links, so this write cannot be atomic. What makes it safe instead: the original is
/// first copied to a backup beside it (`O_EXCL`, mode 0600, synced), the file is read and
/// checked against `expected` again just before the write, the new content goes in with
/// one positioned write then a truncate and a sync, and only then is the backup removed. A
/// run killed in between leaves the backup, and the next run refuses the file until the
/// user has looked ([`backup_beside`]).
fn write_in_place(
    real: &Path,
    dir: &Path,
    name: &str,
    rel: &str,
    expected: &Digest,
    bytes: &[u8],
) -> Result<(), String> {
    use std::io::Read;
    use std::os::unix::fs::{FileExt, OpenOptionsExt};
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(libc::O_NOFOLLOW)
        .open(real)
        .map_err(|e| format!("{rel}: cannot open: {e}"))?;
    let read_all = |file: &mut std::fs::File| -> Result<Vec<u8>, String> {
        let mut now = Vec::new();
        std::io::Seek::rewind(file)
            .and_then(|_| file.read_to_end(&mut now))
            .map_err(|e| format!("{rel}: cannot read: {e}"))?;
        Ok(now)
    };
    let original = read_all(&mut file)?;
    if digest(&original) != *expected {
        return Err(changed(rel));
    }
    let backup = dir.join(backup_name(name, std::process::id()));
    (|| {
        let mut b = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&backup)?;
        b.write_all(&original)?;
        b.sync_all()
    })()
    .map_err(|e| {
        let _ = std::fs::remove_file(&backup);
        format!("{rel}: cannot write a backup beside it: {e}")
    })?;
    test_pause("in-place");
    match read_all(&mut file) {
        Ok(now) if digest(&now) == *expected => {}
        other => {
            let _ = std::fs::remove_file(&backup);
            return Err(other.err().unwrap_or_else(|| changed(rel)));
        }
    }
    let written = file
        .write_all_at(bytes, 0)
        .and_then(|()| file.set_len(bytes.len() as u64))
        .and_then(|()| file.sync_all());
    match written {
        Ok(()) => {
            let _ = std::fs::remove_file(&backup);
            Ok(())
        }
        // Maybe half written: the backup stays, and is named.
        Err(e) => Err(format!(
            "{rel}: cannot write in place: {e}; the original is in {}",
            backup.display()
        )),
    }
}

/// The backup of `name` that process `pid` keeps while it rewrites `name` in place.
fn backup_name(name: &str, pid: u32) -> String {
    format!(".{name}.abiport-{pid}.orig")
}

/// A backup of `name` in `dir` that a run no longer running left ([`backup_name`]).
fn backup_beside(dir: &Path, name: &str) -> Option<PathBuf> {
    let prefix = format!(".{name}.abiport-");
    std::fs::read_dir(dir).ok()?.flatten().find_map(|e| {
        let file_name = e.file_name();
        let pid = file_name
            .to_str()?
            .strip_prefix(&prefix)?
            .strip_suffix(".orig")?
            .parse::<u32>()
            .ok()?;
        (!alive(pid)).then(|| e.path())
    })
}

fn alive(pid: u32) -> bool {
    pid == std::process::id() || Path::new(&format!("/proc/{pid}")).exists()
}

/// A test hook (debug builds only): with `ABIPORT_TEST_PAUSE=STAGE:FIFO`, the run stops at
/// `stage` until a writer has opened FIFO and closed it, so a test can change or kill
/// things at an exact point without sleeping.
pub fn test_pause(stage: &str) {
    #[cfg(debug_assertions)]
    if let Some(fifo) = std::env::var_os("ABIPORT_TEST_PAUSE")
        .and_then(|v| v.into_string().ok())
        .and_then(|v| v.strip_prefix(&format!("{stage}:")).map(String::from))
    {
        use std::io::Read;
        if let Ok(mut f) = std::fs::File::open(fifo) {
            let _ = f.read_to_end(&mut Vec::new());
        }
    }
    #[cfg(not(debug_assertions))]
    let _ = stage;
}

/// The temporary file process `pid` writes `name`'s new content to (attempt `n`).
fn temp_name(name: &str, pid: u32, n: u32) -> String {
    format!(".{name}.abiport-{pid}-{n}.tmp")
}

/// A new temporary file for `name` in `dir`, created with `O_EXCL` (never through a link,
/// never a file someone else prepared), named by [`temp_name`].
pub(crate) fn create_temp(dir: &Path, name: &str) -> std::io::Result<(PathBuf, std::fs::File)> {
    let mut n = 0u32;
    loop {
        let tmp = dir.join(temp_name(name, std::process::id(), n));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 100 => n += 1,
            Err(e) => return Err(e),
        }
    }
}

/// Remove the temporary files a process no longer running left in `dir` (a killed
/// `fix --apply` or `--format-patch`): regular files named by [`temp_name`] only, for any
/// file of the directory.
pub(crate) fn remove_stale_temps(dir: &Path) {
    use std::os::unix::ffi::OsStrExt;
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let file_name = e.file_name();
        if stale_temp_pid(file_name.as_bytes()).is_some_and(|pid| !alive(pid))
            && e.file_type().is_ok_and(|t| t.is_file())
        {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// The process id in a name made by [`temp_name`] (`.NAME.abiport-PID-N.tmp`).
fn stale_temp_pid(file_name: &[u8]) -> Option<u32> {
    let rest = file_name.strip_prefix(b".")?.strip_suffix(b".tmp")?;
    let number = |b: &[u8]| -> Option<u32> {
        (!b.is_empty() && b.iter().all(u8::is_ascii_digit))
            .then(|| std::str::from_utf8(b).ok()?.parse().ok())?
    };
    let dash = rest.iter().rposition(|&b| b == b'-')?;
    number(&rest[dash + 1..])?;
    let rest = &rest[..dash];
    let dash = rest.iter().rposition(|&b| b == b'-')?;
    let pid = number(&rest[dash + 1..])?;
    let name = rest[..dash].strip_suffix(b".abiport")?;
    (!name.is_empty()).then_some(pid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_temp_names_are_only_ours() {
        assert_eq!(
            stale_temp_pid(b".a.go.abiport-4194305-0.tmp"),
            Some(4194305)
        );
        assert_eq!(stale_temp_pid(b".we ird-1.go.abiport-12-3.tmp"), Some(12));
        assert_eq!(stale_temp_pid(b".\xff.go.abiport-7-0.tmp"), Some(7));
        for other in [
            &b"a.go.abiport-1-0.tmp"[..],
            b"..abiport-1-0.tmp",
            b".a.go.abiport-1-x.tmp",
            b".a.go.abiport--0.tmp",
            b".a.go.notours-1-0.tmp",
            b".a.go.abiport-1.orig",
            b".a.go.abiport-1-0.tmp~",
        ] {
            assert_eq!(stale_temp_pid(other), None, "{other:?}");
        }
    }

    #[test]
    fn rejects_parent_and_absolute_paths() {
        let root = std::env::temp_dir();
        assert!(confined_path(&root, "../etc/passwd").is_err());
        assert!(confined_path(&root, "/etc/passwd").is_err());
    }
}
