//! The scan pipeline (library): walk → constraints → parse → index → rules → fixes, from
//! [`ScanOptions`] to a [`ScanOutput`] (findings, notes, statistics); `abiport scan` renders it.
//!
//! Pass 1 reads every Go file but only looks at its header (build constraints, package,
//! imports). Only files that can matter — files of packages whose declarations differ
//! between the reference arch and a target, and files importing such packages or the
//! syscall packages — get a tree-sitter parse in pass 2, without the function bodies and
//! package-level literals that none of the rules checking the file reads (`Rule::bodies`).

use crate::arch::{Arch, ArchSet};
use crate::constraints::{self, BuildConfig, Cgo, CgoSet};
use crate::edit::{FixCtx, FixOptions, Parsed};
use crate::error::{Result, UserError};
use crate::finding::{self, Finding};
use crate::header;
use crate::image;
use crate::index::{self, FileId, FileInfo, Index, Target};
use crate::report;
use crate::rules::build_file::{BuildFileCtx, TreeFacts};
use crate::rules::{self, Rule, TypeNeed};
use crate::suppress;
use crate::syntax::{self, FileSyntax};
use crate::types::FileCtx;
use crate::walk::{self, BuildFileKind, Note, Sources, WalkOptions};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

#[derive(Clone)]
pub struct ScanOptions {
    pub root: PathBuf,
    pub targets: ArchSet,
    pub reference: Arch,
    pub rules: Vec<&'static dyn Rule>,
    pub walk: WalkOptions,
    /// The build configuration; its `cgo` is set per judged setting from `configs`.
    pub build: BuildConfig,
    /// The cgo settings judged (`--cgo on|off|both`): both by default, as a native build
    /// on the target runs with cgo and a cross build without.
    pub configs: CgoSet,
    /// How fix builders build (`fix --unsafe-fixes`, plain conversions).
    pub fixes: FixOptions,
    /// Print when each phase is done, on stderr (`ABIPORT_TIMING`).
    pub timing: bool,
    /// Report only this file or directory (root-relative): `abiport scan cmd` inside a
    /// module, or `scan dir/x.go`, judges the enclosing module (its vendor/, sibling
    /// packages) and reports what lies under the path, as the go command does
    /// ([`enclosing_root`]).
    pub only_path: Option<String>,
    /// The import path of a root without go.mod (`--import-path`); inferred when `None`.
    pub import_path: Option<String>,
    /// abiport.toml's per-rule severities and per-path overrides, run on the findings.
    pub policy: Option<crate::config::Policy>,
    /// The reviewed ignore file (`--ignore-file`); `None`: `abiport-ignore.toml` at the
    /// root, when there is one.
    pub ignore_file: Option<PathBuf>,
    /// Report every finding as if no directive or ignore file existed
    /// (`--ignore-suppressions`, like ruff's `--ignore-noqa`): what the code does, for a
    /// comparison with the compiler or an audit of what was accepted.
    pub ignore_suppressions: bool,
    /// Told the name of each phase as it ends (`walk`, `headers`, `index`, …) and how many
    /// Go files the walk found: the command line's progress spinner.
    pub progress: Option<PhaseHook>,
    /// abiport.toml's `[[base-image]]` entries (TOML), tried before the built-in table.
    pub base_images: Option<String>,
    /// Local images whose platforms base-image-platform believes before any table: a
    /// store directory of layouts and archives (`--image-store`, `image-store`) …
    pub image_store: Option<PathBuf>,
    /// … and layouts or archives named for one image each (`[[base-image]]` `image` and
    /// `layout`).
    pub image_layouts: Vec<(String, PathBuf)>,
    /// Parse every file a rule's header test (`Rule::wants`) keeps, skipping the token
    /// prefilters (`Rule::plan_source`): slower, and the same findings, which the
    /// prefilters' soundness test checks.
    pub skip_token_prefilters: bool,
    /// Parse every planned file whole, the function bodies no rule reads too
    /// (`Rule::bodies`): slower, and the same findings, which the soundness test checks.
    pub whole_files: bool,
    /// The process exits when the scan returns (the command line): the scan's large
    /// structures (the indexes, the trees with findings, the walk's files) are left to the
    /// OS rather than freed, tens of thousands of frees that took 10-20 ms of CPU beside
    /// the scan on two cores. Library users and tests keep the default, `false`.
    pub exits_after: bool,
}

/// Called with the name of each phase of [`analyze`] as it ends, and the number of Go files
/// walked (0 until the walk is done).
pub type PhaseHook = Arc<dyn Fn(&str, usize) + Send + Sync>;

pub use crate::report::Stats;

pub struct ScanOutput {
    pub findings: Vec<Finding>,
    pub notes: Vec<Note>,
    pub stats: Stats,
    /// How often type inference gave up, summed over the checked files (`scan --stats`).
    pub type_gave_up: usize,
    /// SHA-256 of the bytes analysed, per file a fix edits (root-relative, as in
    /// [`finding::Fix::file`]): `fix --apply` writes only files still holding those bytes.
    pub analysed: HashMap<String, walk::Digest>,
    /// The cgo settings judged: a finding whose `configs` is narrower breaks only there.
    pub configs: CgoSet,
    /// The root's import path when it has no go.mod (given or inferred; see
    /// `index::resolve::Resolver::root_path`); `None` for several roots.
    pub import_path: Option<String>,
}

impl ScanOptions {
    /// A scan of `root` for `targets` against `reference` with every rule, the default walk
    /// (test files kept, one thread per core) and build configuration, no unsafe fixes and
    /// no timing: `abiport scan`'s defaults, for library users and tests.
    pub fn new(root: impl Into<PathBuf>, targets: ArchSet, reference: Arch) -> ScanOptions {
        ScanOptions {
            root: root.into(),
            targets,
            reference,
            rules: rules::RULES.to_vec(),
            walk: WalkOptions::default(),
            build: BuildConfig::default(),
            configs: CgoSet::BOTH,
            fixes: FixOptions::default(),
            timing: false,
            only_path: None,
            import_path: None,
            policy: None,
            ignore_file: None,
            ignore_suppressions: false,
            progress: None,
            base_images: None,
            image_store: None,
            image_layouts: Vec::new(),
            skip_token_prefilters: false,
            whole_files: false,
            exits_after: false,
        }
    }
}

/// A path argument as the go command reads a package pattern: a directory, `dir/...` (the
/// same: abiport always scans below a directory; `./...` is `.`), or one `.go` file, whose
/// directory is scanned for context while only the file is reported. Gives the directory
/// to scan and that file's name.
impl ScanOptions {
    /// Whether findings at `path` (root-relative) are reported: all, or those at or
    /// below [`ScanOptions::only_path`].
    pub fn reports(&self, path: &str) -> bool {
        self.only_path
            .as_deref()
            .is_none_or(|only| walk::covers(only, path))
    }

    /// Whether a note about `path` is shown: notes on what is reported, and on the build
    /// files above it that the whole module shares (its go.mod); not on Go files elsewhere
    /// in the module, read only for context.
    pub fn notes_on(&self, path: &str) -> bool {
        let Some(only) = self.only_path.as_deref() else {
            return true;
        };
        walk::covers(only, path)
            || (!path.ends_with(".go") && walk::covers(walk::dir_of(path), only))
    }

    /// Whether one `.go` file is reported (build files are then not read).
    pub fn only_one_file(&self) -> bool {
        self.only_path
            .as_deref()
            .is_some_and(|p| p.ends_with(".go") && walk::rel_to_path(&self.root, p).is_file())
    }
}

/// Files whose presence makes a directory a tree the go command resolves imports from
/// in GOPATH mode (a repository's top): its vendor/ and its dependency manifests.
const GOPATH_TREE_MARKERS: &[&str] = &[
    ".git",
    "vendor",
    "Godeps/Godeps.json",
    "glide.yaml",
    "Gopkg.lock",
    "vendor.conf",
];

/// The tree a directory of Go code is judged in, as the go command does: the nearest
/// directory above `dir` holding go.mod (the module), else, below a GOPATH-style `src/`,
/// the nearest holding `.git`, `vendor/` or a dependency manifest; with `only` (a file of
/// `dir`, or `dir` itself) as the root-relative path reported. `dir` itself when it holds
/// go.mod or nothing encloses it. The root keeps the form given (`corpus/demo/cmd` gives
/// `corpus/demo`, `.` in `cmd` gives `..`).
pub fn enclosing_root(dir: &Path, file: Option<String>) -> (PathBuf, Option<String>) {
    let unchanged = (dir.to_path_buf(), file.clone());
    if dir.join("go.mod").is_file() {
        return unchanged;
    }
    let Ok(abs) = std::path::absolute(dir) else {
        return unchanged;
    };
    let names: Vec<String> = abs
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(n) => Some(n.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    let levels_up = |pred: &dyn Fn(&Path) -> bool| -> Option<usize> {
        abs.ancestors()
            .enumerate()
            .skip(1)
            .find(|(_, a)| pred(a))
            .map(|(k, _)| k)
    };
    let module = levels_up(&|a: &Path| a.join("go.mod").is_file());
    let k = module.or_else(|| {
        // GOPATH mode: only below a `src/`, and not above it.
        let src = names.iter().rposition(|n| n == "src")?;
        let below_src = names.len() - src - 1;
        levels_up(&|a: &Path| {
            GOPATH_TREE_MARKERS
                .iter()
                .any(|m| std::fs::symlink_metadata(a.join(m)).is_ok())
        })
        .filter(|&k| k < below_src)
    });
    let Some(k) = k else {
        return unchanged;
    };
    let tail = &names[names.len() - k..];
    let mut only = tail.join("/");
    if let Some(f) = &file {
        only = format!("{only}/{f}");
    }
    // The root as the user wrote `dir`: its last k names dropped, else `..` added.
    let mut parts: Vec<std::path::Component> = dir
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .collect();
    let mut left = k;
    while left > 0 {
        match parts.last() {
            Some(std::path::Component::Normal(n))
                if n.to_string_lossy() == tail[left - 1].as_str() =>
            {
                parts.pop();
                left -= 1;
            }
            _ => break,
        }
    }
    let mut root: PathBuf = parts.iter().collect();
    for _ in 0..left {
        root.push("..");
    }
    if root.as_os_str().is_empty() {
        root = PathBuf::from(".");
    }
    (
        root,
        Some(walk::escape_path(std::ffi::OsStr::new(&only)).into_owned()),
    )
}

pub fn split_root(arg: &Path) -> Result<(PathBuf, Option<String>)> {
    let text = arg.to_string_lossy();
    let dir = if text == "..." {
        Some(".")
    } else {
        text.strip_suffix("/...")
    };
    if let Some(dir) = dir {
        let dir = if dir.is_empty() { "/" } else { dir };
        if dir.contains("...") {
            return Err(unsupported_pattern(&text));
        }
        return Ok((PathBuf::from(dir), None));
    }
    if text.contains("...") && !arg.exists() {
        return Err(unsupported_pattern(&text));
    }
    if arg.is_file() && arg.extension().is_some_and(|e| e == "go") {
        let name = arg
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let dir = match arg.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        return Ok((dir, Some(name)));
    }
    Ok((arg.to_path_buf(), None))
}

fn unsupported_pattern(text: &str) -> UserError {
    UserError::new(format!("unsupported pattern `{text}`"))
        .with_help("give directories, `dir/...` (the same as `dir`) or `.go` files")
}

/// The outputs of several roots as one, each root's paths prefixed with `prefix` (the root
/// as the user named it, `/`-terminated; "" for the current directory) so that every path
/// stays unambiguous and relative to where abiport runs.
pub fn merge_roots(outputs: Vec<(String, ScanOutput)>) -> ScanOutput {
    let mut merged = ScanOutput {
        findings: Vec::new(),
        notes: Vec::new(),
        stats: Stats::default(),
        type_gave_up: 0,
        analysed: HashMap::new(),
        configs: CgoSet::EMPTY,
        import_path: None,
    };
    for (prefix, out) in outputs {
        let at = |p: &str| format!("{prefix}{p}");
        merged
            .findings
            .extend(out.findings.into_iter().map(|f| f.prefix_paths(&prefix)));
        merged.notes.extend(out.notes.into_iter().map(|n| Note {
            path: at(&n.path),
            ..n
        }));
        merged.stats.files += out.stats.files;
        merged.stats.parsed_files += out.stats.parsed_files;
        merged.stats.bytes += out.stats.bytes;
        merged.stats.build_files += out.stats.build_files;
        merged.stats.seconds += out.stats.seconds;
        // Phases of the same name add up over the roots, in first-seen order.
        for phase in out.stats.phases {
            match merged
                .stats
                .phases
                .iter_mut()
                .find(|p| p.name == phase.name)
            {
                Some(p) => {
                    p.seconds += phase.seconds;
                    p.files += phase.files;
                    p.bytes += phase.bytes;
                }
                None => merged.stats.phases.push(phase),
            }
        }
        merged.type_gave_up += out.type_gave_up;
        merged
            .analysed
            .extend(out.analysed.into_iter().map(|(p, d)| (at(&p), d)));
        merged.configs = merged.configs.union(out.configs);
    }
    finding::normalize(&mut merged.findings);
    merged
        .notes
        .sort_by(|a, b| a.path.cmp(&b.path).then(a.message.cmp(&b.message)));
    merged.notes.dedup();
    merged
}

/// How a root is shown before its paths when several are scanned: as given, `/`-separated
/// and `/`-terminated, without a leading `./` ("" for `.`).
pub fn root_prefix(dir: &Path) -> String {
    let mut text = dir.to_string_lossy().replace('\\', "/");
    while let Some(rest) = text.strip_prefix("./") {
        text = rest.to_string();
    }
    let text = text.trim_end_matches('/');
    if text.is_empty() || text == "." {
        if dir.has_root() {
            return "/".into();
        }
        return String::new();
    }
    format!("{text}/")
}

/// Run the whole analysis. Never writes anything.
pub fn analyze(opts: &ScanOptions) -> Result<ScanOutput> {
    let start = Instant::now();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.walk.jobs)
        .build()
        .map_err(|e| UserError::new(format!("cannot start worker threads: {e}")))?;
    pool.install(|| analyze_in_pool(opts, start))
}

