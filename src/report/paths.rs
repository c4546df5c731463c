//! How a finding's path is shown. Findings keep paths relative to the scanned root (the
//! baseline, suppressions and config globs match those); every output shows them relative
//! to the directory abiport runs in, as ruff and `go vet` do, by putting one prefix in
//! front: computed once per run ([`DisplayPaths::from_cwd`]) and passed to the renderers.

use std::borrow::Cow;
use std::path::{Component, Path, PathBuf};

/// The prefix leading from the base directory (the current directory) to the scanned
/// root: "" when they are the same, `pkg/devices/`, `../`, or the root's absolute path
/// when that is shorter than the way up and down (as Go's `base.ShortPath`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DisplayPaths {
    prefix: String,
    /// The absolute base directory, when known: SARIF's `%SRCROOT%`.
    base: Option<PathBuf>,
    /// With a prefix going up (`../../`), the base's last directories that many levels
    /// up (`pkg`, `devices`): a path back down through them goes up less
    /// (`../../pkg/devices/d.go` is `d.go`).
    up_through: Vec<String>,
}

impl DisplayPaths {
    /// Paths shown as they are (relative to the scanned root): library callers and
    /// snapshots.
    pub fn tree_relative() -> DisplayPaths {
        DisplayPaths::default()
    }

    /// Paths under `root` shown relative to the current directory.
    pub fn from_cwd(root: &Path) -> DisplayPaths {
        match std::env::current_dir() {
            Ok(cwd) => DisplayPaths::relative_to(&cwd, root),
            // No current directory (it was removed): the root as given.
            Err(_) => DisplayPaths {
                prefix: dir_prefix(&root.to_string_lossy()),
                base: None,
                up_through: Vec::new(),
            },
        }
    }

    /// Paths under `root` shown relative to `base` (absolute). Both are compared as
    /// written, `.` and `..` resolved lexically, as `filepath.Rel` does.
    pub fn relative_to(base: &Path, root: &Path) -> DisplayPaths {
        let base = lexical(base);
        let abs_root = lexical(&base.join(root));
        let rel = relative(&base, &abs_root);
        let abs_text = crate::walk::escape_path(abs_root.as_os_str()).into_owned();
        let shown = match rel {
            Some(rel) if rel.len() <= abs_text.len() || !rel.starts_with("..") => rel,
            _ => abs_text,
        };
        let prefix = dir_prefix(&shown);
        let ups = prefix.split('/').take_while(|c| *c == "..").count();
        let names: Vec<String> = base
            .components()
            .filter(|c| matches!(c, Component::Normal(_)))
            .map(|c| crate::walk::escape_path(c.as_os_str()).into_owned())
            .collect();
        let up_through = names[names.len().saturating_sub(ups)..].to_vec();
        DisplayPaths {
            prefix,
            base: Some(base),
            up_through,
        }
    }

    /// A prefix put before every path, as is (`sub/`), for outputs relative to another
    /// directory than the current one (a fix diff relative to the git work tree's top).
    pub fn with_prefix(prefix: &str, base: Option<PathBuf>) -> DisplayPaths {
        DisplayPaths {
            prefix: dir_prefix(prefix),
            base,
            up_through: Vec::new(),
        }
    }

    /// "" or a `/`-terminated directory.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The absolute directory paths are shown relative to, when known.
    pub fn base(&self) -> Option<&Path> {
        self.base.as_deref()
    }

    /// `path` (relative to the scanned root, as findings and notes hold it) as shown. An
    /// absolute path (an ignore file outside the tree) is shown as it is; the root itself
    /// ("") as the prefix's directory.
    pub fn show<'a>(&self, path: &'a str) -> Cow<'a, str> {
        if self.prefix.is_empty() || path.starts_with('/') {
            return Cow::Borrowed(path);
        }
        if path.is_empty() || path == "." {
            let dir = self.prefix.trim_end_matches('/');
            return Cow::Owned(if dir.is_empty() { "/" } else { dir }.to_string());
        }
        if self.up_through.is_empty() {
            return Cow::Owned(format!("{}{path}", self.prefix));
        }
        // Up k levels, then down: each first step down into a directory just left cancels
        // one step up.
        let k = self.up_through.len();
        let down: Vec<&str> = self
            .prefix
            .split('/')
            .skip(k)
            .filter(|c| !c.is_empty())
            .chain(path.split('/'))
            .collect();
        let m = self
            .up_through
            .iter()
            .zip(&down)
            .take_while(|(a, b)| a.as_str() == **b)
            .count()
            .min(down.len().saturating_sub(1));
        let mut out = "../".repeat(k - m);
        out.push_str(&down[m..].join("/"));
        Cow::Owned(out)
    }

    /// A finding's text (message, fact, fix title) with the paths it cites
    /// (`finding::cite`) shown as [`DisplayPaths::show`] shows the finding's own.
    pub fn text<'a>(&self, text: &'a str) -> Cow<'a, str> {
        crate::finding::show_cited(text, |p| self.show(p).into_owned())
    }
}

