//! Verify a patch set: apply it to a temporary copy of the tree, rescan it, and return the
//! patches that do not apply, the findings left and the findings introduced ([`Verdict`]).
//!
//! Patches may be untrusted: the copy is private (0700) and removed on SIGINT, SIGTERM and
//! SIGHUP too, a binary patch is refused unless asked for, a patch set may add at most a
//! budget of bytes to the copy ([`Policy::budget`]), and a patch that makes a path of the
//! copy a symlink leading out of it is taken back (so the rescan never walks outside the
//! copy). An empty patch is a no-op.
//!
//! With a build request (`verify --build`), both trees are also compiled ([`super::build`]).

use super::build::{BuildReport, BuildRequest, Toolchain};
use super::patch::git_unquote;
use crate::error::{Result, UserError};
use crate::finding::Finding;
use crate::scan::{analyze, ScanOptions};
use std::os::unix::ffi::OsStrExt;
use std::path::{Component, Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, Once};

/// The default of [`Policy::budget`]: 64 MiB.
pub const DEFAULT_BUDGET: u64 = 64 << 20;

/// How far untrusted patches are trusted.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// Apply binary patches too.
    pub allow_binary: bool,
    /// Most bytes the whole patch set may add to the copy (new files and growth, as the
    /// patches declare them: added lines, binary literal and delta result sizes). A patch
    /// that would pass it is not applied; the rescan reads at most the tree plus this.
    pub budget: u64,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            allow_binary: false,
            budget: DEFAULT_BUDGET,
        }
    }
}

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
    /// The builds before and after the patches (`verify --build`).
    pub build: Option<BuildReport>,
}

impl Verdict {
    pub fn passed(&self) -> bool {
        self.not_applied.is_empty()
            && self.left.is_empty()
            && self.introduced.is_empty()
            && self.build.as_ref().is_none_or(BuildReport::passed)
    }
}

/// A directory removed when dropped, or when the process gets SIGINT, SIGTERM or SIGHUP.
pub(super) struct TempTree(pub(super) PathBuf);

impl Drop for TempTree {
    fn drop(&mut self) {
        if let Ok(mut live) = LIVE_COPIES.lock() {
            live.retain(|p| p != &self.0);
        }
        remove_tree(&self.0);
    }
}

/// The temporary copies of this process, for the signal thread.
static LIVE_COPIES: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Remove `path` and everything under it; tried again while a `git apply` still running
/// may be adding to it.
fn remove_tree(path: &Path) {
    for _ in 0..50 {
        match std::fs::remove_dir_all(path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                std::thread::sleep(std::time::Duration::from_millis(10))
            }
            _ => return,
        }
    }
}

/// Have `path` removed if the process is interrupted or terminated. The first call starts
/// a thread that waits for SIGINT, SIGTERM or SIGHUP (signal-hook's self-pipe: no code of
/// ours runs in the handler), removes the live copies, then dies of the signal as it
/// would have without us.
fn remove_on_signal(path: &Path) {
    static WATCH: Once = Once::new();
    WATCH.call_once(|| {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
            return;
        };
        std::thread::spawn(move || {
            if let Some(signal) = signals.forever().next() {
                let live = match LIVE_COPIES.lock() {
                    Ok(l) => l.clone(),
                    Err(poisoned) => poisoned.into_inner().clone(),
                };
                for p in &live {
                    remove_tree(p);
                }
                let _ = signal_hook::low_level::emulate_default_handler(signal);
                std::process::exit(128 + signal);
            }
        });
    });
    match LIVE_COPIES.lock() {
        Ok(mut l) => l.push(path.to_path_buf()),
        Err(poisoned) => poisoned.into_inner().push(path.to_path_buf()),
    }
}

