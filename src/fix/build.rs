//! `verify --build`: compile the tree before and after a patch set with the installed Go,
//! for every target arch (and the reference arch) under each judged cgo setting, and
//! compare per package ([`BuildReport`]).
//!
//! Both trees are built from private copies (the user's tree is never written, and a
//! GOPATH-era tree must sit at `$GOPATH/src/<import path>`). The user's build cache
//! (`GOCACHE`) is reused: it is content-addressed and safe for concurrent use, and a
//! private one would rebuild the standard library for every arch on every run.
//!
//! Per column (arch × cgo setting) and tree: `go list -e -deps -json ./...` gives the
//! packages and their load errors; the packages that load are built with one
//! `go build -gcflags=-e -o /dev/null PKG…`, whose `# import/path` sections say which failed.
//! A package whose dependency failed is `dep`.

use super::verify::{copy_tree, private_temp_dir};
use crate::arch::Arch;
use crate::constraints::{Cgo, CgoSet};
use crate::error::{Result, UserError};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// Compiler lines kept per failing package.
const ERROR_LINES: usize = 8;

/// What to build.
#[derive(Debug, Clone)]
pub struct BuildRequest {
    pub targets: crate::arch::ArchSet,
    pub reference: Arch,
    pub configs: CgoSet,
    pub tags: Vec<String>,
    /// Builds run at once (each `go build` runs its own compile jobs too).
    pub jobs: usize,
    /// The import path of a tree without go.mod (placed at `$GOPATH/src/<it>`).
    pub import_path: Option<String>,
}

/// The installed Go, checked to build for the arches asked.
#[derive(Debug, Clone)]
pub struct Toolchain {
    pub go: PathBuf,
    /// `go1.19.8`.
    pub version: String,
    /// `GOHOSTARCH`: its C compiler is plain `gcc`.
    pub host_arch: String,
}