/// The phases of a scan as they end: wall time since the previous one, files and bytes
/// handled (`scan --stats`), and a line on stderr with `ABIPORT_TIMING`.
struct Laps {
    print: bool,
    progress: Option<PhaseHook>,
    /// Go files walked, for the progress hook (0 until the walk is done).
    walked_files: std::cell::Cell<usize>,
    start: Instant,
    last: std::cell::Cell<Instant>,
    /// The process's CPU seconds at the last lap.
    last_cpu: std::cell::Cell<Option<f64>>,
    phases: std::cell::RefCell<Vec<report::Phase>>,
    /// Appended to the names of a cgo setting's phases when two are judged.
    setting: std::cell::RefCell<String>,
}

impl Laps {
    fn new(print: bool, progress: Option<PhaseHook>, start: Instant) -> Laps {
        Laps {
            print,
            progress,
            walked_files: std::cell::Cell::new(0),
            start,
            last: std::cell::Cell::new(start),
            last_cpu: std::cell::Cell::new(process_cpu_seconds()),
            phases: Default::default(),
            setting: Default::default(),
        }
    }

    fn lap(&self, what: &str, files: usize, bytes: u64) {
        let now = Instant::now();
        let name = format!("{what}{}", self.setting.borrow());
        if let Some(hook) = &self.progress {
            hook(what, self.walked_files.get());
        }
        if self.print {
            eprintln!(
                "abiport: {name} done at {:.3} s",
                (now - self.start).as_secs_f64()
            );
        }
        let cpu_now = process_cpu_seconds();
        let process_cpu = cpu_now
            .zip(self.last_cpu.get())
            .map(|(now, before)| (now - before).max(0.0));
        self.last_cpu.set(cpu_now);
        self.phases.borrow_mut().push(report::Phase {
            name,
            seconds: (now - self.last.get()).as_secs_f64(),
            process_cpu,
            cpu: false,
            files,
            bytes,
        });
        self.last.set(now);
    }

    /// Work done on a pool thread beside the phases since the last lap, with its own time.
    fn beside(&self, name: &str, nanos: &AtomicU64, files: usize) {
        self.phases.borrow_mut().push(report::Phase {
            name: format!("{name} (beside the Go files)"),
            seconds: nanos.load(Ordering::Relaxed) as f64 / 1e9,
            cpu: true,
            process_cpu: None,
            files,
            bytes: 0,
        });
    }

    /// Per-file work inside the last phase, as CPU time summed over threads.
    fn cpu(&self, what: &str, nanos: &AtomicU64, files: usize, bytes: u64) {
        self.phases.borrow_mut().push(report::Phase {
            name: format!("  {what}{}", self.setting.borrow()),
            seconds: nanos.load(Ordering::Relaxed) as f64 / 1e9,
            cpu: true,
            process_cpu: None,
            files,
            bytes,
        });
    }
}

/// CPU time of the per-file work of the check phase, summed over the worker threads.
#[derive(Default)]
struct CheckTimes {
    parse: AtomicU64,
    /// The bytes tree-sitter read: function bodies no rule reads are left out.
    parsed_bytes: AtomicU64,
    /// Resolving each file's imports. (References to package-level names are collected
    /// inside the rules that read them, and counted there.)
    imports: AtomicU64,
    rules: AtomicU64,
    /// Files whose tree the other cgo setting's run parsed.
    reused: AtomicU64,
}

/// The CPU time this process has used so far, every thread, user and system (`None`
/// where the platform does not say).
pub fn process_cpu_seconds() -> Option<f64> {
    #[cfg(unix)]
    {
        let mut ru = std::mem::MaybeUninit::<libc::rusage>::zeroed();
        // SAFETY: `ru` is a valid, writable rusage; RUSAGE_SELF is a valid target.
        if unsafe { libc::getrusage(libc::RUSAGE_SELF, ru.as_mut_ptr()) } != 0 {
            return None;
        }
        // SAFETY: getrusage filled it.
        let ru = unsafe { ru.assume_init() };
        let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
        Some(secs(ru.ru_utime) + secs(ru.ru_stime))
    }
    #[cfg(not(unix))]
    None
}

fn since(t: Instant) -> u64 {
    t.elapsed().as_nanos().min(u64::MAX as u128) as u64
}

fn analyze_in_pool(opts: &ScanOptions, start: Instant) -> Result<ScanOutput> {
    let laps = Laps::new(opts.timing, opts.progress.clone(), start);
    let configs: Vec<Cgo> = opts.configs.iter().collect();
    let Some(&first) = configs.first() else {
        return Err(
            UserError::new("no cgo setting to judge").with_help("use --cgo on, off or both")
        );
    };
    let ignore_file = if opts.ignore_suppressions {
        None
    } else {
        load_ignore_file(opts)?
    };
    // Pass 1 (headers only, constraints evaluated for every judged cgo setting at once,
    // and which of the rules' words each file mentions: it is read whole here anyway) runs
    // on the walker's threads as each Go file is found.
    // The suppression marker is looked for in the same search as the rules' words.
    let needles = rules::Needles::with_words(&[suppress::MARKER], &opts.rules);
    // Boxed: the walk's lists of looks are grown, merged and sorted by moving them, and a
    // look is a few hundred bytes (the copies were a third of the pass's page faults).
    let look = |f: &walk::SourceFile| Box::new(first_look(opts, &configs, &needles, f));
    // The typed declarations the first setting's local types will read, lexed from the
    // walker threads' end in the idle time of the serial stretches that follow (the local
    // types phase takes what is done).
    let ahead_wanted = rules::reads_local_types(&opts.rules)
        && !opts.skip_token_prefilters
        && checks_go(&opts.rules);
    let ahead_cell: std::cell::OnceCell<Arc<TypedAhead>> = std::cell::OnceCell::new();
    let walked_hook = |looks: &[Option<Box<FirstLook>>]| {
        if ahead_wanted {
            let _ = ahead_cell.set(TypedAhead::start(&opts.root, looks));
        }
    };
    let (mut walked, firsts) =
        walk::collect_looking(&opts.root, &opts.walk, &look, &same_look, &walked_hook)?;
    let mut ahead = ahead_cell.into_inner();
    laps.walked_files.set(walked.files.len());
    laps.lap("walk", walked.files.len(), 0);
    let build_files = std::mem::take(&mut walked.build_files);
    let mut notes = walked.notes;
    let real_paths: HashMap<String, String> = walked
        .files
        .iter()
        .chain(build_files.iter().map(|(_, f)| f))
        .filter_map(|f| Some((f.rel.clone(), f.real.clone()?)))
        .collect();
    if let Some(ahead) = &ahead {
        ahead.link(&real_paths);
    }

    // The looks gathered in file order (one thread: moves and cache misses, 6-8 ms on
    // Debian's tree) beside the assembly files' looks, on the other.
    let asm_files = &walked.asm_files;
    let (gathered, asm_results) = rayon::join(
        || gather_looks(firsts),
        || {
            // Assembly, only for the rules that read it: each `.s` file's arches under each
            // cgo setting and its `TEXT` symbols.
            if rules::reads_assembly(&opts.rules) {
                asm_files
                    .par_iter()
                    .map(|f| asm_look(opts, &configs, f))
                    .collect()
            } else {
                Vec::new()
            }
        },
    );
    let Gathered {
        files,
        hits,
        by_cgo,
        mut directives,
        bytes,
        notes: first_notes,
    } = gathered;
    notes.extend(first_notes);
    let file_count = files.len();
    let mut asm_looks: Vec<(index::asm::AsmFile, [ArchSet; 2])> = Vec::new();
    for r in asm_results {
        match r {
            Ok(look) => asm_looks.push(look),
            Err(n) => notes.push(n),
        }
    }
    let asm_for = |cgo: Cgo| -> Vec<index::asm::AsmFile> {
        asm_looks
            .iter()
            .map(|(f, a)| index::asm::AsmFile {
                arches: a[cgo as usize],
                ..f.clone()
            })
            .collect()
    };
    laps.lap("headers", file_count, bytes);

    // The second setting changes only files whose constraints read cgo (or that import
    // "C"): it is judged again only for those files' packages and the packages importing,
    // directly or not, one whose difference they can see (`CgoSensitive`).
    let second = configs.get(1).copied();
    // Without a rule that checks Go files, the second setting has nothing to judge.
    // Which of them the packages importing theirs can see is judged beside the first
    // setting's index (the files are read).
    let sensitive: Option<SensitivePackages> = second
        .filter(|_| checks_go(&opts.rules))
        .map(|_| by_cgo.iter().map(|a| a[0] != a[1]).collect::<Vec<bool>>())
        .filter(|s| s.contains(&true))
        .map(|files_differ| CgoSensitive::gather(&files, &by_cgo, files_differ));
    let two_settings = sensitive.is_some();
    // Build files (Makefiles, scripts, Dockerfiles, go.mod…) need only the walk: they are
    // checked on a pool thread beside the Go files' phases, whose serial stretches (index,
    // declarations) leave a core idle.
    let build_facts = (!opts.only_one_file()).then(|| {
        let mut facts = tree_facts(opts, &files, &by_cgo);
        facts.dockerfiles = build_files
            .iter()
            .filter(|(kind, _)| *kind == BuildFileKind::Dockerfile)
            .map(|(_, f)| f.rel.clone())
            .collect();
        if opts
            .rules
            .iter()
            .any(|r| r.meta().id == rules::base_image_platform::ID)
        {
            facts.local_images = local_images(opts, &mut notes);
        }
        facts
    });
    let build_nanos = AtomicU64::new(0);
    let mut build_checked: Option<BuildFilesChecked> = None;
    // The Go files under each judged cgo setting.
    let go_run = rayon::in_place_scope(|scope| -> Result<_> {
        if let Some(facts) = &build_facts {
            let (build_files, build_nanos, build_checked) =
                (&build_files, &build_nanos, &mut build_checked);
            scope.spawn(move |_| {
                let t = Instant::now();
                *build_checked = Some(check_build_files(opts, build_files, facts));
                build_nanos.store(since(t), Ordering::Relaxed);
            });
        }
        // Typed declarations depend on a file's bytes alone: the second setting reuses
        // them, and so the declarations the lexer finds.
        let mut decl_cache: Option<DeclCache> = two_settings.then(DeclCache::default);
        let shared_trees = SharedTrees::default();
        let modules = index::resolve::ModuleMemo::default();
        let spelled = OnceLock::new();
        let rels = OnceLock::new();
        let mut run = run_config(
            opts,
            first,
            ConfigFiles {
                // `files` hold the first setting's arches; they are moved through each
                // setting's index and handed back, not copied.
                go: files,
                hits: &hits,
                needles: &needles,
                asm: asm_for(first),
                go_mod_dirs: walked.go_mod_dirs.as_ref(),
                modules: &modules,
                spelled: &spelled,
                rels: &rels,
            },
            sensitive.map_or(Sensitivity::None, Sensitivity::Judge),
            None,
            Typed {
                reuse: index::TypedFiles::default(),
                hand_on: two_settings,
                decls: decl_cache.as_mut(),
                trees: two_settings.then_some(&shared_trees),
                ahead: ahead.take(),
                spent: None,
                resolutions: None,
            },
            &laps,
        )?;
        let mut affected = run.affected.clone();
        let mut findings = std::mem::take(&mut run.findings);
        let mut parsed_files = run.parsed_files;
        let mut type_gave_up = run.type_gave_up;
        let mut analysed = std::mem::take(&mut run.analysed);
        notes.append(&mut run.notes);
        let mut files = std::mem::take(&mut run.files);
        if let (Some(second), Some(sensitive)) = (second, run.sensitive.as_ref()) {
            *laps.setting.borrow_mut() = format!(" [{}]", second.name());
            for (f, a) in files.iter_mut().zip(&by_cgo) {
                f.arches = a[second as usize];
            }
            let mut other = run_config(
                opts,
                second,
                ConfigFiles {
                    go: files,
                    hits: &hits,
                    needles: &needles,
                    asm: asm_for(second),
                    go_mod_dirs: walked.go_mod_dirs.as_ref(),
                    modules: &modules,
                    spelled: &spelled,
                    rels: &rels,
                },
                Sensitivity::Judged(sensitive),
                Some(&run.affected),
                Typed {
                    reuse: std::mem::take(&mut run.typed),
                    hand_on: false,
                    decls: decl_cache.as_mut(),
                    trees: Some(&shared_trees),
                    ahead: None,
                    spent: run.spent.take(),
                    resolutions: run.resolutions.take(),
                },
                &laps,
            )?;
            laps.setting.borrow_mut().clear();
            files = std::mem::take(&mut other.files);
            for (a, b) in affected.iter_mut().zip(&other.affected) {
                *a |= *b;
            }
            for f in &mut findings {
                if affected.get(f.file).copied().unwrap_or(true) {
                    f.configs = CgoSet::single(first);
                }
            }
            for f in &mut other.findings {
                f.configs = CgoSet::single(second);
            }
            findings.append(&mut other.findings);
            parsed_files += other.parsed_files;
            type_gave_up += other.type_gave_up;
            analysed.extend(other.analysed);
            notes.append(&mut other.notes);
        }
        if let Some(spent) = run.spent.take() {
            dispose(opts, spent);
        }
        // Findings judged once hold for every judged setting.
        for f in &mut findings {
            if f.configs == CgoSet::BOTH {
                f.configs = opts.configs;
            }
        }
        Ok((
            findings,
            parsed_files,
            type_gave_up,
            analysed,
            files,
            run.import_path,
        ))
    });
    let (mut findings, parsed_files, type_gave_up, mut analysed, files, import_path) = go_run?;
    if let Some(mut checked) = build_checked {
        findings.append(&mut checked.findings);
        notes.append(&mut checked.notes);
        directives.append(&mut checked.directives);
        analysed.extend(checked.analysed);
        laps.beside("build files", &build_nanos, build_files.len());
    }
    // Freeing every file's info and path is a hundred thousand frees, which only delayed
    // the result (a tenth of a header-only scan's serial tail): done beside the rest, or
    // not at all when the process exits after the scan.
    let walked_files = std::mem::take(&mut walked.files);
    dispose(opts, (files, walked_files));
    if !real_paths.is_empty() {
        to_real_paths(&mut findings, &real_paths);
        analysed = analysed
            .into_iter()
            .map(|(rel, digest)| (real_paths.get(&rel).cloned().unwrap_or(rel), digest))
            .collect();
    }
    finding::normalize(&mut findings);
    if opts.only_path.is_some() {
        findings.retain(|f| opts.reports(&f.path));
    }
    // After the cut to what is reported: a use is folded only into a finding shown too.
    rules::undefined_on_arch::fold_dependents(&mut findings);
    anchor_judged(&opts.root, &mut findings);
    finding::number_occurrences(&mut findings);
    laps.lap("merge", 0, 0);
    // Suppressions, after every rule and fix: they narrow or drop findings whole.
    for d in &mut directives {
        if let Some(real) = real_paths.get(&d.path) {
            d.path = real.clone();
        }
    }
    let mut seen = HashSet::new();
    directives.retain(|d| seen.insert(d.path.clone()) && opts.reports(&d.path));
    let rules_run: Vec<&'static str> = opts.rules.iter().map(|r| r.meta().id).collect();
    let judged = suppress::Judged {
        rules: &rules_run,
        targets: opts.targets,
        configs: opts.configs,
        whole_tree: opts.only_path.is_none(),
    };
    if !opts.ignore_suppressions {
        for (path, digest) in
            suppress::apply(&mut findings, &directives, ignore_file.as_ref(), &judged)
        {
            analysed.entry(path).or_insert(digest);
        }
    }
    // The config's severities and per-path overrides, on what the suppressions left.
    if let Some(policy) = &opts.policy {
        policy.apply(&mut findings);
    }
    finding::normalize(&mut findings);
    notes.retain(|n| opts.notes_on(&n.path));
    notes.sort_by(|a, b| a.path.cmp(&b.path).then(a.message.cmp(&b.message)));
    notes.dedup();
    laps.lap("suppressions", directives.len(), 0);
    Ok(ScanOutput {
        findings,
        notes,
        stats: Stats {
            files: file_count,
            build_files: if !opts.only_one_file() {
                build_files.len()
            } else {
                0
            },
            parsed_files,
            bytes,
            seconds: start.elapsed().as_secs_f64(),
            phases: laps.phases.into_inner(),
        },
        type_gave_up,
        analysed,
        configs: opts.configs,
        import_path,
    })
}