pub(super) fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
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
pub(super) fn private_temp_dir() -> Result<TempTree> {
    use std::os::unix::fs::DirBuilderExt;
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let path = std::env::temp_dir().join(format!("abiport-verify-{}-{stamp}", std::process::id()));
    // Watched before it exists: a signal in between finds nothing to remove.
    remove_on_signal(&path);
    match std::fs::DirBuilder::new().mode(0o700).create(&path) {
        Ok(()) => Ok(TempTree(path)),
        Err(e) => {
            // Not ours (it may be someone else's directory): never removed.
            if let Ok(mut live) = LIVE_COPIES.lock() {
                live.retain(|p| p != &path);
            }
            Err(UserError::new(format!(
                "cannot create {}: {e}",
                path.display()
            )))
        }
    }
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

/// One file a patch changes, relative to where the patch applies (`a/`, `b/` taken off):
/// its path before (`None` when the patch creates it) and after (`None` when it deletes it).
#[derive(Debug, Default, Clone, PartialEq)]
struct PatchedFile {
    old: Option<PathBuf>,
    new: Option<PathBuf>,
}

/// The files a patch changes, read as `git apply` reads them: names C-quoted or not, with
/// spaces (a `diff --git` line split where both halves name the same file; `---`/`+++`
/// names end at a tab), renames and copies, created and deleted files. Names that are not
/// plain relative paths are left out (git refuses them).
fn patched_paths(text: &[u8]) -> Vec<PatchedFile> {
    let mut files = Vec::new();
    let mut current: Option<PatchedFile> = None;
    let mut in_hunk = false;
    for line in text.split(|&b| b == b'\n') {
        if let Some(rest) = line.strip_prefix(b"diff --git ") {
            files.extend(current.take());
            let (old, new) = header_names(rest);
            current = Some(PatchedFile { old, new });
            in_hunk = false;
            continue;
        }
        let Some(file) = current.as_mut() else {
            continue;
        };
        if in_hunk {
            continue;
        }
        if line.starts_with(b"@@ ") || line.starts_with(b"GIT binary patch") {
            in_hunk = true;
        } else if let Some(rest) = line.strip_prefix(b"--- ") {
            file.old = diff_name(rest, b"a/");
        } else if let Some(rest) = line.strip_prefix(b"+++ ") {
            file.new = diff_name(rest, b"b/");
        } else if let Some(rest) = strip_any(line, &[b"rename from ", b"copy from "]) {
            file.old = plain_name(rest);
        } else if let Some(rest) = strip_any(line, &[b"rename to ", b"copy to "]) {
            file.new = plain_name(rest);
        } else if line.starts_with(b"new file mode ") {
            file.old = None;
        } else if line.starts_with(b"deleted file mode ") {
            file.new = None;
        }
    }
    files.extend(current);
    files
}

fn strip_any<'a>(line: &'a [u8], prefixes: &[&[u8]]) -> Option<&'a [u8]> {
    prefixes.iter().find_map(|p| line.strip_prefix(*p))
}

/// A name as a relative path, if it is a plain one.
fn rel_path(bytes: &[u8]) -> Option<PathBuf> {
    let path = Path::new(std::ffi::OsStr::from_bytes(bytes));
    (!bytes.is_empty() && path.components().all(|c| matches!(c, Component::Normal(_))))
        .then(|| path.to_path_buf())
}

/// A `rename`/`copy` name: quoted or the rest of the line.
fn plain_name(rest: &[u8]) -> Option<PathBuf> {
    match git_unquote(rest) {
        Some((name, _)) => rel_path(&name),
        None => rel_path(rest),
    }
}

/// A `---`/`+++` name without its `prefix`: `None` for `/dev/null`. An unquoted name ends
/// at a tab (git adds one after a name with a space, GNU diff a tab and a date).
fn diff_name(rest: &[u8], prefix: &[u8]) -> Option<PathBuf> {
    let name = match git_unquote(rest) {
        Some((name, _)) => name,
        None => rest.split(|&b| b == b'\t').next().unwrap_or(rest).to_vec(),
    };
    if name == b"/dev/null" {
        return None;
    }
    rel_path(name.strip_prefix(prefix).unwrap_or(&name))
}