/// `dir` as a prefix: "" for the current directory, else `/`-terminated, `./` dropped.
fn dir_prefix(dir: &str) -> String {
    let mut text = dir.replace('\\', "/");
    while let Some(rest) = text.strip_prefix("./") {
        text = rest.to_string();
    }
    let trimmed = text.trim_end_matches('/');
    if trimmed.is_empty() || trimmed == "." {
        return if text.starts_with('/') {
            "/".into()
        } else {
            String::new()
        };
    }
    format!("{trimmed}/")
}

/// `p` with `.` and `..` resolved without reading the file system.
fn lexical(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// The way from absolute `base` to absolute `target` (`a/b`, `../x`, `.`), `/`-separated
/// and escaped as the walk escapes names; `None` when they share no root.
fn relative(base: &Path, target: &Path) -> Option<String> {
    let b: Vec<Component> = base.components().collect();
    let t: Vec<Component> = target.components().collect();
    if b.first() != t.first() {
        return None;
    }
    let common = b.iter().zip(&t).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<String> = vec!["..".into(); b.len() - common];
    parts.extend(
        t[common..]
            .iter()
            .map(|c| crate::walk::escape_path(c.as_os_str()).into_owned()),
    );
    Some(if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(base: &str, root: &str, path: &str) -> String {
        DisplayPaths::relative_to(Path::new(base), Path::new(root))
            .show(path)
            .into_owned()
    }

    #[test]
    fn paths_are_relative_to_the_base() {
        // From the tree's root, scanning a subdirectory.
        assert_eq!(
            shown("/repo", "pkg/devices", "devices.go"),
            "pkg/devices/devices.go"
        );
        assert_eq!(
            shown("/repo", "./pkg/./devices/", "d.go"),
            "pkg/devices/d.go"
        );
        assert_eq!(shown("/repo", ".", "pkg/d.go"), "pkg/d.go");
        // From above the tree.
        assert_eq!(shown("/w", "tree", "pkg/d.go"), "tree/pkg/d.go");
        assert_eq!(shown("/w", "/w/tree", "pkg/d.go"), "tree/pkg/d.go");
        // From a subdirectory of the tree.
        assert_eq!(shown("/repo/pkg/x", "../..", "cmd/m.go"), "../../cmd/m.go");
        assert_eq!(shown("/repo/pkg", "/repo", "pkg/d.go"), "d.go");
        assert_eq!(shown("/repo/pkg", "/repo", "cmd/m.go"), "../cmd/m.go");
        assert_eq!(shown("/repo/pkg", "../cmd", "m.go"), "../cmd/m.go");
        // Back down through the directories just left.
        assert_eq!(shown("/repo/pkg/dev", "../..", "pkg/dev/d.go"), "d.go");
        assert_eq!(shown("/repo/pkg/dev", "../..", "pkg/x/d.go"), "../x/d.go");
        assert_eq!(shown("/repo/pkg/dev", "../..", "pkg/dev"), "../dev");
        assert_eq!(shown("/repo/pkg/dev", "..", "dev/sub/d.go"), "sub/d.go");
        // Far away: the absolute path is shorter than the way up.
        assert_eq!(shown("/a/b/c/d/e/f", "/x", "m.go"), "/x/m.go");
        // An absolute path (an ignore file outside the tree) stays as it is.
        assert_eq!(shown("/w", "tree", "/etc/i.toml"), "/etc/i.toml");
        assert_eq!(shown("/w", "tree", ""), "tree");
    }

    #[test]
    fn tree_relative_is_identity() {
        let d = DisplayPaths::tree_relative();
        assert_eq!(d.show("a/b.go"), "a/b.go");
        assert_eq!(d.prefix(), "");
        assert_eq!(
            DisplayPaths::with_prefix("sub", None).show("x.go"),
            "sub/x.go"
        );
    }
}
