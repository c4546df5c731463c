//! Verify a patch set: apply it to a temporary copy of the tree, rescan it, and return the
//! patches that do not apply, the findings left and the findings introduced ([`Verdict`]).
//!
//! Patches may be untrusted: the copy is private (0700), a binary patch is refused unless
//! asked for, and a patch that makes a path of the copy a symlink leading out of it is
//! taken back (so the rescan never walks outside the copy). An empty patch is a no-op.

use crate::error::{Result, UserError};
use crate::finding::Finding;
use crate::scan::{analyze, ScanOptions};
use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(Debug, Default)]
pub struct Verdict {
    /// Patches that applied, in the order given.
    pub applied: Vec<PathBuf>,
    /// Patches that did not apply, with git's reason.
    pub not_applied: Vec<(PathBuf, String)>,
    /// Findings of the patched tree that the original tree had too.
    pub left: Vec<Finding>,
    /// Findings of the patched tree that the original tree did not have.
    pub introduced: Vec<Finding>,
    /// Number of findings before the patches.
    pub before: usize,
}

impl Verdict {
    pub fn passed(&self) -> bool {
        self.not_applied.is_empty() && self.left.is_empty() && self.introduced.is_empty()
    }
}

/// A directory removed when dropped.
struct TempTree(PathBuf);

impl Drop for TempTree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    let mut entries: Vec<_> = std::fs::read_dir(from)?.collect::<std::io::Result<_>>()?;
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = e.file_name();
        if name == ".git" {
            continue;
        }
        let (src, dst) = (e.path(), to.join(&name));
        let ty = e.file_type()?;
        if ty.is_symlink() {
            std::os::unix::fs::symlink(std::fs::read_link(&src)?, &dst)?;
        } else if ty.is_dir() {
            copy_tree(&src, &dst)?;
        } else if ty.is_file() {
            std::fs::copy(&src, &dst)?;
        }
    }
    Ok(())
}

/// Key that survives line shifts and a shorter arch list: rule, file, and the message
/// without arch names. A finding is "left" when the original tree had it on the same or
/// more arches, "introduced" when it is new or breaks a new arch.
fn key(f: &Finding) -> (&str, &str, String) {
    let words: Vec<&str> = f
        .message
        .split_whitespace()
        .filter(|w| crate::arch::Arch::from_name(w.trim_end_matches(',')).is_none())
        .collect();
    (f.rule, &f.path, words.join(" "))
}

/// A new directory only its owner can enter, removed when dropped.
fn private_temp_dir() -> Result<TempTree> {
    use std::os::unix::fs::DirBuilderExt;
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let path = std::env::temp_dir().join(format!("abiport-verify-{}-{stamp}", std::process::id()));
    std::fs::DirBuilder::new()
        .mode(0o700)
        .create(&path)
        .map_err(|e| UserError::new(format!("cannot create {}: {e}", path.display())))?;
    Ok(TempTree(path))
}

/// Why an untrusted patch is refused before `git apply` sees it: a binary patch (unless
/// `allow_binary`), whose content cannot be reviewed and may be of any size.
fn refusal(text: &[u8], allow_binary: bool) -> Option<String> {
    let binary = text
        .split(|&b| b == b'\n')
        .any(|l| l.starts_with(b"GIT binary patch") || l.starts_with(b"Binary files "));
    (binary && !allow_binary)
        .then(|| "a binary patch; refused (give --allow-binary to apply it)".to_string())
}

/// The paths a patch names (`diff --git a/X b/Y`: Y), relative to where it applies.
fn patched_paths(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.strip_prefix("diff --git "))
        .filter_map(|l| l.rsplit_once(" b/").map(|(_, b)| b.to_string()))
        .collect()
}

/// A path of `root` (from `rel`, under `directory`) that is a symlink leading out of
/// `root`, as "path → target".
fn escaping_link(root: &Path, directory: Option<&str>, rel: &str) -> Option<String> {
    let path = root.join(directory.unwrap_or("")).join(rel);
    let meta = std::fs::symlink_metadata(&path).ok()?;
    if !meta.file_type().is_symlink() {
        return None;
    }
    let target = std::fs::read_link(&path).ok()?;
    let inside = match std::fs::canonicalize(&path) {
        Ok(real) => std::fs::canonicalize(root).is_ok_and(|r| real.starts_with(r)),
        // A dangling link leads nowhere the rescan could walk.
        Err(_) => true,
    };
    (!inside).then(|| format!("{rel} → {}", target.display()))
}