/// The go command on PATH, and that it knows every arch of `arches`: an error naming the
/// Debian package otherwise (never a silent skip).
pub fn toolchain(arches: impl IntoIterator<Item = Arch>) -> Result<Toolchain> {
    let missing = || {
        UserError::new("`verify --build` needs the go command, and `go` is not on PATH")
            .with_help("install Debian's Go: apt-get install golang-go")
    };
    let go = find_on_path("go").ok_or_else(missing)?;
    let run = |args: &[&str]| -> Result<String> {
        let out = Command::new(&go)
            .args(args)
            .env("GOTOOLCHAIN", "local")
            .stdin(Stdio::null())
            .output()
            .map_err(|e| {
                UserError::new(format!("cannot run {}: {e}", go.display()))
                    .with_help("install Debian's Go: apt-get install golang-go")
            })?;
        if !out.status.success() {
            return Err(UserError::new(format!(
                "`{} {}` failed: {}",
                go.display(),
                args.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            ))
            .with_help("check the Go installation (Debian package golang-go)"));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let version = run(&["env", "GOVERSION"])?.trim().to_string();
    let host_arch = run(&["env", "GOHOSTARCH"])?.trim().to_string();
    let known = known_arches(&run(&["tool", "dist", "list"])?);
    let unsupported: Vec<&str> = arches
        .into_iter()
        .map(Arch::name)
        .filter(|a| !known.contains(*a))
        .collect();
    if !unsupported.is_empty() {
        return Err(UserError::new(format!(
            "the installed Go ({version}, {}) cannot build for GOARCH={}",
            go.display(),
            unsupported.join(",")
        ))
        .with_help(
            "install a Go release that supports it (Debian package golang-go, or a newer \
             golang-1.NN-go from backports), or leave the arch out of --arch",
        ));
    }
    Ok(Toolchain {
        go,
        version,
        host_arch,
    })
}

fn find_on_path(tool: &str) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(tool))
        .find(|p| {
            std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

/// The linux GOARCHes of `go tool dist list`.
fn known_arches(list: &str) -> BTreeSet<String> {
    list.lines()
        .filter_map(|l| l.trim().strip_prefix("linux/"))
        .map(String::from)
        .collect()
}

/// Debian's GNU triplet and architecture name for a GOARCH (`gcc-<triplet>`,
/// `libc6-dev-<debian>-cross`).
fn debian_triplet(arch: Arch) -> (&'static str, &'static str) {
    match arch {
        Arch::I386 => ("i686-linux-gnu", "i386"),
        Arch::Amd64 => ("x86_64-linux-gnu", "amd64"),
        Arch::Arm => ("arm-linux-gnueabihf", "armhf"),
        Arch::Arm64 => ("aarch64-linux-gnu", "arm64"),
        Arch::Loong64 => ("loongarch64-linux-gnu", "loong64"),
        Arch::Mips => ("mips-linux-gnu", "mips"),
        Arch::Mipsle => ("mipsel-linux-gnu", "mipsel"),
        Arch::Mips64 => ("mips64-linux-gnuabi64", "mips64"),
        Arch::Mips64le => ("mips64el-linux-gnuabi64", "mips64el"),
        Arch::Ppc64 => ("powerpc64-linux-gnu", "ppc64"),
        Arch::Ppc64le => ("powerpc64le-linux-gnu", "ppc64el"),
        Arch::Riscv64 => ("riscv64-linux-gnu", "riscv64"),
        Arch::S390x => ("s390x-linux-gnu", "s390x"),
    }
}

/// The C compiler a `CGO_ENABLED=1` build for `arch` uses: `gcc` on the host arch, else
/// Debian's `<triplet>-gcc`, if it compiles against its C library; else why not (a note
/// naming the Debian package).
fn c_compiler(arch: Arch, host_arch: &str) -> std::result::Result<String, String> {
    let (triplet, debian) = debian_triplet(arch);
    let (cc, package) = if arch.name() == host_arch {
        ("gcc".to_string(), "gcc".to_string())
    } else {
        (format!("{triplet}-gcc"), format!("gcc-{triplet}"))
    };
    let Some(path) = find_on_path(&cc) else {
        return Err(format!(
            "no C compiler `{cc}` on PATH (Debian package {package})"
        ));
    };
    // cgo needs the target's C library headers too.
    let probe = Command::new(&path)
        .args(["-x", "c", "-c", "-o", "/dev/null", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            if let Some(mut stdin) = child.stdin.take() {
                stdin.write_all(b"#include <stdlib.h>\nint abiport_probe;\n")?;
            }
            child.wait()
        });
    match probe {
        Ok(status) if status.success() => Ok(cc),
        _ => Err(format!(
            "`{cc}` cannot compile against the C library for {} (Debian package {})",
            arch.name(),
            if arch.name() == host_arch {
                "libc6-dev".to_string()
            } else {
                format!("libc6-dev-{debian}-cross")
            }
        )),
    }
}

/// One column of the matrix: an arch under one cgo setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub arch: Arch,
    pub cgo: Cgo,
    /// `CC` for a `CGO_ENABLED=1` build.
    pub cc: Option<String>,
}

impl Column {
    /// `mips64le`, or `mips64le+cgo` for `CGO_ENABLED=1`.
    pub fn label(&self) -> String {
        match self.cgo {
            Cgo::Off => self.arch.name().to_string(),
            Cgo::On => format!("{}+cgo", self.arch.name()),
        }
    }
}

/// A package's build in one tree and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    Ok,
    /// Its own errors (the compiler's first lines, or go's load error).
    Fail(Vec<String>),
    /// It did not build because this dependency failed.
    Dep(String),
    /// No package for this column: every file excluded by constraints, or absent from the tree.
    None,
}

impl Status {
    pub fn fails(&self) -> bool {
        matches!(self, Status::Fail(_) | Status::Dep(_))
    }
    pub fn word(&self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Fail(_) => "FAIL",
            Status::Dep(_) => "dep",
            Status::None => "-",
        }
    }
}

/// What a cell means for the gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellVerdict {
    /// Builds after (or is not built for this column either time).
    Ok,
    /// Failed before, builds after.
    Fixed,
    /// Built before (or did not exist), fails after: fatal.
    Broken,
    /// Fails before and after, though it did build for the reference arch: fatal.
    StillFails,
    /// Fails before and after, and failed for the reference arch before too: reported,
    /// not fatal (the patch set cannot be blamed for it).
    BrokenUpstream,
}