/// What the build-file rules may ask about the tree's Go code.
fn tree_facts(opts: &ScanOptions, files: &[FileInfo], by_cgo: &[[ArchSet; 2]]) -> TreeFacts {
    let xsys_users = files
        .iter()
        .zip(by_cgo)
        .filter(|(f, _)| f.imports.iter().any(|i| i.path == "golang.org/x/sys/unix"))
        .map(|(f, a)| (f.rel.clone(), a[0].union(a[1])))
        .filter(|(_, a)| !a.is_empty())
        .collect();
    TreeFacts {
        root: opts.root.clone(),
        xsys_users,
        extra_base_images: opts.base_images.clone(),
        local_images: Vec::new(),
        dockerfiles: Vec::new(),
    }
}

/// The images of `--image-store` and of `[[base-image]]` layouts, each layout's image
/// named as the config names it; what cannot be read is an unreadable-input note.
fn local_images(opts: &ScanOptions, notes: &mut Vec<Note>) -> Vec<image::LocalImage> {
    let shown = |p: &Path| p.to_string_lossy().replace('\\', "/");
    let mut out = Vec::new();
    for (reference, path) in &opts.image_layouts {
        match image::read_images(path, &shown(path)) {
            Ok(found) => {
                let tag = reference.rsplit_once(':').map(|(_, t)| t);
                // One image, or the one recorded under the name or tag given.
                let chosen = match found.as_slice() {
                    [one] => Some(one),
                    many => many.iter().find(|i| {
                        i.refs
                            .iter()
                            .any(|r| r == reference || Some(r.as_str()) == tag)
                    }),
                };
                match chosen {
                    Some(i) => out.push(image::LocalImage {
                        refs: vec![reference.clone()],
                        ..i.clone()
                    }),
                    None => notes.push(Note::unreadable(
                        shown(path),
                        &format!("holds several images, none named `{reference}`"),
                    )),
                }
            }
            Err(e) => notes.push(Note::unreadable(shown(path), &e)),
        }
    }
    if let Some(dir) = &opts.image_store {
        match image::read_store(dir) {
            Ok((images, failed)) => {
                out.extend(images);
                for (p, e) in failed {
                    notes.push(Note::unreadable(shown(&p), &e));
                }
            }
            Err(e) => notes.push(Note::unreadable(shown(dir), &e)),
        }
    }
    out
}

/// What the build-file rules found, with the suppression directives of the files read
/// and the digests of the files their fixes edit.
struct BuildFilesChecked {
    findings: Vec<Finding>,
    notes: Vec<Note>,
    directives: Vec<suppress::FileDirectives>,
    analysed: HashMap<String, walk::Digest>,
}

/// One build file's findings, suppression directives, and digest when a fix edits it.
type OneBuildFile = (
    Vec<Finding>,
    Option<suppress::FileDirectives>,
    Option<(String, walk::Digest)>,
);

/// Run the selected build-file rules over the build files of their kinds: read as text,
/// no tree-sitter. A file without extension under `scripts/` or `hack/` is read as shell
/// only with a `sh`/`bash` shebang.
fn check_build_files(
    opts: &ScanOptions,
    build_files: &[(BuildFileKind, walk::SourceFile)],
    facts: &TreeFacts,
) -> BuildFilesChecked {
    let rules: Vec<&'static dyn Rule> = opts
        .rules
        .iter()
        .copied()
        .filter(|r| !r.build_file_kinds().is_empty())
        .collect();
    let per_file: Vec<std::result::Result<OneBuildFile, Note>> = build_files
        .par_iter()
        .filter(|(kind, _)| rules.iter().any(|r| r.build_file_kinds().contains(kind)))
        .map(|(kind, f)| {
            let src = walk::read_source(f)?;
            if *kind == BuildFileKind::MaybeShell && !walk::is_shell_shebang(&src) {
                return Ok((Vec::new(), None, None));
            }
            let text = std::str::from_utf8(&src).unwrap_or_default();
            let cx = BuildFileCtx::new(
                *kind,
                &f.rel,
                text,
                opts.targets,
                opts.reference,
                opts.configs,
                facts,
            );
            let mut out = Vec::new();
            for r in &rules {
                if r.build_file_kinds().contains(kind) {
                    r.check_build_file(&cx, &mut out);
                }
            }
            // go.mod's and Jenkinsfiles' comments are `//`; Godeps.json has none.
            let list = match kind {
                BuildFileKind::GoMod | BuildFileKind::Jenkinsfile => suppress::directives(&src),
                BuildFileKind::GodepsJson => Vec::new(),
                _ => suppress::hash_directives(&src),
            };
            // Hashed only when a suppression or a fix will name the file's bytes.
            let fixes = out.iter().any(|f| f.fix.is_some());
            let digest = (fixes || !list.is_empty()).then(|| walk::digest(&src));
            let directives = (!list.is_empty()).then(|| suppress::FileDirectives {
                file: suppress::NOT_INDEXED,
                path: f.rel.clone(),
                arches: ArchSet::ALL,
                directives: list,
                digest: digest.expect("hashed for its directives"),
            });
            let fixed = digest.filter(|_| fixes).map(|d| (f.rel.clone(), d));
            Ok((out, directives, fixed))
        })
        .collect();
    let mut checked = BuildFilesChecked {
        findings: Vec::new(),
        notes: Vec::new(),
        directives: Vec::new(),
        analysed: HashMap::new(),
    };
    for r in per_file {
        match r {
            Ok((findings, directives, fixed)) => {
                checked.findings.extend(findings);
                checked.directives.extend(directives);
                checked.analysed.extend(fixed);
            }
            Err(note) => checked.notes.push(note),
        }
    }
    checked
}

/// The reviewed ignore file: `--ignore-file`, else `abiport-ignore.toml` at the root when
/// present. Shown root-relative when it lies in the tree, else as an absolute path.
fn load_ignore_file(opts: &ScanOptions) -> Result<Option<suppress::IgnoreFile>> {
    let path = match &opts.ignore_file {
        Some(p) => p.clone(),
        None => {
            let p = opts.root.join(suppress::IGNORE_FILE);
            if !p.is_file() {
                return Ok(None);
            }
            p
        }
    };
    if !path.is_file() {
        return Err(UserError::new(format!(
            "{}: no such ignore file",
            path.display()
        )));
    }
    let absolute = std::fs::canonicalize(&path)
        .map_err(|e| UserError::new(format!("{}: {e}", path.display())))?;
    let root = std::fs::canonicalize(&opts.root).unwrap_or_else(|_| opts.root.clone());
    let (shown, in_tree) = match absolute.strip_prefix(&root) {
        Ok(rel) => (rel.to_string_lossy().replace('\\', "/"), true),
        Err(_) => (absolute.to_string_lossy().into_owned(), false),
    };
    suppress::load_ignore_file(&path, shown, in_tree).map(Some)
}

/// Per file, what depends on its bytes alone, kept for the other cgo setting's run: its
/// top-level declarations (lexed) and, beside `.s` files, its functions (parsed).
#[derive(Default)]
struct DeclCache {
    /// Each file's declarations, of the packages a cgo-sensitive file belongs to.
    decls: FxHashMap<FileId, Vec<crate::lexer::TopDecl>>,
    funcs: FxHashMap<FileId, Vec<index::asm::GoFunc>>,
    /// The first setting's recorded declarations of the other packages, by its package
    /// ids: the second takes a package's whole when its index has that package alike
    /// ([`Index::alike_package`]).
    packages: Vec<(index::PkgId, HandedDecls)>,
}

/// A package's declarations as the first cgo setting recorded them, with the names it
/// found varying: what the second setting would record again, since the package's files
/// and their arches are the same under both (no cgo-sensitive file is among them).
struct HandedDecls {
    decls: index::PackageDecls,
    varying: FxHashSet<String>,
}

impl DeclCache {
    /// Keep `index`'s recorded declarations of every package lexed whose directory and
    /// name no file of `sensitive` has, taking them out of the index.
    fn hand_on(&mut self, index: &mut Index, sensitive: &CgoSensitive) {
        let keys = packages_marked(&index.files, &sensitive.files);
        for (p, pkg) in index.packages.iter().enumerate() {
            if index.decls[p].names.is_empty()
                || keys.contains(&(pkg.dir.as_str(), pkg.name.as_str()))
            {
                continue;
            }
            let handed = HandedDecls {
                decls: std::mem::take(&mut index.decls[p]),
                varying: std::mem::take(&mut index.varying[p]),
            };
            self.packages.push((p, handed));
        }
    }

    /// The handed declarations of the packages of `index` that `wanted` asks for, each
    /// when `index` has its package alike, by `index`'s package ids.
    fn take_handed(
        &mut self,
        index: &Index,
        wanted: impl Fn(index::PkgId) -> bool,
    ) -> Vec<(index::PkgId, HandedDecls)> {
        let mut out = Vec::new();
        let mut left = Vec::new();
        for (earlier, h) in std::mem::take(&mut self.packages) {
            match index.alike_package(earlier).filter(|&p| wanted(p)) {
                Some(p) => out.push((p, h)),
                None => left.push((earlier, h)),
            }
        }
        self.packages = left;
        out
    }
}

/// The directory and package name of each file `marks` marks (of the cgo-sensitive files:
/// the packages whose files or arches may differ between the settings).
fn packages_marked<'i>(files: &'i [FileInfo], marks: &[bool]) -> FxHashSet<(&'i str, &'i str)> {
    (files.iter().zip(marks))
        .filter(|(_, m)| **m)
        .map(|(f, _)| (f.dir.as_str(), f.package.as_str()))
        .collect()
}

/// A run's typed (and lexed) declarations from the run before it, and where to leave its own.
struct Typed<'a> {
    /// The other setting's typed declarations by file ([`ConfigRun::typed`]), for the
    /// last run: its index holds them from the start.
    reuse: index::TypedFiles,
    /// Hand this run's typed declarations on ([`ConfigRun::typed`]).
    hand_on: bool,
    /// The lexed top-level declarations: read, and filled with those lexed now.
    decls: Option<&'a mut DeclCache>,
    /// The trees of the files both settings check: kept by the first run, taken by the
    /// second.
    trees: Option<&'a SharedTrees>,
    /// Typed declarations being lexed ahead (the first run's).
    ahead: Option<Arc<TypedAhead>>,
    /// The other run's index and trees ([`ConfigRun::spent`]), freed beside this run's
    /// index.
    spent: Option<Spent>,
    /// The other run's import resolutions ([`ConfigRun::resolutions`]).
    resolutions: Option<index::Resolutions>,
}

/// A run's index and trees once it is done, freed beside the next run's index: the other
/// core is idle there, and the next run's allocations then reuse that memory (fresh
/// memory's page faults were half of a second setting's declaration phase).
type Spent = Box<dyn Send>;

/// Trees of the files both cgo settings check, parsed once: the first setting's run keeps
/// those of the files the second checks again (its affected files), and the second takes
/// one when it skips the same bodies. With whether the tree is partial.
type SharedTrees =
    std::sync::Mutex<HashMap<FileId, (Vec<(usize, usize)>, tree_sitter::Tree, bool)>>;

/// What a check does with [`SharedTrees`].
enum TreeShare<'a> {
    Nothing,
    /// Keep the trees of the files marked (those the other setting checks again).
    Keep(&'a SharedTrees, &'a [bool]),
    /// Take a kept tree when the bodies skipped are the same.
    Take(&'a SharedTrees),
}

/// What one cgo setting's analysis found.
struct ConfigRun {
    findings: Vec<Finding>,
    /// The cgo-sensitive files this run judged ([`Sensitivity::Judge`]), for the next.
    sensitive: Option<CgoSensitive>,
    notes: Vec<Note>,
    parsed_files: usize,
    type_gave_up: usize,
    analysed: HashMap<String, walk::Digest>,
    /// The root's import path, as the index resolved it (the same under both settings).
    import_path: Option<String>,
    /// Per file: whether its result may differ under the other cgo setting (its package
    /// holds a cgo-sensitive file or imports, transitively, one that does). Empty when
    /// only one setting is judged.
    affected: Vec<bool>,
    /// The Go files given ([`ConfigFiles::go`]), handed back for the next setting.
    files: Vec<FileInfo>,
    /// With [`Typed::hand_on`]: every typed declaration lexed, by file, for the next run's
    /// [`Typed::reuse`].
    typed: index::TypedFiles,
    /// With [`Typed::hand_on`]: this run's index and trees, for the next run's
    /// [`Typed::spent`].
    spent: Option<Spent>,
    /// With [`Typed::hand_on`]: this run's import resolutions, for the next run's index.
    resolutions: Option<index::Resolutions>,
}

