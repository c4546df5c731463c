//! Writing fixed files: only inside the scanned tree, never through a symlink that leads
//! out of it; only when the file still holds the bytes the fixes were computed from;
//! atomically (a temporary file in the same directory, then a rename), or in place for a
//! file with other hard links; with the original mode, owner and group.

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
/// read-only file is refused; a file with other hard links is rewritten in place (after
/// the check, on the same open file) so the links stay one file; any other file is
/// replaced atomically (a temporary file in the same directory, then a rename). Temporary
/// files an earlier, killed run left for this file are removed first.
pub fn write_checked(
    root: &Path,
    rel: &str,
    expected: &Digest,
    bytes: &[u8],
) -> Result<(), String> {
    use std::io::{Read, Seek};
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
    remove_stale_temps(dir, &name);
    let changed =
        || format!("{rel}: changed since it was scanned; not written (run `abiport fix` again)");
    if meta.nlink() > 1 {
        let mut file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(&real)
            .map_err(|e| format!("{rel}: cannot open: {e}"))?;
        let mut now = Vec::new();
        file.read_to_end(&mut now)
            .map_err(|e| format!("{rel}: cannot read: {e}"))?;
        if digest(&now) != *expected {
            return Err(changed());
        }
        return (|| {
            file.rewind()?;
            file.write_all(bytes)?;
            file.set_len(bytes.len() as u64)?;
            file.sync_all()
        })()
        .map_err(|e| format!("{rel}: cannot write in place: {e}"));
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
            return Err(std::io::Error::other(changed()));
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

/// Remove the temporary files for `name` in `dir` that a process no longer running left
/// (a killed `fix --apply`): regular files named by [`temp_name`] only.
pub(crate) fn remove_stale_temps(dir: &Path, name: &str) {
    let prefix = format!(".{name}.abiport-");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let file_name = e.file_name();
        let Some(rest) = file_name
            .to_str()
            .and_then(|f| f.strip_prefix(&prefix))
            .and_then(|r| r.strip_suffix(".tmp"))
        else {
            continue;
        };
        let Some((pid, n)) = rest.split_once('-') else {
            continue;
        };
        let (Ok(pid), Ok(_)) = (pid.parse::<u32>(), n.parse::<u32>()) else {
            continue;
        };
        let alive = pid == std::process::id() || Path::new(&format!("/proc/{pid}")).exists();
        if !alive && e.file_type().is_ok_and(|t| t.is_file()) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_parent_and_absolute_paths() {
        let root = std::env::temp_dir();
        assert!(confined_path(&root, "../etc/passwd").is_err());
        assert!(confined_path(&root, "/etc/passwd").is_err());
    }
}