/// The two names of a `diff --git A B` line, prefixes taken off.
fn header_names(rest: &[u8]) -> (Option<PathBuf>, Option<PathBuf>) {
    let strip = |n: &[u8], p: &[u8]| rel_path(n.strip_prefix(p).unwrap_or(n));
    if let Some((a, after)) = git_unquote(rest) {
        let b = after.strip_prefix(b" ").unwrap_or(after);
        let b = git_unquote(b).map_or_else(|| b.to_vec(), |(b, _)| b);
        return (strip(&a, b"a/"), strip(&b, b"b/"));
    }
    // An unquoted name holds no `"`: a quoted second name starts at the first ` "`.
    if let Some(at) = rest.windows(2).position(|w| w == b" \"") {
        let b = git_unquote(&rest[at + 1..]).map(|(b, _)| b);
        return (strip(&rest[..at], b"a/"), b.and_then(|b| strip(&b, b"b/")));
    }
    // Both unquoted, maybe with spaces: the split where both halves name the same file.
    if rest.len() % 2 == 1 {
        let half = rest.len() / 2;
        let (a, b) = (&rest[..half], &rest[half + 1..]);
        if rest[half] == b' ' && a.strip_prefix(b"a/") == b.strip_prefix(b"b/") {
            return (strip(a, b"a/"), strip(b, b"b/"));
        }
    }
    match rest.windows(3).rposition(|w| w == b" b/") {
        Some(at) => (strip(&rest[..at], b"a/"), strip(&rest[at + 1..], b"b/")),
        None => (None, None),
    }
}

/// A path of `root` (from `rel`, under `directory`) that is a symlink leading out of
/// `root`, as "path → target".
fn escaping_link(root: &Path, directory: Option<&Path>, rel: &Path) -> Option<String> {
    let path = root.join(directory.unwrap_or(Path::new(""))).join(rel);
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
    (!inside).then(|| format!("{} → {}", rel.display(), target.display()))
}

/// The most bytes `text` can write into the tree it applies to: every added line of its
/// text hunks, and the size each binary hunk declares (a literal's size; a delta's result
/// size, from the delta's header), which `git apply` checks. Err when a binary hunk
/// cannot be read.
fn declared_growth(text: &[u8]) -> std::result::Result<u64, String> {
    let mut total = 0u64;
    let mut lines = text.split(|&b| b == b'\n');
    while let Some(line) = lines.next() {
        if line.starts_with(b"GIT binary patch") {
            // The forward hunk comes first (the reverse one after it is not applied).
            let unreadable = || "a binary patch whose size cannot be read".to_string();
            let hunk = lines.next().unwrap_or_default();
            let size = if let Some(n) = hunk.strip_prefix(b"literal ") {
                std::str::from_utf8(n)
                    .ok()
                    .and_then(|n| n.trim().parse().ok())
            } else if hunk.starts_with(b"delta ") {
                let data: Vec<&[u8]> = lines.by_ref().take_while(|l| !l.is_empty()).collect();
                delta_result_size(&data)
            } else {
                None
            };
            total = total.saturating_add(size.ok_or_else(unreadable)?);
        } else if line.starts_with(b"+") {
            // The line without its `+`, and its newline.
            total = total.saturating_add(line.len() as u64);
        }
    }
    Ok(total)
}

/// The result size a git binary delta declares: its base85 lines decoded, the start of
/// the zlib stream inflated, and the second of the two sizes at its head read.
fn delta_result_size(lines: &[&[u8]]) -> Option<u64> {
    use std::io::Read;
    let mut compressed = Vec::new();
    for l in lines {
        compressed.extend(base85_line(l)?);
    }
    let mut head = Vec::new();
    flate2::read::ZlibDecoder::new(&compressed[..])
        .take(20)
        .read_to_end(&mut head)
        .ok()?;
    let mut bytes = head.iter();
    let mut varint = || {
        let (mut value, mut shift) = (0u64, 0);
        loop {
            let b = *bytes.next()?;
            value |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(value);
            }
            shift += 7;
            if shift > 63 {
                return None;
            }
        }
    };
    let _source = varint()?;
    varint()
}