/// The tree's files with the arches they build for under one cgo setting.
struct ConfigFiles<'a> {
    go: Vec<FileInfo>,
    /// Per Go file, which of `needles` it mentions.
    hits: &'a [u64],
    needles: &'a rules::Needles,
    asm: Vec<index::asm::AsmFile>,
    /// [`walk::WalkResult::go_mod_dirs`].
    go_mod_dirs: Option<&'a rustc_hash::FxHashSet<String>>,
    /// What the first setting's index read of the go.mod files, for the other's.
    modules: &'a index::resolve::ModuleMemo,
    /// The files by the import paths they spell, made by the first setting that asks
    /// ([`affected_files`]) and read by the other: the files and imports are the same.
    spelled: &'a OnceLock<SpelledPaths>,
    /// The files' paths, by id: made by the first setting, read by the other.
    rels: &'a OnceLock<Arc<[String]>>,
}

/// Index, plan, parse, check and fix the tree's files under one cgo setting. With
/// `restrict`, only files marked there (or affected in this setting's own index) are
/// checked: the rest were judged under the other setting with the same result.
fn run_config(
    opts: &ScanOptions,
    cgo: Cgo,
    files: ConfigFiles<'_>,
    sensitive: Sensitivity<'_>,
    restrict: Option<&[bool]>,
    mut typed_cache: Typed<'_>,
    laps: &Laps,
) -> Result<ConfigRun> {
    let build = BuildConfig {
        cgo: cgo == Cgo::On,
        ..opts.build.clone()
    };
    let mut notes = Vec::new();
    // The sensitive files, read while the index is built (one thread's work).
    let (to_judge, judged_before) = match sensitive {
        Sensitivity::None => (None, None),
        Sensitivity::Judge(gathered) => (Some(gathered), None),
        Sensitivity::Judged(judged) => (None, Some(judged)),
    };
    let (mut index, judged) = rayon::join(
        || {
            Index::build(
                &opts.root,
                files.go_mod_dirs,
                files.modules,
                opts.import_path.as_deref(),
                files.go,
                opts.reference,
                opts.targets,
            )
        },
        || {
            drop(typed_cache.spent.take());
            to_judge.map(|gathered| CgoSensitive::judge(gathered, opts))
        },
    );
    let sensitive: Option<&CgoSensitive> = judged_before.or(judged.as_ref());
    if let Some(earlier) = typed_cache.resolutions.take() {
        index.carry_resolutions(earlier);
    }
    // The other run's typed declarations, by file: indexed again as this run needs them.
    index.typed_files = std::mem::take(&mut typed_cache.reuse);
    notes.append(&mut index.notes);
    index.set_asm(files.asm);
    let import_path = index.resolver.root_path.clone();
    if !checks_go(&opts.rules) {
        // Only build-file rules: the index was built for its notes and import path alone.
        laps.lap("index", index.files.len(), 0);
        return Ok(ConfigRun {
            sensitive: judged,
            findings: Vec::new(),
            notes,
            parsed_files: 0,
            type_gave_up: 0,
            analysed: HashMap::new(),
            import_path,
            affected: Vec::new(),
            files: std::mem::take(&mut index.files),
            typed: index::TypedFiles::default(),
            spent: None,
            resolutions: None,
        });
    }
    // A second setting checks only some files: the declarations it reads are those of
    // their packages and of what these import, directly or not (a package's facts come
    // from its imports alone), so no other package's are lexed for it: it finds the files
    // it judges again first (the first setting, while it records declarations, below).
    let (early_affected, reads): (Option<Vec<bool>>, Option<Vec<bool>>) = restrict
        .zip(sensitive)
        .map(|(restrict, s)| {
            let affected = affected_files(&index, s, files.spelled);
            let seeds = (0..index.files.len())
                .filter(|&i| restrict[i] || affected[i])
                .filter_map(|i| index.file_package[i]);
            let reachable = imported_by(&index, seeds);
            let reads = (index.file_package.iter())
                .map(|p| p.is_some_and(|p| reachable[p]))
                .collect();
            (affected, reads)
        })
        .unzip();
    let read = |i: FileId| reads.as_ref().is_none_or(|r| r[i]);
    // The paths are the same under both settings: copied once (22,766 on Debian's tree,
    // 2 ms of the serial stretch).
    let rels = files
        .rels
        .get_or_init(|| index.files.iter().map(|f| f.rel.clone()).collect());
    let mut sources = Sources::new(&opts.root, rels.clone());
    if let Some(ahead) = &typed_cache.ahead {
        sources = sources.with_held(ahead.clone());
    }
    laps.lap("index", index.files.len(), 0);
    // Declarations of packages whose names differ per arch, with the lexer: no parse.
    let mut decl_cache = typed_cache.decls;
    // The second setting takes whole the declarations the first recorded of the packages
    // no cgo-sensitive file belongs to (x/sys/unix's 24,000 names were 5 ms of one thread).
    let varies_read = |p: index::PkgId| {
        let pkg = &index.packages[p];
        pkg.varies && pkg.files.first().is_some_and(|&f| read(f))
    };
    let handed = match (restrict, decl_cache.as_deref_mut()) {
        (Some(_), Some(cache)) => cache.take_handed(&index, varies_read),
        _ => Vec::new(),
    };
    let mut taken = vec![false; index.packages.len()];
    for (p, _) in &handed {
        taken[*p] = true;
    }
    let varying_files: Vec<FileId> = (0..index.files.len())
        .filter(|&i| index.file_package[i].is_some_and(|p| varies_read(p) && !taken[p]))
        .collect();
    // A file's declarations depend on its bytes alone: those of the packages a sensitive
    // file belongs to are kept for the second setting (it takes the others' recorded).
    let kept_packages = (typed_cache.hand_on && decl_cache.is_some())
        .then_some(sensitive)
        .flatten()
        .map(|s| packages_marked(&index.files, &s.files));
    let keeps = |id: FileId| {
        let f = &index.files[id];
        (kept_packages.as_ref()).is_some_and(|k| k.contains(&(f.dir.as_str(), f.package.as_str())))
    };
    let known = decl_cache.as_deref();
    // With the copy the cache keeps of each file lexed now, made on the same thread.
    type Lexed = (
        FileId,
        Vec<crate::lexer::TopDecl>,
        Option<Vec<crate::lexer::TopDecl>>,
    );
    let lexed: Vec<Lexed> = varying_files
        .par_iter()
        .filter_map(|&id| {
            if let Some(d) = known.and_then(|c| c.decls.get(&id)) {
                return Some((id, d.clone(), None));
            }
            let src = sources.get(id).ok()?;
            let d = crate::lexer::top_level_decls(&src);
            let kept = keeps(id).then(|| d.clone());
            Some((id, d, kept))
        })
        .collect();
    drop(kept_packages);
    let mut decls = Vec::with_capacity(lexed.len());
    for (id, d, kept) in lexed {
        if let (Some(cache), Some(kept)) = (decl_cache.as_deref_mut(), kept) {
            cache.decls.insert(id, kept);
        }
        decls.push((id, d));
    }
    // The Go functions beside `.s` files, with or without a body: what a `TEXT` line
    // implements or duplicates (missing-asm). Lexed while the declarations are indexed:
    // that is one package's serial work (x/sys/unix's 24,000 names on Debian's tree), and
    // the other core was idle.
    let beside: Vec<FileId> = if index.asm.is_empty() {
        Vec::new()
    } else {
        (0..index.files.len())
            .filter(|&i| index.beside_asm(i))
            .collect()
    };
    let known = decl_cache.as_deref();
    // The first setting finds the files the second judges again (reading every file's
    // resolved imports) beside recording the declarations (x/sys/unix's 24,000 names are
    // one package's serial work), which are out of the index meanwhile.
    let mut package_decls = std::mem::take(&mut index.decls);
    let indexed = &index;
    let late = sensitive.filter(|_| early_affected.is_none());
    let (late_affected, (varying, funcs)) = rayon::join(
        || late.map(|s| affected_files(indexed, s, files.spelled)),
        || {
            rayon::join(
                || {
                    let slots = &mut package_decls;
                    index::record_decls(&indexed.file_package, slots, decls);
                    indexed.varying_names(slots)
                },
                || asm_funcs(&sources, &beside, known),
            )
        },
    );
    index.decls = package_decls;
    index.varying = varying;
    for (p, h) in handed {
        index.decls[p] = h.decls;
        index.varying[p] = h.varying;
    }
    let affected = early_affected.or(late_affected).unwrap_or_default();
    let checked = |i: FileId| restrict.is_none_or(|r| r[i] || affected[i]);
    if let Some(cache) = decl_cache.as_deref_mut() {
        for &id in &beside {
            cache.funcs.entry(id).or_default();
        }
        for f in &funcs {
            cache.funcs.entry(f.file).or_default().push(f.clone());
        }
    }
    index.set_asm_funcs(funcs);
    laps.lap(
        "lex declarations",
        varying_files.len(),
        varying_files.iter().map(|&i| index.files[i].bytes).sum(),
    );
    // The tree's types whose fields may differ by arch, for token prefilters
    // (struct-field-width's, undefined-on-arch's; abi-struct-drift's lays out the copies
    // of x/sys and syscall): the typed declarations of every package the inference may
    // read, lexed now and reused by the typed pass below.
    let local_types = rules::reads_local_types(&opts.rules);
    let copy_types = rules::reads_copy_types(&opts.rules);
    if (local_types || copy_types) && !opts.skip_token_prefilters {
        // The copies of the table packages alone when no rule reads the other types.
        let typed_files: Vec<FileId> = abi_package_files(&index)
            .into_iter()
            .filter(|&i| {
                read(i)
                    && (local_types
                        || index.file_package[i].is_some_and(|p| index.copied_table(p).is_some()))
            })
            .collect();
        if let Some(ahead) = typed_cache.ahead {
            // Those of the files lexed ahead this phase lexes; the others are dropped.
            let mut wanted = vec![false; index.files.len()];
            for &i in &typed_files {
                wanted[i] = true;
            }
            for (id, items) in ahead.finish(&index.files) {
                if wanted[id] {
                    index.typed_files.entry(id).or_insert(items);
                }
            }
        }
        lex_typed(&mut index, &sources, &typed_files);
        if local_types {
            // Out of the index while the reach, which borrows them, is set.
            let held = std::mem::take(&mut index.typed_files);
            let items: Vec<(FileId, &[index::decls::TypedItem])> = (typed_files.iter())
                .filter_map(|id| Some((*id, held.get(id)?.as_slice())))
                .collect();
            // The local widths and the entries the reach closes over, side by side: the
            // widths are one serial pass, the entries read the same items.
            let (width, entries) = rayon::join(
                || index.local_width_of(&items),
                || index.reach_entries(&items),
            );
            index.local_width = Some(width);
            index.set_reach(entries);
            index.typed_files = held;
        }
        if copy_types {
            index.set_copy_types(&typed_files);
        }
        laps.lap(
            "local types",
            typed_files.len(),
            typed_files.iter().map(|&i| index.files[i].bytes).sum(),
        );
    }
    // Pass 2 plan: which rules want which file, from its header and a token scan.
    // Files that build for no arch only for the rules that report such constraints.
    // Asked on every thread, in the same pass as the plan: asking each rule about every
    // file before it was 8 ms serial on Debian's tree.
    let is_candidate = |i: FileId| {
        checked(i)
            && opts.rules.iter().any(|r| {
                r.wants(&index, i)
                    && (!index.files[i].arches.is_empty() || r.checks_unbuilt(&index, i))
            })
    };
    let plan_read = AtomicU64::new(0);
    let candidates = AtomicUsize::new(0);
    // In pieces of at most 64 files: rayon splits a range a few times only, and a second
    // setting's candidates, bunched in a few directories, fell to one thread (28 ms of
    // Debian's, one core idle for 20 of them).
    let planned: Vec<std::result::Result<Option<Planned>, Note>> = (0..index.files.len())
        .into_par_iter()
        .with_max_len(64)
        .filter(|&id| is_candidate(id))
        .map(|id| {
            candidates.fetch_add(1, Ordering::Relaxed);
            let view = (files.needles, files.hits[id]);
            plan_file(opts, &index, &sources, view, &plan_read, id)
        })
        .collect();
    let mut plans = Vec::new();
    for r in planned {
        match r {
            Ok(Some(p)) => plans.push(p),
            Ok(None) => {}
            Err(n) => notes.push(n),
        }
    }
    let planned: FxHashSet<FileId> = plans.iter().map(|p| p.id).collect();
    sources.keep_only(|i| planned.contains(&i));
    // The bytes read again (the candidates' needles are known from the header pass).
    laps.lap("plan", candidates.into_inner(), plan_read.into_inner());
    // Typed declarations (struct fields, signatures) for the rules that infer types: every
    // file of the packages those files sit in or import, when such a package imports
    // syscall or x/sys (`crate::types`), from the token scanner: no file is parsed for
    // its declarations, only the planned files are parsed, once, when checked.
    let typed_pkgs = typed_packages(&index, &plans);
    if !typed_pkgs.is_empty() {
        let typed_files: Vec<FileId> = abi_package_files(&index)
            .into_iter()
            .filter(|&i| index.file_package[i].is_some_and(|p| typed_pkgs.contains(&p)))
            .collect();
        // Those lexed for the prefilter already, or by the other setting's run, are not
        // lexed again.
        lex_typed(&mut index, &sources, &typed_files);
        index.add_typed(&typed_files);
        laps.lap(
            "typed declarations",
            typed_files.len(),
            typed_files.iter().map(|&i| index.files[i].bytes).sum(),
        );
    }
    let index = index;

    // Pass 2: parse each planned file and run its rules on it.
    // Those judged from their tokens alone are not parsed.
    let planned_files = plans.iter().filter(|p| !p.rules.is_empty()).count();
    // The rules that judged a file from its tokens: no tree of the check holds their
    // findings' declarations (`anchor_judged` anchors those still reported after folding).
    let token_judged: FxHashSet<(FileId, &'static str)> = (plans.iter())
        .flat_map(|p| p.judged.iter().map(|f| (f.file, f.rule)))
        .collect();
    let (checked_files, checked_bytes) = (
        plans.len(),
        plans.iter().map(|p| p.src.len() as u64).sum::<u64>(),
    );
    let times = CheckTimes::default();
    // The first of two settings keeps the trees the second will check again.
    let share = match (typed_cache.trees, restrict) {
        (Some(trees), None) => TreeShare::Keep(trees, &affected),
        (Some(trees), Some(_)) => TreeShare::Take(trees),
        (None, _) => TreeShare::Nothing,
    };
    // Largest first: a big file met last kept one core busy while the other idled.
    plans.sort_by_key(|p| std::cmp::Reverse(p.src.len()));
    let results: Vec<CheckedFile> = plans
        .into_par_iter()
        .with_max_len(1)
        .map(|p| check_file(&index, p, &times, &share))
        .collect();
    let parsed_files = planned_files - times.reused.load(Ordering::Relaxed) as usize;
    let mut findings = Vec::new();
    let mut type_gave_up = 0;
    // The files with findings, as parsed and checked: the fix phase reads them.
    let mut kept: HashMap<FileId, Parsed> = HashMap::new();
    for r in results {
        match r {
            Ok((id, f, parsed, gave_up, too_deep)) => {
                type_gave_up += gave_up;
                notes.extend(too_deep);
                if let Some(parsed) = parsed {
                    kept.insert(id, parsed);
                }
                findings.extend(f);
            }
            Err(n) => notes.push(n),
        }
    }
    sources.keep_only(|i| kept.contains_key(&i));
    laps.lap("check", checked_files, checked_bytes);
    laps.cpu(
        "parse",
        &times.parse,
        parsed_files,
        times.parsed_bytes.load(Ordering::Relaxed),
    );
    laps.cpu("imports", &times.imports, checked_files, 0);
    laps.cpu("rules", &times.rules, checked_files, 0);
    finding::normalize(&mut findings);
    // The fix phase: every rule's fix builder, over the sorted findings.
    let mut fixes = FixCtx::new(&index, &build, opts.fixes, kept, &sources);
    rules::build_fixes(&opts.rules, &fixes, &mut findings);
    // Each finding's code identity, while its tree is at hand (its fingerprint).
    // (A finding in a file no rule parses, a `.s` file, brings its own.)
    // (Sorted findings keep a file's together.)
    findings
        .par_chunk_by_mut(|a, b| a.file == b.file)
        .for_each(|chunk| {
            let Some(p) = fixes.parsed(chunk[0].file) else {
                return;
            };
            // The check's tree: a partial one has each finding's own declaration, which is
            // all an anchor reads.
            let anchors = syntax::anchor::Anchors::new(&p.checked);
            for f in chunk {
                if token_judged.contains(&(f.file, f.rule)) {
                    continue;
                }
                f.anchor = Some(finding::Anchor {
                    code: anchors.code_anchor(&p.src, f.span),
                    occurrence: 0,
                });
            }
        });
    let fixed_files: HashSet<&str> = findings
        .iter()
        .filter_map(|f| Some(f.fix.as_ref()?.file.as_deref().unwrap_or(&f.path)))
        .collect();
    let analysed: HashMap<String, walk::Digest> = sources
        .cached()
        .into_iter()
        .filter(|(rel, _)| fixed_files.contains(rel))
        .map(|(rel, bytes)| (rel.to_string(), walk::digest(&bytes)))
        .collect();
    drop(fixed_files);
    let regrown = std::mem::take(&mut fixes.regrown);
    let trees = fixes.into_parsed();
    laps.lap("fixes", analysed.len(), 0);
    let regrown_files = regrown.files.load(Ordering::Relaxed) as usize;
    if regrown_files > 0 {
        laps.cpu(
            "whole trees for fixes",
            &regrown.nanos,
            regrown_files,
            regrown.bytes.load(Ordering::Relaxed),
        );
    }
    // Hand the typed declarations on to the other setting's run (moved, not copied).
    let mut index = index;
    if let (true, Some(cache), Some(s)) = (typed_cache.hand_on, decl_cache, sensitive) {
        cache.hand_on(&mut index, s);
    }
    let typed = if typed_cache.hand_on {
        std::mem::take(&mut index.typed_files)
    } else {
        index::TypedFiles::default()
    };
    let resolutions = typed_cache.hand_on.then(|| index.take_resolutions());
    let files = std::mem::take(&mut index.files);
    // Freeing the index is tens of thousands of frees, and the trees with findings (K8s'
    // 80 trees, 6 ms) many more: beside the rest, as the walk's files, or beside the next
    // run's index.
    let spent: Option<Spent> = if typed_cache.hand_on {
        Some(Box::new((index, trees)))
    } else {
        dispose(opts, (index, trees));
        None
    };
    Ok(ConfigRun {
        sensitive: judged,
        findings,
        notes,
        parsed_files,
        type_gave_up,
        analysed,
        import_path,
        affected,
        files,
        typed,
        spent,
        resolutions,
    })
}

/// Free `value` on a thread of its own, beside the rest of the scan; or never, when the
/// process exits after the scan ([`ScanOptions::exits_after`]).
fn dispose<T: Send + 'static>(opts: &ScanOptions, value: T) {
    if opts.exits_after {
        std::mem::forget(value);
    } else {
        let _ = std::thread::Builder::new().spawn(move || drop(value));
    }
}