impl CellVerdict {
    pub fn fatal(self) -> bool {
        matches!(self, CellVerdict::Broken | CellVerdict::StillFails)
    }
    pub fn name(self) -> &'static str {
        match self {
            CellVerdict::Ok => "ok",
            CellVerdict::Fixed => "fixed",
            CellVerdict::Broken => "broken",
            CellVerdict::StillFails => "still-fails",
            CellVerdict::BrokenUpstream => "broken-upstream",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Cell {
    pub before: Status,
    pub after: Status,
    pub verdict: CellVerdict,
}

impl Cell {
    /// `ok`, `FAIL`, or `FAIL→ok` when the patches changed it.
    pub fn text(&self) -> String {
        if self.before.word() == self.after.word() {
            self.before.word().to_string()
        } else {
            format!("{}→{}", self.before.word(), self.after.word())
        }
    }
}

#[derive(Debug, Clone)]
pub struct Row {
    /// `./pkg/devices` for a package of the tree, else its import path.
    pub package: String,
    pub import_path: String,
    /// One per column.
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone)]
pub struct BuildReport {
    pub go_version: String,
    /// The arch whose failures before the patches make a package broken upstream.
    pub reference: Arch,
    /// `module` or `gopath`.
    pub mode: &'static str,
    pub columns: Vec<Column>,
    /// Columns not built, with why (no cross C compiler for a cgo build).
    pub skipped: Vec<(Arch, Cgo, String)>,
    /// Sorted by package.
    pub rows: Vec<Row>,
    pub notes: Vec<String>,
}

impl BuildReport {
    pub fn passed(&self) -> bool {
        self.rows
            .iter()
            .all(|r| r.cells.iter().all(|c| !c.verdict.fatal()))
    }
    pub fn count(&self, v: CellVerdict) -> usize {
        self.rows
            .iter()
            .flat_map(|r| &r.cells)
            .filter(|c| c.verdict == v)
            .count()
    }
}

/// How a tree is built: module mode from its root, or GOPATH mode placed at
/// `$GOPATH/src/<import path>`.
#[derive(Debug, Clone)]
enum Mode {
    Module { vendored: bool },
    Gopath { import_path: String },
}

/// One tree ready to build.
struct Placed {
    /// Where the go command runs (the copy's root).
    dir: PathBuf,
    gopath: Option<PathBuf>,
}

/// Build `original` (the user's tree, only read) and `patched` (verify's copy) for every
/// column, and compare.
pub fn compare(
    tool: &Toolchain,
    original: &Path,
    patched: &Path,
    req: &BuildRequest,
) -> Result<BuildReport> {
    let mut notes = Vec::new();
    let mode = if original.join("go.mod").is_file() {
        Mode::Module {
            vendored: original.join("vendor/modules.txt").is_file(),
        }
    } else {
        if let Some(above) = original
            .ancestors()
            .skip(1)
            .find(|d| d.join("go.mod").is_file())
        {
            return Err(UserError::new(format!(
                "`verify --build` builds a module from its root; {} is inside the module at {}",
                original.display(),
                above.display()
            ))
            .with_help("verify the module's root directory"));
        }
        let import_path = match &req.import_path {
            Some(p) => p.trim_matches('/').to_string(),
            None => {
                let name = original
                    .canonicalize()
                    .ok()
                    .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                    .unwrap_or_else(|| "tree".into());
                notes.push(format!(
                    "no import path known for this tree without go.mod: built as `{name}` \
                     (give --import-path)"
                ));
                name
            }
        };
        Mode::Gopath { import_path }
    };
    let work = private_temp_dir()?;
    let place = |from: &Path, side: &str| -> Result<Placed> {
        let base = work.0.join(side);
        let (dir, gopath) = match &mode {
            Mode::Module { .. } => (base.clone(), None),
            Mode::Gopath { import_path } => (base.join("src").join(import_path), Some(base)),
        };
        copy_tree(from, &dir)
            .map_err(|e| UserError::new(format!("cannot copy {}: {e}", from.display())))?;
        Ok(Placed { dir, gopath })
    };
    let trees = [place(original, "before")?, place(patched, "after")?];

    let mut arches: Vec<Arch> = req.targets.iter().collect();
    if !arches.contains(&req.reference) {
        arches.insert(0, req.reference);
    }
    arches.sort_by_key(|a| (*a != req.reference, a.index()));
    let mut columns = Vec::new();
    let mut skipped = Vec::new();
    for cgo in req.configs.iter() {
        for &arch in &arches {
            match cgo {
                Cgo::Off => columns.push(Column {
                    arch,
                    cgo,
                    cc: None,
                }),
                Cgo::On => match c_compiler(arch, &tool.host_arch) {
                    Ok(cc) => columns.push(Column {
                        arch,
                        cgo,
                        cc: Some(cc),
                    }),
                    Err(why) => skipped.push((arch, cgo, why)),
                },
            }
        }
    }

    // (tree, column) builds, `jobs` at a time.
    let tasks: Vec<(usize, usize)> = (0..2)
        .flat_map(|t| (0..columns.len()).map(move |c| (t, c)))
        .collect();
    let results: Mutex<HashMap<(usize, usize), Result<ColumnBuild>>> = Mutex::new(HashMap::new());
    let next = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..req.jobs.clamp(1, tasks.len().max(1)) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(&(t, c)) = tasks.get(i) else {
                    return;
                };
                let r = build_column(tool, &trees[t], &mode, &columns[c], &req.tags);
                if let Ok(mut m) = results.lock() {
                    m.insert((t, c), r);
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_default();
    let mut builds: [Vec<ColumnBuild>; 2] = [Vec::new(), Vec::new()];
    for &(t, c) in &tasks {
        let r = results.remove(&(t, c)).unwrap_or_else(|| {
            Err(UserError::new(format!(
                "the build for {} did not finish",
                columns[c].label()
            )))
        })?;
        builds[t].push(r);
    }

    // Rows: every non-standard package either tree has in any column.
    let mut names: BTreeMap<String, String> = BTreeMap::new();
    for b in builds.iter().flatten() {
        for (ip, (name, _)) in &b.packages {
            names.entry(ip.clone()).or_insert_with(|| name.clone());
        }
    }
    let ref_column = |cgo: Cgo| {
        columns
            .iter()
            .position(|c| c.arch == req.reference && c.cgo == cgo)
    };
    let status = |t: usize, c: usize, ip: &str| {
        builds[t][c]
            .packages
            .get(ip)
            .map_or(Status::None, |(_, s)| s.clone())
    };
    let mut rows: Vec<Row> = names
        .into_iter()
        .map(|(ip, package)| {
            let cells = columns
                .iter()
                .enumerate()
                .map(|(c, col)| {
                    let (before, after) = (status(0, c, &ip), status(1, c, &ip));
                    let ref_failed_before =
                        ref_column(col.cgo).is_some_and(|r| status(0, r, &ip).fails());
                    let verdict = cell_verdict(&before, &after, ref_failed_before);
                    Cell {
                        before,
                        after,
                        verdict,
                    }
                })
                .collect();
            Row {
                package,
                import_path: ip,
                cells,
            }
        })
        .collect();
    rows.sort_by(|a, b| a.package.cmp(&b.package));
    Ok(BuildReport {
        go_version: tool.version.clone(),
        reference: req.reference,
        mode: match mode {
            Mode::Module { .. } => "module",
            Mode::Gopath { .. } => "gopath",
        },
        columns,
        skipped,
        rows,
        notes,
    })
}

fn cell_verdict(before: &Status, after: &Status, ref_failed_before: bool) -> CellVerdict {
    match (before.fails(), after.fails()) {
        (false, false) => CellVerdict::Ok,
        (true, false) => CellVerdict::Fixed,
        (false, true) => CellVerdict::Broken,
        (true, true) if ref_failed_before => CellVerdict::BrokenUpstream,
        (true, true) => CellVerdict::StillFails,
    }
}

/// One tree built for one column: import path → (display name, status).
struct ColumnBuild {
    packages: BTreeMap<String, (String, Status)>,
}

/// What `go list -json` says of a package (the fields used).
#[derive(serde::Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct Listed {
    import_path: String,
    dir: String,
    standard: bool,
    error: Option<ListError>,
    deps_errors: Vec<ListError>,
    deps: Vec<String>,
}

#[derive(serde::Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct ListError {
    err: String,
}