/// One line of git's base85 (a length letter, then 5 digits per 4 bytes).
fn base85_line(line: &[u8]) -> Option<Vec<u8>> {
    const DIGITS: &[u8] =
        b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz!#$%&()*+-;<=>?@^_`{|}~";
    let (&len, data) = line.split_first()?;
    let len = usize::from(match len {
        b'A'..=b'Z' => len - b'A' + 1,
        b'a'..=b'z' => len - b'a' + 27,
        _ => return None,
    });
    if data.len() != len.div_ceil(4) * 5 {
        return None;
    }
    let mut out = Vec::with_capacity(len + 3);
    for group in data.chunks(5) {
        let mut value = 0u64;
        for c in group {
            value = value * 85 + DIGITS.iter().position(|d| d == c)? as u64;
        }
        out.extend(u32::try_from(value).ok()?.to_be_bytes());
    }
    out.truncate(len);
    Some(out)
}

/// Bytes of the regular files under `dir` (symlinks not followed).
fn tree_bytes(dir: &Path) -> u64 {
    let mut total = 0u64;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let Ok(meta) = e.metadata() else { continue };
            if meta.is_dir() {
                stack.push(e.path());
            } else if meta.is_file() {
                total = total.saturating_add(meta.len());
            }
        }
    }
    total
}

/// Apply `patches` (diffs relative to the scanned root, as `abiport fix` prints them) to a
/// copy of `opts.root` with `git apply`, in order, and rescan the copy with the same options.
pub fn verify(opts: &ScanOptions, patches: &[PathBuf], policy: Policy) -> Result<Verdict> {
    verify_and_build(opts, patches, policy, None)
}