/// The functions (with or without a body) of the Go files `beside` `.s` files, from the
/// lexer (tree-sitter over every such file was most of its phase); those of a file the
/// other cgo setting's run lexed come from `known`: they depend on its bytes alone.
fn asm_funcs(
    sources: &Sources,
    beside: &[FileId],
    known: Option<&DeclCache>,
) -> Vec<index::asm::GoFunc> {
    beside
        .par_iter()
        .flat_map_iter(|&id| {
            if let Some(funcs) = known.and_then(|c| c.funcs.get(&id)) {
                return funcs.clone();
            }
            let Ok(src) = sources.peek_or_read(id) else {
                return Vec::new();
            };
            crate::lexer::func_decls(&src)
                .into_iter()
                .map(|f| index::asm::GoFunc {
                    file: id,
                    name: f.name.to_string(),
                    body: f.body,
                    line: f.line,
                })
                .collect()
        })
        .collect()
}

/// Typed declarations lexed ahead, for the files the first setting's local types will
/// most likely lex ([`index::likely_abi_package_files`]): started when the walker threads
/// end, so that the serial stretches before the local types (the walk's end, gathering
/// the looks, building the index, recording declarations) leave no core idle. Files are
/// named by path (their ids come later, from the sorted walk). Each file is claimed once,
/// by this work or by the local types phase, which lexes what is left itself
/// ([`TypedAhead::finish`]).
struct TypedAhead {
    root: PathBuf,
    rels: Vec<String>,
    claimed: Vec<std::sync::atomic::AtomicBool>,
    /// Files lexed (or unreadable) so far.
    done: AtomicUsize,
    /// By position in `rels`.
    lexed: std::sync::Mutex<Vec<(usize, Vec<index::decls::TypedItem>)>>,
    /// By position in `rels`: the bytes lexed, held for the first setting's source cache
    /// (the declarations and the plan read about half of them again on Debian's tree).
    bytes: Vec<OnceLock<Arc<Vec<u8>>>>,
    /// Files below linked directories (whose looks come after the walker threads end)
    /// with the position in `rels` of their real file: the same bytes, the same items.
    links: std::sync::OnceLock<Vec<(String, usize)>>,
}

impl TypedAhead {
    /// Started on the pool (`rayon::spawn`) for the files looked at in `looks`.
    fn start(root: &Path, looks: &[Option<Box<FirstLook>>]) -> Arc<TypedAhead> {
        let infos: Vec<&FileInfo> = looks
            .iter()
            .flatten()
            .filter_map(|l| Some(&l.as_ref().as_ref().ok()?.0.as_ref()?.0))
            .collect();
        let rels: Vec<String> = index::likely_abi_package_files(&infos)
            .into_iter()
            .map(|i| infos[i].rel.clone())
            .collect();
        let ahead = TypedAhead::new(root, rels);
        let work = Arc::clone(&ahead);
        rayon::spawn(move || work.lex());
        ahead
    }

    /// For the files `rels` below `root`, none claimed yet.
    fn new(root: &Path, mut rels: Vec<String>) -> Arc<TypedAhead> {
        // Sorted: a linked file's real file is looked up among them.
        rels.sort_unstable();
        Arc::new(TypedAhead {
            root: root.to_path_buf(),
            claimed: rels.iter().map(|_| Default::default()).collect(),
            bytes: rels.iter().map(|_| OnceLock::new()).collect(),
            rels,
            done: AtomicUsize::new(0),
            lexed: std::sync::Mutex::new(Vec::new()),
            links: std::sync::OnceLock::new(),
        })
    }

    /// The files below linked directories (`real_paths`: path → real path) whose real
    /// file is lexed ahead: they take its items when finished.
    fn link(&self, real_paths: &HashMap<String, String>) {
        let mut links: Vec<(String, usize)> = real_paths
            .iter()
            .filter_map(|(rel, real)| {
                let k = self.rels.binary_search(real).ok()?;
                Some((rel.clone(), k))
            })
            .collect();
        links.sort();
        let _ = self.links.set(links);
    }

    /// Lex every file not claimed yet, in parallel.
    fn lex(&self) {
        (0..self.rels.len())
            .into_par_iter()
            .with_max_len(4)
            .for_each(|k| {
                if self.claimed[k].swap(true, Ordering::AcqRel) {
                    return;
                }
                if let Ok(src) = walk::read_rel(&self.root, &self.rels[k]) {
                    let items = crate::lexer::typed::typed_items(&src);
                    let _ = self.bytes[k].set(Arc::new(src));
                    let mut lexed = self.lexed.lock().unwrap_or_else(|p| p.into_inner());
                    lexed.push((k, items));
                }
                self.done.fetch_add(1, Ordering::AcqRel);
            });
    }

    /// Everything lexed, by file of `files` (sorted by path), after lexing what is left
    /// here and waiting for the files other threads are lexing (helping with the pool's
    /// other work meanwhile).
    fn finish(&self, files: &[FileInfo]) -> Vec<(FileId, Vec<index::decls::TypedItem>)> {
        self.lex();
        while self.done.load(Ordering::Acquire) < self.rels.len() {
            if rayon::yield_now() != Some(rayon::Yield::Executed) {
                std::thread::yield_now();
            }
        }
        let mut lexed = std::mem::take(&mut *self.lexed.lock().unwrap_or_else(|p| p.into_inner()));
        let id_of = |rel: &str| files.binary_search_by(|f| f.rel.as_str().cmp(rel)).ok();
        // Each in parallel: a binary search by path per file was 3 ms of one thread on
        // Debian's tree (2,843 files, and 529 below linked directories), in a serial stretch.
        let mut out: Vec<(FileId, Vec<index::decls::TypedItem>)> = Vec::new();
        if let Some(links) = self.links.get().filter(|l| !l.is_empty()) {
            lexed.sort_by_key(|(k, _)| *k);
            let lexed = &lexed;
            out = links
                .par_iter()
                .filter_map(|(rel, k)| {
                    let at = lexed.binary_search_by_key(k, |(k, _)| *k).ok()?;
                    Some((id_of(rel)?, lexed[at].1.clone()))
                })
                .collect();
        }
        let found: Vec<(FileId, Vec<index::decls::TypedItem>)> = lexed
            .into_par_iter()
            .filter_map(|(k, items)| Some((id_of(&self.rels[k])?, items)))
            .collect();
        out.extend(found);
        out
    }
}

impl walk::HeldReads for TypedAhead {
    /// A file lexed ahead, by its path or, below a linked directory, its real file's.
    fn held(&self, rel: &str) -> Option<Arc<Vec<u8>>> {
        let k = self
            .rels
            .binary_search_by(|r| r.as_str().cmp(rel))
            .ok()
            .or_else(|| {
                let links = self.links.get()?;
                let at = links.binary_search_by(|(r, _)| r.as_str().cmp(rel)).ok()?;
                Some(links[at].1)
            })?;
        self.bytes[k].get().cloned()
    }
}

/// Lex the typed declarations of those of `files` the index does not hold yet.
fn lex_typed(index: &mut Index, sources: &Sources, files: &[FileId]) {
    let held = &index.typed_files;
    let lexed: Vec<(FileId, Vec<index::decls::TypedItem>)> = files
        .par_iter()
        .filter(|id| !held.contains_key(id))
        .filter_map(|&id| {
            let src = sources.peek_or_read(id).ok()?;
            Some((id, crate::lexer::typed::typed_items(&src)))
        })
        .collect();
    index.typed_files.extend(lexed);
}