fn go_command(tool: &Toolchain, tree: &Placed, mode: &Mode, col: &Column) -> Command {
    let mut cmd = Command::new(&tool.go);
    cmd.current_dir(&tree.dir)
        .stdin(Stdio::null())
        .env("GOOS", "linux")
        .env("GOARCH", col.arch.name())
        .env("CGO_ENABLED", if col.cgo == Cgo::On { "1" } else { "0" })
        .env("GOPROXY", "off")
        .env("GOSUMDB", "off")
        .env("GOWORK", "off")
        .env("GOTOOLCHAIN", "local")
        // The go command would trust $PWD over the copy's real path.
        .env("PWD", &tree.dir);
    if let Some(cc) = &col.cc {
        cmd.env("CC", cc);
    }
    match mode {
        Mode::Module { vendored } => {
            cmd.env("GO111MODULE", "on").env(
                "GOFLAGS",
                if *vendored { "-mod=vendor" } else { "-mod=mod" },
            );
        }
        Mode::Gopath { .. } => {
            cmd.env("GO111MODULE", "off").env("GOFLAGS", "");
            if let Some(gopath) = &tree.gopath {
                cmd.env("GOPATH", gopath);
            }
        }
    }
    cmd
}

fn tags_arg(tags: &[String]) -> Option<String> {
    (!tags.is_empty()).then(|| format!("-tags={}", tags.join(",")))
}