/// [`verify`], and with `build`, compile the tree before and after the patches
/// ([`super::build::compare`]) into [`Verdict::build`].
pub fn verify_and_build(
    opts: &ScanOptions,
    patches: &[PathBuf],
    policy: Policy,
    build: Option<(&Toolchain, &BuildRequest)>,
) -> Result<Verdict> {
    let scanned = analyze(opts)?;
    let before = scanned.findings;
    let tmp = private_temp_dir()?;
    copy_tree(&opts.root, &tmp.0)
        .map_err(|e| UserError::new(format!("cannot copy {}: {e}", opts.root.display())))?;
    let copied = tree_bytes(&tmp.0);
    // Bytes the applied patches declared; checked before each `git apply`.
    let mut spent = 0u64;
    let ceiling = tmp.0.parent().unwrap_or(&tmp.0).to_path_buf();
    // Leading directories of a `fix` diff's paths above the root (see `diff_paths`).
    let diff_depth = super::changes::diff_paths(&opts.root)
        .0
        .prefix()
        .split('/')
        .filter(|c| !c.is_empty())
        .count();
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
        if text.iter().all(u8::is_ascii_whitespace) || is_cover_letter(&text) {
            // `abiport fix` on a clean tree prints nothing: nothing to apply.
            v.applied.push(p.clone());
            continue;
        }
        if let Some(why) = refusal(&text, policy.allow_binary) {
            v.not_applied.push((p.clone(), why));
            continue;
        }
        let growth = match declared_growth(&text) {
            Ok(n) if spent.saturating_add(n) > policy.budget => Err(format!(
                "would write up to {n} bytes ({spent} written by the patches before it); \
                 over the budget of {} bytes for a patch set (--max-patch-bytes)",
                policy.budget
            )),
            other => other,
        };
        let growth = match growth {
            Ok(n) => n,
            Err(why) => {
                v.not_applied.push((p.clone(), why));
                continue;
            }
        };
        let mut at: Option<PathBuf> = None;
        let mut strip = 1;
        let mut result = git_apply(&tmp.0, &ceiling, &abs, None, strip, false)?;
        if result.is_err() && diff_depth > 0 {
            // `abiport fix` run inside a git work tree writes paths from its top
            // (`sub/x.go`): strip those leading directories in the copy of `sub`.
            if git_apply(&tmp.0, &ceiling, &abs, None, 1 + diff_depth, false)?.is_ok() {
                result = Ok(());
                strip = 1 + diff_depth;
            }
        }
        if result.is_err() {
            // A `--format-patch` patch has paths relative to its module: find the one
            // directory of the tree where its files are, and apply it there.
            if let Some(dir) = unit_dir_for(&tmp.0, &text) {
                if git_apply(&tmp.0, &ceiling, &abs, Some(&dir), 1, false)?.is_ok() {
                    result = Ok(());
                    at = Some(dir);
                }
            }
        }
        if result.is_ok() {
            let escapes: Vec<String> = patched_paths(&text)
                .iter()
                .filter_map(|f| f.new.as_deref())
                // The path git wrote, without the directories `-p` stripped.
                .map(|rel| rel.components().skip(strip - 1).collect::<PathBuf>())
                .filter_map(|rel| escaping_link(&tmp.0, at.as_deref(), &rel))
                .collect();
            if !escapes.is_empty() {
                // Take the patch back so the rescan stays inside the copy.
                let undone = git_apply(&tmp.0, &ceiling, &abs, at.as_deref(), strip, true)?;
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
            Ok(()) => {
                spent += growth;
                v.applied.push(p.clone());
            }
            Err(why) => v.not_applied.push((p.clone(), why)),
        }
    }
    // What the patches declared bounds what git wrote; measured too, so the rescan never
    // reads more than the budget over the tree whatever a patch held.
    let grown = tree_bytes(&tmp.0).saturating_sub(copied);
    if grown > policy.budget {
        return Err(UserError::new(format!(
            "the patch set grew the tree by {grown} bytes, over the budget of {} bytes; \
             not rescanned (the copy is removed)",
            policy.budget
        ))
        .with_help("review the patches; --max-patch-bytes raises the budget"));
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
    if let Some((tool, req)) = build {
        let mut req = req.clone();
        if req.import_path.is_none() {
            req.import_path = scanned.import_path.clone();
        }
        v.build = Some(super::build::compare(tool, &opts.root, &tmp.0, &req)?);
    }
    Ok(v)
}

/// A series' cover letter (`[PATCH 0/N]`, no diff): nothing to apply, as `git am` skips
/// nothing but a reviewer reads it.
fn is_cover_letter(text: &[u8]) -> bool {
    let has = |needle: &[u8]| text.windows(needle.len()).any(|w| w == needle);
    text.starts_with(b"From ") && has(b"\nSubject: [PATCH 0/") && !has(b"\ndiff --git ")
}

/// `git apply -p<strip>` one patch in `root` (optionally under `directory`); Err(git's
/// first line).
fn git_apply(
    root: &Path,
    ceiling: &Path,
    patch: &Path,
    directory: Option<&Path>,
    strip: usize,
    reverse: bool,
) -> Result<std::result::Result<(), String>> {
    let mut cmd = Command::new("git");
    cmd.args(["apply", "--whitespace=nowarn", &format!("-p{strip}")]);
    if reverse {
        cmd.arg("--reverse");
    }
    if let Some(d) = directory {
        let mut arg = std::ffi::OsString::from("--directory=");
        arg.push(d);
        cmd.arg(arg);
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

/// For an mbox patch (`abiport fix --format-patch`, `text`), the single directory of the
/// tree under which every file the patch changes (and does not create) exists.
fn unit_dir_for(root: &Path, text: &[u8]) -> Option<PathBuf> {
    if !text.starts_with(b"From ") {
        return None;
    }
    let files: Vec<PathBuf> = patched_paths(text)
        .into_iter()
        .filter_map(|f| f.old)
        .collect();
    if files.is_empty() {
        return None;
    }
    let mut found: Vec<PathBuf> = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let dir = root.join(&rel);
        if !rel.as_os_str().is_empty() && files.iter().all(|f| dir.join(f).is_file()) {
            found.push(rel.clone());
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
    fn cover_letters_are_told_from_patches() {
        let cover = b"From 0000 Mon Sep 17 00:00:00 2001\nFrom: a <b@c>\nSubject: [PATCH 0/1] x: y\n\nbody\n-- \nabiport 0.1.0\n";
        assert!(is_cover_letter(cover));
        let patch = b"From 0000 Mon Sep 17 00:00:00 2001\nSubject: [PATCH 1/1] x: y\n\n---\ndiff --git a/f b/f\n";
        assert!(!is_cover_letter(patch));
        // A cover-letter subject with a diff is a patch to apply (and judge).
        let both = b"From 0\nSubject: [PATCH 0/1] x\n\ndiff --git a/f b/f\n";
        assert!(!is_cover_letter(both));
        assert!(!is_cover_letter(b"diff --git a/f b/f\n"));
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
        let p = Path::new;
        assert_eq!(escaping_link(&t.0, None, p("root")).unwrap(), "root → /");
        assert!(escaping_link(&t.0, None, p("inside")).is_none());
        assert!(escaping_link(&t.0, None, p("f.go")).is_none());
    }

    fn both(old: Option<&str>, new: Option<&str>) -> PatchedFile {
        PatchedFile {
            old: old.map(PathBuf::from),
            new: new.map(PathBuf::from),
        }
    }

    #[test]
    fn patched_paths_reads_names_as_git_writes_them() {
        let same = |n: &str| both(Some(n), Some(n));
        let text = concat!(
            "diff --git a/a.go b/a.go\n--- a/a.go\n+++ b/a.go\n@@ -1 +1 @@\n--- a/x\n+++ b/y\n",
            "diff --git \"a/dir/\\303\\251.go\" \"b/dir/\\303\\251.go\"\n",
            "--- \"a/dir/\\303\\251.go\"\n+++ \"b/dir/\\303\\251.go\"\n@@ -1 +1 @@\n",
            "diff --git a/sp ace.go b/sp ace.go\n--- a/sp ace.go\t\n+++ b/sp ace.go\t\n",
            "diff --git \"a/t\\tab b.go\" \"b/t\\tab b.go\"\nold mode 100644\nnew mode 100755\n",
            "diff --git a/b b/c b/b b/c\n",
            "diff --git a/new.go b/new.go\nnew file mode 100644\n--- /dev/null\n+++ b/new.go\n",
            "diff --git a/gone.go b/gone.go\ndeleted file mode 100644\n--- a/gone.go\n+++ /dev/null\n",
            "diff --git a/old name b/new name\nsimilarity index 100%\nrename from old name\nrename to new name\n",
            "diff --git a/l b/l\nnew file mode 120000\nGIT binary patch\nliteral 1\n",
            "diff --git a/../up b/../up\n--- a/../up\n+++ b/../up\n",
        );
        assert_eq!(
            patched_paths(text.as_bytes()),
            vec![
                same("a.go"),
                same("dir/é.go"),
                same("sp ace.go"),
                same("t\tab b.go"),
                same("b b/c"),
                both(None, Some("new.go")),
                both(Some("gone.go"), None),
                both(Some("old name"), Some("new name")),
                both(None, Some("l")),
                both(None, None),
            ]
        );
    }

    #[test]
    fn growth_counts_added_lines_and_declared_binary_sizes() {
        assert_eq!(declared_growth(b"@@ -1 +1,2 @@\n a\n+bc\n-d\n").unwrap(), 3);
        let literal = b"GIT binary patch\nliteral 1048576\nzc\n\nliteral 0\nHcmV?d00001\n\n";
        assert_eq!(declared_growth(literal).unwrap(), 1_048_576);
        assert!(declared_growth(b"GIT binary patch\nliteral lots\n").is_err());
        assert!(declared_growth(b"GIT binary patch\ndelta 12\nzzz\n\n").is_err());
    }
}