/// Whether one of `rules` checks Go files: not every rule that reads build files (its
/// `wants` keeps no Go file), nor the suppression rules (they judge the directives the
/// header pass collects, after every check). A rule added later counts as checking Go.
fn checks_go(rules: &[&'static dyn Rule]) -> bool {
    let judge_directives = [
        rules::invalid_suppression::InvalidSuppression.meta().id,
        rules::unused_suppression::UnusedSuppression.meta().id,
    ];
    rules
        .iter()
        .any(|r| r.build_file_kinds().is_empty() && !judge_directives.contains(&r.meta().id))
}

/// The Go files whose arches differ between the two cgo settings, and those of them whose
/// difference the packages importing theirs can see.
struct CgoSensitive {
    /// Per file: its arches differ between the settings.
    files: Vec<bool>,
    /// Per file: one of `files` whose package, as an importer sees it, may differ between
    /// the settings ([`CgoSensitive::judge`]).
    seen: Vec<bool>,
}

/// What a run knows of the cgo-sensitive files: nothing (one setting is judged), the
/// packages holding them, to judge (the first run), or the first run's judgement.
enum Sensitivity<'a> {
    None,
    Judge(SensitivePackages),
    Judged(&'a CgoSensitive),
}

/// The packages holding a cgo-sensitive file, gathered before the files move into the
/// first setting's index: their files are read while it is built ([`CgoSensitive::judge`]).
struct SensitivePackages {
    differ: Vec<bool>,
    packages: Vec<Vec<PackageFile>>,
}

/// A file of a package holding a cgo-sensitive file.
struct PackageFile {
    id: FileId,
    rel: String,
    is_test: bool,
    /// Under each setting.
    arches: [ArchSet; 2],
}

impl CgoSensitive {
    /// The files of the packages holding a file whose arches `differ`.
    fn gather(files: &[FileInfo], by_cgo: &[[ArchSet; 2]], differ: Vec<bool>) -> SensitivePackages {
        let key = |i: usize| (files[i].dir.as_str(), files[i].package.as_str());
        let mut packages: FxHashMap<(&str, &str), Vec<_>> = (0..files.len())
            .filter(|&i| differ[i])
            .map(|i| (key(i), Vec::new()))
            .collect();
        let dirs: FxHashSet<&str> = packages.keys().map(|(d, _)| *d).collect();
        for i in (0..files.len()).filter(|&i| dirs.contains(files[i].dir.as_str())) {
            if let Some(list) = packages.get_mut(&key(i)) {
                list.push(PackageFile {
                    id: i,
                    rel: files[i].rel.clone(),
                    is_test: files[i].is_test,
                    arches: by_cgo[i],
                });
            }
        }
        SensitivePackages {
            differ,
            packages: packages.into_values().collect(),
        }
    }

    /// Which sensitive files show to the importers of their packages (reading them, and
    /// the other files of a package whose own declare unexported names alone).
    fn judge(gathered: SensitivePackages, opts: &ScanOptions) -> CgoSensitive {
        let SensitivePackages { differ, packages } = gathered;
        let read = |rel: &str| walk::read_rel(&opts.root, rel);
        let wanted = opts.targets.union(ArchSet::single(opts.reference));
        let shown: Vec<usize> = packages
            .par_iter()
            .flat_map_iter(|list| {
                let importable: Vec<_> = list.iter().filter(|f| !f.is_test).collect();
                let sensitive = importable.iter().filter(|f| differ[f.id]);
                if sensitive.clone().next().is_none() {
                    // Only test files differ: no importer sees them.
                    return Vec::new();
                }
                // A package that builds for other arches (or not at all) under one setting
                // differs whatever its files declare.
                let arches = |s: usize| {
                    (importable.iter()).fold(ArchSet::EMPTY, |a, f| a.union(f.arches[s]))
                };
                let all_seen = arches(0) != arches(1)
                    || sensitive
                        .clone()
                        .any(|f| read(&f.rel).map_or(true, |src| Self::seen_by_importers(&src)))
                    || Self::fix_reads_unexported(
                        importable
                            .iter()
                            .filter(|f| !differ[f.id])
                            .map(|f| (f.rel.as_str(), f.arches[0])),
                        wanted,
                        read,
                    );
                if all_seen {
                    sensitive.map(|f| f.id).collect()
                } else {
                    Vec::new()
                }
            })
            .collect();
        let mut seen = vec![false; differ.len()];
        for i in shown {
            seen[i] = true;
        }
        CgoSensitive {
            files: differ,
            seen,
        }
    }

    /// Whether an importer's fix may read a package's unexported names, which its
    /// sensitive files alone declare: undefined-on-arch fixes a use of the package's name
    /// by extending the constraint of the file declaring it, unless that file uses a name
    /// undefined on the arch or would declare one twice there. Only a package with an
    /// exported name some target lacks can have such findings; its exported names come
    /// from the files both settings build alike (`alike`: its other non-test files, with
    /// their arches).
    fn fix_reads_unexported<'a>(
        alike: impl Iterator<Item = (&'a str, ArchSet)>,
        wanted: ArchSet,
        read: impl Fn(&str) -> std::io::Result<Vec<u8>>,
    ) -> bool {
        let mut arches: FxHashMap<String, ArchSet> = FxHashMap::default();
        for (rel, built) in alike {
            let Ok(src) = read(rel) else { return true };
            for d in crate::lexer::top_level_decls(&src) {
                if crate::abi::is_exported(&d.name) {
                    let a = arches.entry(d.name).or_insert(ArchSet::EMPTY);
                    *a = a.union(built);
                }
            }
        }
        arches.values().any(|a| !wanted.minus(*a).is_empty())
    }

    /// Whether a file's declarations show in what its package's importers are judged by:
    /// a type (named by the package's exported declarations or not), a method (of the
    /// package's types' method sets), or an exported name. A file declaring only
    /// unexported functions, vars and consts is judged anew with its package, and the
    /// importers' findings cannot change (a var's type never comes from a function's
    /// result: [`crate::lexer::typed::ItemKind::Var`]); their fixes can, which
    /// [`CgoSensitive::fix_reads_unexported`] checks apart.
    fn seen_by_importers(src: &[u8]) -> bool {
        use crate::lexer::typed::{typed_items, ItemKind};
        typed_items(src).iter().any(|item| {
            matches!(
                item.kind,
                ItemKind::Struct(_) | ItemKind::Named(_) | ItemKind::Alias(_)
            ) || item.name.contains('.')
                || crate::abi::is_exported(&item.name)
        })
    }
}

/// Per file: whether its directory holds a cgo-sensitive file (one whose arches differ
/// between the cgo settings), or its package imports, directly or not, a package whose
/// difference [`CgoSensitive::seen`] shows. Only those files can be judged differently
/// under the other setting.
///
/// A package's importers are found by the import path their files spell (`spelled`, made
/// on first use: [`SpelledPaths::of`]), and only those files' imports are resolved:
/// resolving every file's was most of a second setting's index phase.
fn affected_files(
    index: &Index,
    sensitive: &CgoSensitive,
    spelled: &OnceLock<SpelledPaths>,
) -> Vec<bool> {
    let marked = |marks: &[bool]| packages_marked(&index.files, marks);
    let judged: FxHashSet<&str> = marked(&sensitive.files)
        .into_iter()
        .map(|(d, _)| d)
        .collect();
    let seen = marked(&sensitive.seen);
    let key = |p: index::PkgId| {
        (
            index.packages[p].dir.as_str(),
            index.packages[p].name.as_str(),
        )
    };
    let mut pkg_affected: Vec<bool> = (0..index.packages.len())
        .map(|p| judged.contains(index.packages[p].dir.as_str()))
        .collect();
    let mut stack: Vec<index::PkgId> = (0..index.packages.len())
        .filter(|&p| seen.contains(&key(p)))
        .collect();
    if !stack.is_empty() {
        let spelled = spelled.get_or_init(|| SpelledPaths::of(&index.files));
        let mut spread = vec![false; index.packages.len()];
        while let Some(p) = stack.pop() {
            if std::mem::replace(&mut spread[p], true) {
                continue;
            }
            pkg_affected[p] = true;
            let Some(path) = index.packages[p].import_path.as_deref() else {
                continue;
            };
            for &f in spelled.files(path) {
                let Some(q) = index.file_package[f].filter(|&q| !spread[q]) else {
                    continue;
                };
                let imports_p = index
                    .imports_with_targets(f)
                    .any(|(i, t)| i.path == path && t == Some(Target::Local(p)));
                if imports_p {
                    stack.push(q);
                }
            }
        }
    }
    (0..index.files.len())
        .map(|i| sensitive.files[i] || index.file_package[i].is_some_and(|p| pkg_affected[p]))
        .collect()
}

/// The files by each import path they spell (by its hash: no path is copied, and the files
/// move between the settings' indexes): the only files whose imports may resolve to the
/// package of that import path, and more (hashes may collide).
#[derive(Default)]
struct SpelledPaths(FxHashMap<u64, Vec<FileId>>);

impl SpelledPaths {
    fn of(files: &[FileInfo]) -> SpelledPaths {
        let mut by_hash: FxHashMap<u64, Vec<FileId>> = FxHashMap::default();
        for (i, f) in files.iter().enumerate() {
            for import in &f.imports {
                by_hash.entry(Self::hash(&import.path)).or_default().push(i);
            }
        }
        SpelledPaths(by_hash)
    }

    /// The files that may spell `path` (each of those that do).
    fn files(&self, path: &str) -> &[FileId] {
        self.0.get(&Self::hash(path)).map_or(&[], Vec::as_slice)
    }

    fn hash(path: &str) -> u64 {
        use std::hash::BuildHasher;
        rustc_hash::FxBuildHasher.hash_one(path)
    }
}

/// Per package: whether one of `seeds` imports it, directly or not, or is it. Only the
/// imports of the packages reached are resolved, a level of the search at a time in
/// parallel.
fn imported_by(index: &Index, seeds: impl Iterator<Item = index::PkgId>) -> Vec<bool> {
    let mut reached = vec![false; index.packages.len()];
    let mut level: Vec<index::PkgId> = Vec::new();
    for p in seeds {
        if !std::mem::replace(&mut reached[p], true) {
            level.push(p);
        }
    }
    while !level.is_empty() {
        let deps: Vec<FxHashSet<index::PkgId>> =
            level.par_iter().map(|&p| index.local_deps(p)).collect();
        level.clear();
        for d in deps.into_iter().flatten() {
            if !std::mem::replace(&mut reached[d], true) {
                level.push(d);
            }
        }
    }
    reached
}

/// The files whose typed declarations the type inference may read: those of the packages
/// importing an ABI package, when they build for some arch.
fn abi_package_files(index: &Index) -> Vec<FileId> {
    (0..index.files.len())
        .filter(|&i| {
            !index.files[i].arches.is_empty()
                && index.file_package[i].is_some()
                && index.package_imports_abi(i)
        })
        .collect()
}

/// Packages whose typed declarations the type-inferring rules may need, per planned file's
/// strongest `TypeNeed`: its package and the local packages it imports (`Direct`), or its
/// package and everything it imports, transitively (`Transitive`: a function of one
/// package may return a struct of another).
fn typed_packages(index: &Index, plans: &[Planned]) -> FxHashSet<index::PkgId> {
    let mut seen: FxHashSet<index::PkgId> = FxHashSet::default();
    let mut stack: Vec<index::PkgId> = Vec::new();
    // Each file's need on the pool: a rule's may take a token pass (undefined-on-arch's
    // members), one file after another in a serial stretch.
    let needs: Vec<(FileId, TypeNeed)> = plans
        .par_iter()
        .map(|p| {
            let _tokens = crate::lexer::cache_tokens();
            crate::lexer::offer_source(&p.src);
            let need = p
                .rules
                .iter()
                .map(|r| r.type_need(index, p.id, &p.src))
                .max()
                .unwrap_or(TypeNeed::None);
            (p.id, need)
        })
        .collect();
    for (id, need) in needs {
        let Some(own) = index.file_package[id] else {
            continue;
        };
        match need {
            TypeNeed::None => {}
            TypeNeed::Direct => {
                seen.insert(own);
                for (_, target) in index.import_bindings(id) {
                    if let Some(Target::Local(dep)) = target {
                        seen.insert(dep);
                    }
                }
            }
            TypeNeed::Transitive => stack.push(own),
        }
    }
    // Transitive needs close over imports; a package seen only directly is still walked
    // when a transitive need reaches it. A package's imports come from its files' resolved
    // imports (blank and dot imports bind no name the inference reads).
    let mut closed: FxHashSet<index::PkgId> = FxHashSet::default();
    while let Some(pkg) = stack.pop() {
        if !closed.insert(pkg) {
            continue;
        }
        seen.insert(pkg);
        let imported = index.bound_local_deps(pkg);
        stack.extend(imported.into_iter().filter(|d| !closed.contains(d)));
    }
    seen
}

/// A file some rule wants, with its source and those rules.
struct Planned {
    id: FileId,
    src: Arc<Vec<u8>>,
    rules: Vec<&'static dyn Rule>,
    /// The insides of the function bodies and package-level literals no rule reads
    /// (`Rule::bodies`), left out of the parse.
    skip: Vec<(usize, usize)>,
    /// The findings of the rules that judged the file from its tokens (`Rule::judge_tokens`);
    /// with no `rules` left, the file is not parsed.
    judged: Vec<Finding>,
}

/// The insides (between the braces) of the top-level blocks (`lexer::Block`: function
/// bodies, literals of package-level vars) none of `rules` reads: those of declarations
/// holding none of their tokens (`rules::Bodies`). When every one of `rules` reads only
/// the declarations it holds (`Rule::reads_held_only`), every top-level declaration none
/// holds is left out whole, signatures and types too.
fn unread_bodies(
    index: &Index,
    id: FileId,
    src: &[u8],
    rules: Vec<(&'static dyn Rule, Option<rules::Bodies>)>,
) -> Vec<(usize, usize)> {
    let whole_declarations = rules.iter().all(|(r, _)| r.reads_held_only());
    let mut at = Vec::new();
    for (r, known) in rules {
        match known.unwrap_or_else(|| r.bodies(index, id, src)) {
            rules::Bodies::All => return Vec::new(),
            rules::Bodies::Holding(offsets) => at.extend(offsets),
        }
    }
    if whole_declarations {
        return crate::lexer::declarations_without(src, at).unwrap_or_default();
    }
    match crate::lexer::top_blocks(src) {
        Some(blocks) => crate::lexer::blocks_without(&blocks, at),
        None => Vec::new(),
    }
}

/// Keep the rules that still want a candidate after a token scan, reading the file only
/// when a rule must see more than which of the needles it mentions, or when it is kept.
fn plan_file(
    opts: &ScanOptions,
    index: &Index,
    sources: &Sources,
    (needles, hits): (&rules::Needles, u64),
    read: &AtomicU64,
    id: FileId,
) -> std::result::Result<Option<Planned>, Note> {
    let f = &index.files[id];
    // Not cached: most candidates are dropped here, and holding every one until the plan
    // ends held the whole tree (465 MB on Debian's) for a rule that reads every file.
    let read_now = || {
        let src = sources.peek_or_read(id);
        if let Ok(b) = &src {
            read.fetch_add(b.len() as u64, Ordering::Relaxed);
        }
        src
    };
    let load = || read_now().ok();
    // The prefilters and `Rule::bodies` scan the file's tokens once between them.
    let _tokens = crate::lexer::cache_tokens();
    let view = rules::SourceView::new(needles, hits, &load);
    // Each kept rule, with the bodies it reads when its prefilter found them.
    let mut kept: Vec<(&'static dyn Rule, Option<rules::Bodies>)> = opts
        .rules
        .iter()
        .copied()
        .filter(|r| !f.arches.is_empty() || r.checks_unbuilt(index, id))
        .filter(|r| r.wants(index, id))
        .filter_map(|r| {
            if opts.skip_token_prefilters {
                return Some((r, None));
            }
            Some((r, r.plan_source(index, id, &view)?))
        })
        .collect();
    if kept.is_empty() {
        return Ok(None);
    }
    let src = match view.into_loaded() {
        Some(src) => src,
        None => {
            let src = read_now().map_err(|e| Note::unreadable(f.rel.clone(), &e))?;
            crate::lexer::offer_source(&src);
            src
        }
    };
    // A rule may judge the file from its tokens: it then reads nothing of the tree (never
    // when every file is parsed whole: that run is the tokens' reference).
    let mut judged = Vec::new();
    if !(opts.whole_files || opts.skip_token_prefilters) {
        kept.retain(|(rule, _)| match rule.judge_tokens(index, id, &src) {
            Some(found) => {
                judged.extend(found);
                false
            }
            None => true,
        });
        if kept.is_empty() {
            if judged.is_empty() {
                return Ok(None);
            }
            return Ok(Some(Planned {
                id,
                src,
                rules: Vec::new(),
                skip: Vec::new(),
                judged,
            }));
        }
    }
    let rules: Vec<&'static dyn Rule> = kept.iter().map(|(r, _)| *r).collect();
    // The check and the fix phase read it again.
    sources.keep(id, src.clone());
    let skip = if opts.whole_files || opts.skip_token_prefilters {
        Vec::new()
    } else {
        unread_bodies(index, id, &src, kept)
    };
    Ok(Some(Planned {
        id,
        src,
        rules,
        skip,
        judged,
    }))
}

/// A checked file: its findings, the file as parsed when it has findings (the fix phase
/// reads it; the others are dropped at once, not held until every file is checked), and
/// how often type inference gave up in it.
type CheckedFile =
    std::result::Result<(FileId, Vec<Finding>, Option<Parsed>, usize, Option<Note>), Note>;

/// A planned file's tree: without the bodies no rule reads, when the rest parses as the
/// whole file would (then with `true`), else whole.
fn parse_planned(
    index: &Index,
    id: FileId,
    src: &[u8],
    skip: &[(usize, usize)],
    times: &CheckTimes,
) -> std::result::Result<(tree_sitter::Tree, bool), Note> {
    let t = Instant::now();
    // Without the bodies no rule reads, when the rest parses as the whole file would.
    let parsed = syntax::parse_go_partial(src, skip, |n| {
        times.parsed_bytes.fetch_add(n as u64, Ordering::Relaxed);
    });
    let (tree, partial_parse) = parsed.ok_or_else(|| Note {
        path: index.files[id].rel.clone(),
        message: "tree-sitter could not parse the file".into(),
    })?;
    times.parse.fetch_add(since(t), Ordering::Relaxed);
    Ok((tree, partial_parse))
}

/// Parse and check one planned file.
fn check_file(
    index: &Index,
    plan: Planned,
    times: &CheckTimes,
    share: &TreeShare<'_>,
) -> CheckedFile {
    let id = plan.id;
    if plan.rules.is_empty() {
        // Judged from its tokens alone: no tree (a finding's anchor is read off one after
        // the findings are merged, `anchor_judged`).
        return Ok((id, plan.judged, None, 0, None));
    }
    let src = plan.src;
    let taken = match share {
        TreeShare::Take(trees) => trees
            .lock()
            .ok()
            .and_then(|mut t| t.remove(&id))
            .filter(|(skip, _, _)| *skip == plan.skip),
        _ => None,
    };
    let (tree, partial_parse) = match taken {
        Some((_, tree, partial)) => {
            times.reused.fetch_add(1, Ordering::Relaxed);
            (tree, partial)
        }
        None => {
            let (tree, partial) = parse_planned(index, id, &src, &plan.skip, times)?;
            if let TreeShare::Keep(trees, marked) = share {
                if marked.get(id).copied().unwrap_or(false) {
                    if let Ok(mut t) = trees.lock() {
                        t.insert(id, (plan.skip.clone(), tree.clone(), partial));
                    }
                }
            }
            (tree, partial)
        }
    };
    let t = Instant::now();
    let imports = index.resolved_imports(id);
    times.imports.fetch_add(since(t), Ordering::Relaxed);
    let t = Instant::now();
    let (out, gave_up, too_deep) = {
        let syntax = FileSyntax::new(index, id, &src, &tree, &imports);
        let cx = FileCtx::new(&syntax);
        let mut out = plan.judged;
        for rule in &plan.rules {
            rule.check(&cx, &mut out);
        }
        let too_deep = syntax.depth_note().map(|message| Note {
            path: index.files[id].rel.clone(),
            message,
        });
        (out, syntax.gave_up(), too_deep)
    };
    times.rules.fetch_add(since(t), Ordering::Relaxed);
    // The fix phase grows a partial tree whole if a builder asks (`FixCtx::whole_tree`).
    let parsed = (!out.is_empty()).then(|| Parsed::new(src, tree, partial_parse, imports));
    Ok((id, out, parsed, gave_up, too_deep))
}

/// A file's first look: its info, the arches it builds for under each cgo setting, its
/// [`rules::Needles::hits`] and its suppression directives (none when it is not a Go file the go command accepts), and
/// notes about its constraints; or a note why it could not be read.
type FirstLook =
    std::result::Result<(Option<(FileInfo, [ArchSet; 2], Found, u64)>, Vec<Note>), Note>;

/// A file's suppression directives and the digest of the bytes read, when it has any.
type Found = Option<(Vec<suppress::Directive>, walk::Digest)>;

/// The header pass's looks, in file order: the files kept with their arches under each cgo
/// setting, the rules' words they mention and their suppression directives, and the notes.
#[derive(Default)]
struct Gathered {
    files: Vec<FileInfo>,
    hits: Vec<u64>,
    by_cgo: Vec<[ArchSet; 2]>,
    directives: Vec<suppress::FileDirectives>,
    bytes: u64,
    notes: Vec<Note>,
}

// Boxed as the walk hands them on (its lists of looks are grown, merged and sorted by
// moving them).
#[allow(clippy::vec_box)]
fn gather_looks(firsts: Vec<Box<FirstLook>>) -> Gathered {
    let mut g = Gathered::default();
    // Sized once: the file list, a few hundred bytes a file, was copied as it grew.
    g.files.reserve_exact(firsts.len());
    g.by_cgo.reserve_exact(firsts.len());
    g.hits.reserve_exact(firsts.len());
    for r in firsts {
        match *r {
            Ok((info, problems)) => {
                g.notes.extend(problems);
                if let Some((info, arches, found, mentioned)) = info {
                    if let Some((list, digest)) = found {
                        g.directives.push(suppress::FileDirectives {
                            file: g.files.len(),
                            path: info.rel.clone(),
                            arches: arches[0].union(arches[1]),
                            directives: list,
                            digest,
                        });
                    }
                    g.bytes += info.bytes;
                    g.files.push(info);
                    g.by_cgo.push(arches);
                    g.hits.push(mentioned);
                }
            }
            Err(n) => g.notes.push(n),
        }
    }
    g
}

/// Pass 1 for a file below a linked directory, from the look of the file at its real
/// path (the same bytes and name): only the paths differ. `None` when that file could not
/// be read (it is tried again under this path).
#[allow(clippy::borrowed_box)]
fn same_look(f: &walk::SourceFile, real: &Box<FirstLook>) -> Option<Box<FirstLook>> {
    let (info, problems) = real.as_ref().as_ref().ok()?;
    let problems = problems
        .iter()
        .map(|n| Note {
            path: f.rel.clone(),
            message: n.message.clone(),
        })
        .collect();
    let info = info.as_ref().map(|(info, arches, found, mentioned)| {
        let info = FileInfo {
            rel: f.rel.clone(),
            dir: walk::dir_of(&f.rel).to_string(),
            ..info.clone()
        };
        (info, *arches, found.clone(), *mentioned)
    });
    Some(Box::new(Ok((info, problems))))
}

/// Pass 1 for one file: constraints (under each judged cgo setting), package clause and
/// imports.
fn first_look(
    opts: &ScanOptions,
    configs: &[Cgo],
    needles: &rules::Needles,
    f: &walk::SourceFile,
) -> FirstLook {
    thread_local! {
        // One read buffer per worker: the header pass reads every file once and keeps none.
        static BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BUF.with_borrow_mut(|buf| {
        walk::read_source_into(f, buf)?;
        first_look_at(opts, configs, needles, f, buf)
    })
}

/// [`first_look`] at the bytes read.
fn first_look_at(
    opts: &ScanOptions,
    configs: &[Cgo],
    needles: &rules::Needles,
    f: &walk::SourceFile,
    src: &[u8],
) -> FirstLook {
    let name = walk::file_name(&f.rel);
    let h = header::scan(src);
    let mut arches = [ArchSet::EMPTY; 2];
    let mut problems: Vec<Note> = Vec::new();
    for &cgo in configs {
        let cfg = BuildConfig {
            cgo: cgo == Cgo::On,
            ..opts.build.clone()
        };
        let c = constraints::evaluate_header(&cfg, name, &h);
        arches[cgo as usize] = c.arches;
        for p in c.problems {
            let note = Note {
                path: f.rel.clone(),
                message: format!("line {}: {}", p.line, p.message),
            };
            if !problems.contains(&note) {
                problems.push(note);
            }
        }
    }
    // A setting not judged reads as the first one: the file does not vary by it.
    if configs.len() == 1 {
        arches = [arches[configs[0] as usize]; 2];
    }
    let constraint = describe_constraint(name, &h);
    let Some(package) = h.package else {
        problems.push(Note {
            path: f.rel.clone(),
            message: "no package clause; skipped".into(),
        });
        return Ok((None, problems));
    };
    let dir = walk::dir_of(&f.rel).to_string();
    let info = FileInfo {
        rel: f.rel.clone(),
        dir,
        package,
        arches: arches[configs[0] as usize],
        is_test: constraints::file_name::is_test_name(name),
        imports_abi: index::imports_abi(&h.imports),
        imports: h.imports,
        import_comment: h.import_comment,
        constraint,
        bytes: src.len() as u64,
    };
    let mentioned = needles.hits(src);
    let directives = if needles.hit(mentioned, suppress::MARKER) {
        suppress::directives(src)
    } else {
        Vec::new()
    };
    let found = (!directives.is_empty()).then(|| (directives, walk::digest(src)));
    Ok((Some((info, arches, found, mentioned)), problems))
}

/// Pass 1 for one `.s` file: the arches it builds for under each judged cgo setting (its
/// constraint problems are the assembler's business, not reported) and its `TEXT` symbols.
fn asm_look(
    opts: &ScanOptions,
    configs: &[Cgo],
    f: &walk::SourceFile,
) -> std::result::Result<(index::asm::AsmFile, [ArchSet; 2]), Note> {
    let name = walk::file_name(&f.rel);
    if name.ends_with(".syso") {
        return Ok(object_look(opts, configs, f, name));
    }
    let src = walk::read_source(f)?;
    let h = header::scan(&src);
    let mut arches = [ArchSet::EMPTY; 2];
    for &cgo in configs {
        let cfg = BuildConfig {
            cgo: cgo == Cgo::On,
            ..opts.build.clone()
        };
        arches[cgo as usize] = constraints::evaluate_header(&cfg, name, &h).arches;
    }
    if configs.len() == 1 {
        arches = [arches[configs[0] as usize]; 2];
    }
    let file = index::asm::AsmFile {
        rel: f.rel.clone(),
        dir: walk::dir_of(&f.rel).to_string(),
        arches: ArchSet::EMPTY,
        symbols: index::asm::text_symbols(&src),
        machine: None,
    };
    Ok((file, arches))
}

/// Pass 1 for one `.syso` object: the go command links it where its file name's
/// `_GOOS_GOARCH` suffix holds (it reads no constraint lines in it), whatever machine
/// its ELF header names; its Go-named symbols.
fn object_look(
    opts: &ScanOptions,
    configs: &[Cgo],
    f: &walk::SourceFile,
    name: &str,
) -> (index::asm::AsmFile, [ArchSet; 2]) {
    let no_header = header::scan(b"");
    let mut arches = [ArchSet::EMPTY; 2];
    for &cgo in configs {
        let cfg = BuildConfig {
            cgo: cgo == Cgo::On,
            ..opts.build.clone()
        };
        arches[cgo as usize] = constraints::evaluate_header(&cfg, name, &no_header).arches;
    }
    if configs.len() == 1 {
        arches = [arches[configs[0] as usize]; 2];
    }
    let (machine, symbols) = std::fs::read(&f.abs)
        .ok()
        .filter(|b| b.len() as u64 <= walk::MAX_FILE_BYTES)
        .and_then(|bytes| {
            let elf = goblin::elf::Elf::parse(&bytes).ok()?;
            let arch =
                crate::elf::platform::arch_of(elf.header.e_machine, elf.is_64, !elf.little_endian);
            let names: Vec<String> = elf
                .syms
                .iter()
                .filter(|s| {
                    s.st_shndx != 0
                        && matches!(
                            s.st_bind(),
                            goblin::elf::sym::STB_GLOBAL | goblin::elf::sym::STB_WEAK
                        )
                })
                .filter_map(|s| elf.strtab.get_at(s.st_name).map(str::to_string))
                .collect();
            Some((
                arch.map_or(ArchSet::EMPTY, ArchSet::single),
                index::asm::object_symbols(names),
            ))
        })
        .unwrap_or((ArchSet::EMPTY, Vec::new()));
    let file = index::asm::AsmFile {
        rel: f.rel.clone(),
        dir: walk::dir_of(&f.rel).to_string(),
        arches: ArchSet::EMPTY,
        symbols,
        machine: Some(machine),
    };
    (file, arches)
}

/// The constraint as the author wrote it, for messages: the `//go:build` line, else the
/// `// +build` lines, else a file-name suffix.
pub fn describe_constraint(file_name: &str, h: &header::Header<'_>) -> Option<String> {
    if let Some(text) = constraints::constraint_text(h) {
        return Some(text);
    }
    let stem = file_name.strip_suffix(".go")?.trim_end_matches("_test");
    let parts: Vec<&str> = stem.split('_').collect();
    let n = parts.len();
    let is_arch = |s: &str| Arch::from_name(s).is_some();
    if n >= 3 && is_arch(parts[n - 1]) && parts[n - 2] == "linux" {
        return Some(format!("file name suffix _linux_{}", parts[n - 1]));
    }
    if n >= 2 && is_arch(parts[n - 1]) {
        return Some(format!("file name suffix _{}", parts[n - 1]));
    }
    None
}

/// The anchors of the findings in Go files judged from their tokens alone
/// (`Rule::judge_tokens`), which no tree gave: those still reported once findings are
/// folded, read off a parse of the declarations holding them (as the check's partial tree
/// would have held them).
fn anchor_judged(root: &Path, findings: &mut [Finding]) {
    let mut by_path: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, f) in findings.iter().enumerate() {
        if f.anchor.is_none() && f.path.ends_with(".go") {
            by_path.entry(f.path.as_str()).or_default().push(i);
        }
    }
    if by_path.is_empty() {
        return;
    }
    let found: &[Finding] = findings;
    let anchors: Vec<(usize, finding::Anchor)> = by_path
        .into_par_iter()
        .flat_map_iter(|(path, at)| {
            // Unreadable now: left without a fingerprint rather than given a wrong one.
            let Ok(src) = walk::read_rel(root, path) else {
                return Vec::new();
            };
            let offsets = at.iter().map(|&i| found[i].span.start).collect();
            let skip = crate::lexer::declarations_without(&src, offsets).unwrap_or_default();
            let tree = syntax::parse_go_partial(&src, &skip, |_| {});
            let made: Vec<(usize, finding::Anchor)> = match &tree {
                Some((tree, _)) => {
                    let anchors = syntax::anchor::Anchors::new(tree);
                    at.iter()
                        .map(|&i| {
                            let code = anchors.code_anchor(&src, found[i].span);
                            (
                                i,
                                finding::Anchor {
                                    code,
                                    occurrence: 0,
                                },
                            )
                        })
                        .collect()
                }
                None => Vec::new(),
            };
            made
        })
        .collect();
    for (i, a) in anchors {
        findings[i].anchor = Some(a);
    }
}

/// Report (and fix) files reached through an in-tree symlink at their real path, so a
/// `vendor/` entry linking to `staging/` gives one finding, and a patch `git apply` takes
/// (it refuses paths beyond a symlink). Copies of one finding merge their arches.
fn to_real_paths(findings: &mut Vec<Finding>, real: &HashMap<String, String>) {
    for f in findings.iter_mut() {
        if let Some(r) = real.get(&f.path) {
            if let Some(fix) = &mut f.fix {
                fix.file.get_or_insert_with(|| f.path.clone());
            }
            f.path = r.clone();
        }
        if let Some(fix) = &mut f.fix {
            if let Some(r) = fix.file.as_ref().and_then(|p| real.get(p)) {
                fix.file = Some(r.clone());
            }
            if fix.file.as_deref() == Some(f.path.as_str()) {
                fix.file = None;
            }
        }
    }
    finding::normalize(findings);
}

#[cfg(test)]
mod tests {
    use super::{abi_package_files, affected_files, imported_by, CgoSensitive, TypedAhead};
    use crate::arch::{Arch, ArchSet};
    use crate::index::{self, FileInfo, Index};

    /// Write each `(path, text)` of `files` below `root`, making its directories.
    fn write_files(root: &std::path::Path, files: &[(&str, &str)]) {
        for (rel, src) in files {
            let path = root.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, src).unwrap();
        }
    }

    /// The guess made from the walk's looks names the files the index's answer does.
    #[test]
    fn files_lexed_ahead_are_those_of_packages_importing_an_abi_package() {
        let all = ArchSet::ALL;
        let file = |rel: &str, package: &str, arches: ArchSet, src: &str| {
            FileInfo::for_test(rel.to_string(), package, arches, src)
        };
        let files = vec![
            file("a/a.go", "a", all, "package a\nimport \"syscall\"\n"),
            file("a/b.go", "a", all, "package a\nimport \"os\"\n"),
            // Its own package (the external tests), importing none.
            file(
                "a/x_test.go",
                "a_test",
                all,
                "package a_test\nimport \"testing\"\n",
            ),
            // Builds for no arch: in no package.
            file("a/z.go", "a", ArchSet::EMPTY, "package a\n"),
            file("b/b.go", "b", all, "package b\nimport \"os\"\n"),
            file(
                "c/c.go",
                "c",
                ArchSet::single(Arch::Mips64le),
                "package c\nimport u \"golang.org/x/sys/unix\"\n",
            ),
            file("c/d.go", "c", all, "package c\n"),
            // A copy of x/sys/unix (vendored): its declarations are the types.
            file(
                "vendor/golang.org/x/sys/unix/u.go",
                "unix",
                all,
                "package unix\n",
            ),
        ];
        let infos: Vec<&FileInfo> = files.iter().collect();
        let guess = index::likely_abi_package_files(&infos);
        let index = Index::for_test(files.clone());
        assert_eq!(guess, abi_package_files(&index));
        assert_eq!(guess, vec![0, 1, 5, 6, 7]);
    }

    /// Judged again under the other cgo setting: the files beside a sensitive one, and
    /// those of the packages importing, directly or not, one whose difference shows, by
    /// the package their import path resolves to (a vendored copy of the same path is
    /// another package); and what the packages of the files judged again import.
    #[test]
    fn files_judged_again_import_a_package_whose_difference_shows() {
        let all = ArchSet::ALL;
        let file = |rel: &str, package: &str, src: &str| {
            FileInfo::for_test(rel.to_string(), package, all, src)
        };
        let files = vec![
            // 0, 1: p differs under cgo, and its importers see it; 1 is beside it.
            file("p/p.go", "p", "package p\n"),
            file("p/q.go", "p", "package p\nimport \"m/leaf\"\n"),
            // 2: imports p; 3: imports its importer; 4: p's external tests.
            file("a/a.go", "a", "package a\nimport \"m/p\"\n"),
            file(
                "b/b.go",
                "b",
                "package b\nimport (\n\t\"fmt\"\n\tx \"m/a\"\n)\n",
            ),
            file("p/p_test.go", "p_test", "package p_test\nimport \"m/p\"\n"),
            // 5: its "m/p" is the vendored copy (6), whose difference does not show.
            file("v/v.go", "v", "package v\nimport \"m/p\"\n"),
            file("v/vendor/m/p/p.go", "p", "package p\n"),
            // 7: imports nothing that differs; 8: a leaf p imports.
            file("c/c.go", "c", "package c\nimport \"m/leaf\"\n"),
            file("leaf/leaf.go", "leaf", "package leaf\n"),
        ];
        let dir = tempfile::tempdir().unwrap();
        let index = Index::build(
            dir.path(),
            None,
            &Default::default(),
            Some("m"),
            files,
            Arch::Amd64,
            all,
        );
        let mut differ = vec![false; index.files.len()];
        differ[0] = true;
        let sensitive = CgoSensitive {
            seen: differ.clone(),
            files: differ,
        };
        let judged = |s: &CgoSensitive| -> Vec<usize> {
            let affected = affected_files(&index, s, &Default::default());
            (0..affected.len()).filter(|&i| affected[i]).collect()
        };
        assert_eq!(judged(&sensitive), vec![0, 1, 2, 3, 4]);
        // Not seen by importers: only the sensitive file's directory is judged again (its
        // external tests too).
        let hidden = CgoSensitive {
            seen: vec![false; index.files.len()],
            files: sensitive.files.clone(),
        };
        assert_eq!(judged(&hidden), vec![0, 1, 4]);
        // What b's package reads: its own, a, p and the leaf p imports; not fmt's, c or
        // the vendored copy.
        let b = index.file_package[3].unwrap();
        let reached = imported_by(&index, [b].into_iter());
        let mut dirs: Vec<&str> = (0..reached.len())
            .filter(|&p| reached[p])
            .map(|p| index.packages[p].dir.as_str())
            .collect();
        dirs.sort();
        assert_eq!(dirs, vec!["a", "b", "leaf", "p"]);
    }

    /// The second cgo setting takes whole the declarations the first recorded of a
    /// package no cgo-sensitive file belongs to (it lexes none of its files), and judges
    /// with them as if it had recorded them: a use in a file built with cgo alone of a
    /// name the package declares per arch is found under that setting only.
    #[test]
    fn second_setting_takes_the_first_settings_declarations_of_unchanged_packages() {
        let dir = tempfile::tempdir().unwrap();
        let srcs = [
            ("go.mod", "module m\n\ngo 1.19\n"),
            // A package whose names differ per arch (none for mips64le), cgo or not.
            ("lib/lib.go", "package lib\n"),
            ("lib/lib_amd64.go", "package lib\n\nconst Width = 8\n"),
            ("lib/lib_arm64.go", "package lib\n\nconst Width = 8\n"),
            (
                "app/app.go",
                "package app\n\nimport \"m/lib\"\n\nvar X = lib.Width\n",
            ),
            (
                "app/app_cgo.go",
                "//go:build cgo\n\npackage app\n\nimport \"m/lib\"\n\nvar Y = lib.Width\n",
            ),
        ];
        write_files(dir.path(), &srcs);
        let mut opts =
            super::ScanOptions::new(dir.path(), ArchSet::single(Arch::Mips64le), Arch::Amd64);
        opts.rules = vec![crate::rules::by_id("undefined-on-arch").unwrap()];
        let out = super::analyze(&opts).unwrap();
        let found: Vec<(&str, Vec<&str>)> = (out.findings.iter())
            .map(|f| (f.path.as_str(), f.configs.names()))
            .collect();
        assert_eq!(
            found,
            vec![
                ("app/app.go", vec!["CGO_ENABLED=0", "CGO_ENABLED=1"]),
                ("app/app_cgo.go", vec!["CGO_ENABLED=1"]),
            ]
        );
        // The second setting lexed no declarations: lib's came from the first.
        let lexed = |name: &str| {
            (out.stats.phases.iter())
                .find(|p| p.name == name)
                .map(|p| p.files)
        };
        assert_eq!(lexed("lex declarations"), Some(3));
        assert_eq!(lexed("lex declarations [CGO_ENABLED=1]"), Some(0));
    }

    /// Lexed ahead and finished while the work is under way: each file once, with the
    /// items the lexer gives it, under the id of its path; an unreadable one is left out.
    #[test]
    fn typed_declarations_lexed_ahead_come_back_once_per_file() {
        let dir = tempfile::tempdir().unwrap();
        let srcs = [
            (
                "p/a.go",
                "package p\ntype T struct{ A uint32 }\nfunc F() T { return T{} }\n",
            ),
            ("p/b.go", "package p\nvar V int64\n"),
            ("q/c.go", "package q\nconst C = 1\n"),
        ];
        write_files(dir.path(), &srcs);
        let mut rels: Vec<String> = srcs.iter().map(|(r, _)| r.to_string()).collect();
        rels.push("q/gone.go".to_string());
        // `v/a.go` is `p/a.go` reached through a linked directory: never read, its items
        // are its real file's.
        let files: Vec<FileInfo> = ["p/a.go", "p/b.go", "q/c.go", "q/gone.go", "v/a.go"]
            .iter()
            .map(|r| FileInfo::for_test(r.to_string(), "p", ArchSet::ALL, "package p\n"))
            .collect();
        let links = std::collections::HashMap::from([("v/a.go".to_string(), "p/a.go".to_string())]);
        for _ in 0..20 {
            let ahead = TypedAhead::new(dir.path(), rels.iter().rev().cloned().collect());
            ahead.link(&links);
            let work = std::sync::Arc::clone(&ahead);
            let (_, mut got) = rayon::join(move || work.lex(), || ahead.finish(&files));
            got.sort_by_key(|(id, _)| *id);
            let ids: Vec<usize> = got.iter().map(|(id, _)| *id).collect();
            assert_eq!(ids, vec![0, 1, 2, 4]);
            for (id, items) in &got {
                let src = srcs[if *id == 4 { 0 } else { *id }].1;
                let want = crate::lexer::typed::typed_items(src.as_bytes());
                assert_eq!(items, &want, "{}", files[*id].rel);
            }
        }
    }

    /// The source cache takes the bytes lexed ahead instead of reading the file again (a
    /// file rewritten since still reads as lexed), a linked path its real file's, until
    /// `keep_only` lets go of them; a file not lexed ahead is read.
    #[test]
    fn the_source_cache_takes_the_bytes_lexed_ahead() {
        let dir = tempfile::tempdir().unwrap();
        write_files(
            dir.path(),
            &[("p/a.go", "package p\n"), ("q/b.go", "package q\n")],
        );
        let ahead = TypedAhead::new(dir.path(), vec!["p/a.go".to_string()]);
        ahead.link(&std::collections::HashMap::from([(
            "v/a.go".to_string(),
            "p/a.go".to_string(),
        )]));
        ahead.lex();
        std::fs::write(dir.path().join("p/a.go"), "package p // since\n").unwrap();
        let rels: std::sync::Arc<[String]> = ["p/a.go", "q/b.go", "v/a.go"]
            .iter()
            .map(|r| r.to_string())
            .collect();
        let mut sources = crate::walk::Sources::new(dir.path(), rels).with_held(ahead);
        let read = |s: &crate::walk::Sources, i| {
            String::from_utf8(s.peek_or_read(i).unwrap().to_vec()).unwrap()
        };
        assert_eq!(read(&sources, 0), "package p\n");
        assert_eq!(read(&sources, 2), "package p\n");
        assert_eq!(read(&sources, 1), "package q\n");
        sources.keep_only(|_| false);
        assert_eq!(read(&sources, 0), "package p // since\n");
        assert!(sources.peek_or_read(2).is_err(), "no v/a.go on disk");
    }

    #[test]
    fn importers_see_types_methods_and_exported_names_only() {
        let seen = |src: &str| CgoSensitive::seen_by_importers(src.as_bytes());
        assert!(!seen("package p\n\nfunc helper() int { return 1 }\n"));
        assert!(!seen(
            "package p\n\nvar cache = map[int]int{}\n\nconst limit = 4\n"
        ));
        assert!(!seen("package p\n\nfunc init() {}\n"));
        assert!(seen("package p\n\nfunc Probe() int { return 1 }\n"));
        assert!(seen("package p\n\nvar Default = 1\n"));
        assert!(seen("package p\n\nconst (\n\ta = 1\n\tB = 2\n)\n"));
        // A type, even unexported: an exported declaration elsewhere may name it.
        assert!(seen("package p\n\ntype handle struct{ fd int }\n"));
        assert!(seen("package p\n\ntype size = int\n"));
        // A method, even unexported, changes its type's method set.
        assert!(seen("package p\n\nfunc (h *handle) close() {}\n"));
    }
}