fn build_column(
    tool: &Toolchain,
    tree: &Placed,
    mode: &Mode,
    col: &Column,
    tags: &[String],
) -> Result<ColumnBuild> {
    let run_failed = |what: &str, e: std::io::Error| {
        UserError::new(format!("cannot run `go {what}`: {e}"))
            .with_help("install Debian's Go: apt-get install golang-go")
    };
    let mut list = go_command(tool, tree, mode, col);
    list.args(["list", "-e", "-deps", "-json"]);
    list.args(tags_arg(tags));
    list.arg("./...");
    let out = list.output().map_err(|e| run_failed("list", e))?;
    let listed: Vec<Listed> = serde_json::Deserializer::from_slice(&out.stdout)
        .into_iter::<Listed>()
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| {
            UserError::new(format!(
                "`go list` for {} gave unreadable output ({e}): {}",
                col.label(),
                String::from_utf8_lossy(&out.stderr).trim()
            ))
        })?;
    if listed.is_empty() && !out.status.success() {
        // The whole tree fails to load (inconsistent vendoring, a bad go.mod): one row,
        // so a patch set that causes it is caught like any other failure.
        let lines = first_lines(&String::from_utf8_lossy(&out.stderr));
        let packages = BTreeMap::from([(String::new(), ("(go list)".into(), Status::Fail(lines)))]);
        return Ok(ColumnBuild { packages });
    }
    let root = tree.dir.to_string_lossy().into_owned();
    // Messages name the copy's files as the tree's (and read the same before and after).
    let unplace = |lines: Vec<String>| -> Vec<String> {
        lines
            .into_iter()
            .map(|l| l.replace(root.as_str(), "."))
            .collect()
    };
    let name = |p: &Listed| match p.dir.strip_prefix(root.as_str()) {
        Some("") => ".".to_string(),
        Some(rest) if rest.starts_with('/') => format!(".{rest}"),
        _ => p.import_path.clone(),
    };
    let mut statuses: BTreeMap<String, Status> = BTreeMap::new();
    let mut to_build = Vec::new();
    for p in listed.iter().filter(|p| !p.standard) {
        let status = match (&p.error, p.deps_errors.first()) {
            (Some(e), _) if is_excluded(&e.err) => Status::None,
            (Some(e), _) => Status::Fail(unplace(first_lines(&e.err))),
            (None, Some(e)) => Status::Dep(one_line(&e.err).replace(root.as_str(), ".")),
            (None, None) => {
                to_build.push(p.import_path.clone());
                Status::Ok
            }
        };
        statuses.insert(p.import_path.clone(), status);
    }
    if !to_build.is_empty() {
        let mut build = go_command(tool, tree, mode, col);
        // No VCS stamp: the copies have no .git (and a temp dir inside some repository
        // would make the go command fail on it).
        build.args(["build", "-buildvcs=false", "-gcflags=-e", "-o", "/dev/null"]);
        build.args(tags_arg(tags));
        build.args(&to_build);
        let out = build.output().map_err(|e| run_failed("build", e))?;
        if !out.status.success() {
            let text = String::from_utf8_lossy(&out.stderr);
            let failed = failed_sections(&text);
            if failed.is_empty() {
                // Not one package's fault (a broken module or vendor tree): all fail.
                let lines = unplace(first_lines(&text));
                for ip in &to_build {
                    statuses.insert(ip.clone(), Status::Fail(lines.clone()));
                }
            } else {
                for p in listed.iter().filter(|p| to_build.contains(&p.import_path)) {
                    let status = match failed.get(&p.import_path) {
                        Some(lines) => Status::Fail(unplace(lines.clone())),
                        None => match p.deps.iter().find(|d| failed.contains_key(*d)) {
                            Some(dep) => Status::Dep(dep.clone()),
                            None => Status::Ok,
                        },
                    };
                    statuses.insert(p.import_path.clone(), status);
                }
            }
        }
    }
    let packages = listed
        .iter()
        .filter(|p| !p.standard)
        .filter_map(|p| {
            let status = statuses.remove(&p.import_path)?;
            Some((p.import_path.clone(), (name(p), status)))
        })
        .collect();
    Ok(ColumnBuild { packages })
}

