//! Writing fixed files: only inside the scanned tree, never through a symlink that leads
//! out of it; atomically (a temporary file in the same directory, then a rename), with
//! the original permissions.

use std::io::Write;
use std::path::{Component, Path, PathBuf};

/// Where `rel` really lives, if that is inside `root`: every symlink on the way resolved,
/// and the result checked against the canonical root.
pub fn confined_path(root: &Path, rel: &str) -> Result<PathBuf, String> {
    let rel_path = Path::new(rel);
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

/// Replace the file at `rel` under `root` with `bytes`, atomically, keeping permissions.
pub fn write_atomic(root: &Path, rel: &str, bytes: &[u8]) -> Result<(), String> {
    let real = confined_path(root, rel)?;
    let meta = std::fs::metadata(&real).map_err(|e| format!("{rel}: {e}"))?;
    if !meta.is_file() {
        return Err(format!("{rel}: not a regular file"));
    }
    let dir = real
        .parent()
        .ok_or_else(|| format!("{rel}: no parent directory"))?;
    let name = real
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut n = 0u32;
    let (tmp, mut file) = loop {
        let tmp = dir.join(format!(".{name}.abiport-{}-{n}.tmp", std::process::id()));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(f) => break (tmp, f),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 100 => n += 1,
            Err(e) => return Err(format!("{rel}: cannot create a temporary file: {e}")),
        }
    };
    let result = (|| {
        file.write_all(bytes)?;
        file.set_permissions(meta.permissions())?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&tmp, &real)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(format!("{rel}: cannot write: {e}"));
    }
    Ok(())
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