/// Apply `patches` (diffs relative to the scanned root, as `abiport fix` prints them) to a
/// copy of `opts.root` with `git apply`, in order, and rescan the copy with the same options.
pub fn verify(opts: &ScanOptions, patches: &[PathBuf], allow_binary: bool) -> Result<Verdict> {
    let before = analyze(opts)?.findings;
    let tmp = private_temp_dir()?;
    copy_tree(&opts.root, &tmp.0)
        .map_err(|e| UserError::new(format!("cannot copy {}: {e}", opts.root.display())))?;
    let ceiling = tmp.0.parent().unwrap_or(&tmp.0).to_path_buf();
    let mut v = Verdict {
        before: before.len(),
        ..Verdict::default()
    };
    for p in patches {
        let abs =
            std::path::absolute(p).map_err(|e| UserError::new(format!("{}: {e}", p.display())))?;
        if !abs.is_file() {
            v.not_applied.push((p.clone(), "no such file".into()));
            continue;
        }
        let text = std::fs::read(&abs)
            .map_err(|e| UserError::new(format!("{}: cannot read: {e}", p.display())))?;
        if text.iter().all(u8::is_ascii_whitespace) {
            // `abiport fix` on a clean tree prints nothing: nothing to apply.
            v.applied.push(p.clone());
            continue;
        }
        if let Some(why) = refusal(&text, allow_binary) {
            v.not_applied.push((p.clone(), why));
            continue;
        }
        let mut at: Option<String> = None;
        let mut result = git_apply(&tmp.0, &ceiling, &abs, None, false)?;
        if result.is_err() {
            // A `--format-patch` patch has paths relative to its module: find the one
            // directory of the tree where its files are, and apply it there.
            if let Some(dir) = unit_dir_for(&tmp.0, &abs) {
                if git_apply(&tmp.0, &ceiling, &abs, Some(&dir), false)?.is_ok() {
                    result = Ok(());
                    at = Some(dir);
                }
            }
        }
        if result.is_ok() {
            let escapes: Vec<String> = patched_paths(&String::from_utf8_lossy(&text))
                .iter()
                .filter_map(|rel| escaping_link(&tmp.0, at.as_deref(), rel))
                .collect();
            if !escapes.is_empty() {
                // Take the patch back so the rescan stays inside the copy.
                let undone = git_apply(&tmp.0, &ceiling, &abs, at.as_deref(), true)?;
                if undone.is_err() {
                    return Err(UserError::new(format!(
                        "{}: adds a symlink leading out of the tree ({}) and cannot be taken back",
                        p.display(),
                        escapes.join(", ")
                    )));
                }
                result = Err(format!(
                    "adds a symlink leading out of the tree: {}",
                    escapes.join(", ")
                ));
            }
        }
        match result {
            Ok(()) => v.applied.push(p.clone()),
            Err(why) => v.not_applied.push((p.clone(), why)),
        }
    }
    let after_opts = ScanOptions {
        root: tmp.0.clone(),
        ..opts.clone()
    };
    let after = analyze(&after_opts)?.findings;
    for f in after {
        let k = key(&f);
        if before
            .iter()
            .any(|b| key(b) == k && f.arches.minus(b.arches).is_empty())
        {
            v.left.push(f);
        } else {
            v.introduced.push(f);
        }
    }
    Ok(v)
}

/// `git apply` one patch in `root` (optionally under `directory`); Err(git's first line).
fn git_apply(
    root: &Path,
    ceiling: &Path,
    patch: &Path,
    directory: Option<&str>,
    reverse: bool,
) -> Result<std::result::Result<(), String>> {
    let mut cmd = Command::new("git");
    cmd.args(["apply", "--whitespace=nowarn"]);
    if reverse {
        cmd.arg("--reverse");
    }
    if let Some(d) = directory {
        cmd.arg(format!("--directory={d}"));
    }
    let out = cmd
        .arg(patch)
        .current_dir(root)
        .env("GIT_CEILING_DIRECTORIES", ceiling)
        .output()
        .map_err(|e| {
            UserError::new(format!("cannot run `git apply`: {e}"))
                .with_help("install git (Debian package `git`)")
        })?;
    Ok(if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr)
            .lines()
            .next()
            .unwrap_or("git apply failed")
            .to_string())
    })
}

/// For an mbox patch (`abiport fix --format-patch`), the single directory of the tree
/// under which every file the patch changes exists.
fn unit_dir_for(root: &Path, patch: &Path) -> Option<String> {
    let text = std::fs::read_to_string(patch).ok()?;
    if !text.starts_with("From ") {
        return None;
    }
    let files = patched_paths(&text);
    let first = files.first()?;
    let mut found: Vec<String> = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let dir = root.join(&rel);
        if files.iter().all(|f| dir.join(f).is_file())
            && dir.join(first).is_file()
            && !rel.as_os_str().is_empty()
        {
            found.push(rel.to_string_lossy().replace('\\', "/"));
        }
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in rd.flatten() {
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(rel.join(e.file_name()));
            }
        }
    }
    (found.len() == 1).then(|| found.remove(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn the_copy_is_private() {
        let t = private_temp_dir().unwrap();
        let mode = std::fs::metadata(&t.0).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
    }

    #[test]
    fn binary_patches_are_refused_unless_allowed() {
        let bin =
            b"diff --git a/x.bin b/x.bin\nnew file mode 100644\nGIT binary patch\nliteral 3\n";
        assert!(refusal(bin, false).unwrap().contains("--allow-binary"));
        assert!(refusal(bin, true).is_none());
        assert!(refusal(b"diff --git a/x.go b/x.go\n+text\n", false).is_none());
    }

    #[test]
    fn links_out_of_the_copy_are_found() {
        let t = private_temp_dir().unwrap();
        std::os::unix::fs::symlink("/", t.0.join("root")).unwrap();
        std::fs::write(t.0.join("f.go"), "package f\n").unwrap();
        std::os::unix::fs::symlink("f.go", t.0.join("inside")).unwrap();
        assert_eq!(escaping_link(&t.0, None, "root").unwrap(), "root → /");
        assert!(escaping_link(&t.0, None, "inside").is_none());
        assert!(escaping_link(&t.0, None, "f.go").is_none());
        assert_eq!(
            patched_paths("diff --git a/a.go b/a.go\n+x\ndiff --git a/l b/l\n"),
            vec!["a.go", "l"]
        );
    }
}