fn is_excluded(err: &str) -> bool {
    err.contains("build constraints exclude all Go files") || err.contains("no non-test Go files")
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn first_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim_end)
        .filter(|l| !l.is_empty())
        .take(ERROR_LINES)
        .map(String::from)
        .collect()
}

/// `go build` output split at its `# import/path` headers: the packages that failed, each
/// with its first lines.
fn failed_sections(text: &str) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        if let Some(ip) = line.strip_prefix("# ") {
            let ip = ip.trim();
            // `# pkg [pkg.test]` for test variants; builds have none, but be safe.
            let ip = ip.split(' ').next().unwrap_or(ip).to_string();
            out.entry(ip.clone()).or_default();
            current = Some(ip);
        } else if let Some(ip) = &current {
            let lines = out.entry(ip.clone()).or_default();
            if lines.len() < ERROR_LINES && !line.trim().is_empty() {
                lines.push(line.trim_end().to_string());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_output_splits_per_package() {
        let text = "# example.com/p/broken\nbroken/b.go:3:13: cannot use \"s\"\n\
                    # example.com/p/dev\ndev/dev.go:6:17: cannot use st.Rdev\nnote: module requires Go 1.21\n";
        let s = failed_sections(text);
        assert_eq!(s.len(), 2);
        assert_eq!(
            s["example.com/p/broken"],
            ["broken/b.go:3:13: cannot use \"s\""]
        );
        assert_eq!(s["example.com/p/dev"].len(), 2);
    }

    #[test]
    fn verdicts_blame_the_patches_only_for_what_they_change() {
        let fail = Status::Fail(vec!["x".into()]);
        let dep = Status::Dep("y".into());
        use CellVerdict::*;
        assert_eq!(cell_verdict(&Status::Ok, &Status::Ok, false), Ok);
        assert_eq!(cell_verdict(&fail, &Status::Ok, false), Fixed);
        assert_eq!(cell_verdict(&Status::Ok, &fail, false), Broken);
        assert_eq!(cell_verdict(&Status::None, &dep, false), Broken);
        assert_eq!(cell_verdict(&fail, &fail, false), StillFails);
        assert_eq!(cell_verdict(&fail, &dep, true), BrokenUpstream);
        assert_eq!(cell_verdict(&Status::None, &Status::None, false), Ok);
        assert!(Broken.fatal() && StillFails.fatal() && !BrokenUpstream.fatal());
    }

    #[test]
    fn dist_list_gives_linux_arches() {
        let k = known_arches("aix/ppc64\nlinux/386\nlinux/mips64le\nwindows/amd64\n");
        assert_eq!(k.into_iter().collect::<Vec<_>>(), ["386", "mips64le"]);
    }

    #[test]
    fn cells_show_the_change() {
        let cell = |before, after| Cell {
            before,
            after,
            verdict: CellVerdict::Ok,
        };
        assert_eq!(cell(Status::Fail(vec![]), Status::Ok).text(), "FAIL→ok");
        assert_eq!(cell(Status::Ok, Status::Ok).text(), "ok");
        assert_eq!(cell(Status::None, Status::None).text(), "-");
    }
}
