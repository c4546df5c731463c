//! `abiport scan`: its arguments, their conversion to [`ScanOptions`], and the report on
//! stdout (statistics on stderr).

use crate::arch::{Arch, ArchSet};
use crate::constraints::{BuildConfig, CgoSet};
use crate::edit::FixOptions;
use crate::error::{Outcome, Result, UserError};
use crate::report;
use crate::rules;
use crate::scan::{analyze, ScanOptions, ScanOutput};
use crate::walk::{Note, WalkOptions};
use clap::{Args, ValueEnum};
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ScanFormat {
    Human,
    Json,
    Sarif,
    Github,
}

#[derive(Args, Debug, Clone)]
pub struct ScanArgs {
    /// Go trees to scan: directories, `dir/...` (the same) or `.go` files (scanned with
    /// their package, reported alone); each keeps its own module and GOPATH resolution
    #[arg(default_value = ".", value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Target arches, comma separated, or `all`
    #[arg(long, default_value = "mips64le")]
    pub arch: String,
    /// Reference arch the code is known to work on
    #[arg(long = "ref", default_value = "amd64")]
    pub reference: String,
    /// Output format
    #[arg(long, value_enum, default_value_t = ScanFormat::Human)]
    pub format: ScanFormat,
    /// Only run these rules (comma separated ids)
    #[arg(long)]
    pub rules: Option<String>,
    /// Worker threads (default: number of cores)
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
    /// Skip files that .gitignore excludes (off by default: vendor/ is often ignored)
    #[arg(long)]
    pub respect_gitignore: bool,
    /// Do not scan _test.go files
    #[arg(long)]
    pub no_tests: bool,
    /// cgo settings to judge: on, off or both (a bare --cgo means on)
    #[arg(long, value_name = "on|off|both", num_args = 0..=1, default_value = "both", default_missing_value = "on")]
    pub cgo: String,
    /// Go release for `go1.N` build tags, e.g. 1.22
    #[arg(long = "go", default_value = "1.23")]
    pub go_version: String,
    /// Extra build tags, comma separated
    #[arg(long, default_value = "")]
    pub tags: String,
    /// Print analysis statistics to stderr
    #[arg(long)]
    pub stats: bool,
    /// Accept files and directories that cannot be read: a note each, not an error (by
    /// default they make the run exit 1, since the scan is incomplete)
    #[arg(long)]
    pub ignore_unreadable: bool,
    /// Import path of a tree without go.mod (GOPATH era), e.g. github.com/org/proj;
    /// inferred when not given (README: "How abiport finds a GOPATH tree's import path")
    #[arg(long, value_name = "PATH")]
    pub import_path: Option<String>,
}

/// Exit codes, as `--help` shows them (README "Exit codes").
pub const SCAN_EXIT_CODES: &str = "\
Exit codes:
  0  no findings (or all of them in --baseline; or --write-baseline wrote the file)
  1  findings, or inputs that could not be read (unless --ignore-unreadable)
  2  usage error, unreadable or invalid --baseline file, or another error";

/// `abiport scan`: the scan arguments every subcommand shares, and the baseline.
#[derive(Args, Debug, Clone)]
#[command(after_help = SCAN_EXIT_CODES)]
pub struct ScanCommand {
    #[command(flatten)]
    pub scan: ScanArgs,
    /// Report only findings not recorded in FILE (README "Baseline"); the summary counts
    /// the recorded ones that are gone
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Record the current findings in FILE, by fingerprint, and exit 0
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
}

/// `scan`'s arguments read as the shared ones (`options(&scan_command)`).
impl std::ops::Deref for ScanCommand {
    type Target = ScanArgs;
    fn deref(&self) -> &ScanArgs {
        &self.scan
    }
}

/// The scan the arguments ask for, of their first path (`fix` and `verify` take one).
/// `ABIPORT_TIMING` (set to anything) turns on the per-phase timing lines on stderr.
pub fn options(args: &ScanArgs) -> Result<ScanOptions> {
    let first = args
        .paths
        .first()
        .cloned()
        .unwrap_or_else(|| PathBuf::from("."));
    options_for(args, &first)
}

/// [`options`] for a subcommand that works on one tree: several paths are an error.
pub fn single_tree_options(args: &ScanArgs, command: &str) -> Result<ScanOptions> {
    if args.paths.len() > 1 {
        return Err(UserError::new(format!(
            "`{command}` works on one tree; {} paths given",
            args.paths.len()
        ))
        .with_help(format!("run `abiport {command}` once per tree")));
    }
    options(args)
}

/// [`options`] for one of the paths.
pub fn options_for(args: &ScanArgs, path: &Path) -> Result<ScanOptions> {
    let (root, only_file) = crate::scan::split_root(path)?;
    let targets = ArchSet::parse_list(&args.arch)?;
    if targets.is_empty() {
        return Err(UserError::new("no target architecture given")
            .with_help("use --arch mips64le, a list, or all"));
    }
    let reference: Arch = args.reference.parse()?;
    let rules = match &args.rules {
        None => rules::RULES.to_vec(),
        Some(list) => list
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|id| {
                rules::by_id(id).ok_or_else(|| {
                    UserError::new(format!("unknown rule `{id}`")).with_help(format!(
                        "rules: {}",
                        rules::ids().collect::<Vec<_>>().join(", ")
                    ))
                })
            })
            .collect::<Result<Vec<_>>>()?,
    };
    let go_minor = BuildConfig::parse_go_version(&args.go_version)
        .map_err(|e| UserError::new(e).with_help("give a release like 1.22"))?;
    let tags = args
        .tags
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(String::from)
        .collect();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let jobs = match args.jobs {
        Some(asked) if asked > MAX_JOBS_PER_CORE * cores => {
            let cap = MAX_JOBS_PER_CORE * cores;
            eprintln!(
                "abiport: note: -j {asked} capped at {cap} ({MAX_JOBS_PER_CORE} × {cores} core{})",
                if cores == 1 { "" } else { "s" }
            );
            cap
        }
        Some(asked) => asked,
        None => cores,
    }
    .max(1);
    Ok(ScanOptions {
        root,
        targets,
        reference,
        rules,
        walk: WalkOptions {
            respect_gitignore: args.respect_gitignore,
            include_tests: !args.no_tests,
            jobs,
        },
        configs: CgoSet::parse(&args.cgo)
            .map_err(|e| UserError::new(e).with_help("use --cgo on, off or both"))?,
        build: BuildConfig {
            cgo: false,
            go_minor,
            tags,
        },
        fixes: FixOptions {
            unsafe_fixes: false,
            plain_conversions: matches!(
                std::env::var("ABIPORT_NOLINT_UNCONVERT").as_deref(),
                Ok("0") | Ok("off") | Ok("false") | Ok("no")
            ),
        },
        timing: std::env::var_os("ABIPORT_TIMING").is_some(),
        only_file,
        import_path: args.import_path.clone(),
    })
}

/// `-j` above this many workers per core is capped (with a note): more threads only add
/// memory and contention, and thousands of them stall the walk.
const MAX_JOBS_PER_CORE: usize = 4;

pub fn run(cmd: &ScanCommand) -> Result<Outcome> {
    let args = &cmd.scan;
    // Read the baseline before the scan: a bad file fails fast.
    let baseline = cmd
        .baseline
        .as_deref()
        .map(crate::baseline::Baseline::load)
        .transpose()?;
    if args.paths.len() > 1 && args.import_path.is_some() {
        return Err(UserError::new(
            "--import-path names one tree's import path; several paths given",
        )
        .with_help("scan that tree alone with --import-path"));
    }
    let mut outputs = Vec::new();
    let mut roots = Vec::new();
    let mut scope_rules: Vec<&str> = Vec::new();
    let mut scope_targets = ArchSet::EMPTY;
    let mut only_files = Vec::new();
    for path in &args.paths {
        let opts = options_for(args, path)?;
        scope_rules = opts.rules.iter().map(|r| r.meta().id).collect();
        scope_targets = opts.targets;
        only_files.push(opts.only_file.clone());
        if !opts.root.exists() {
            return Err(UserError::new(format!(
                "{}: no such file or directory",
                opts.root.display()
            )));
        }
        outputs.push((crate::scan::root_prefix(&opts.root), analyze(&opts)?));
        roots.push(opts.root);
    }
    // One root reports paths relative to it; several, relative to the current directory.
    let (mut out, report_root) = if outputs.len() == 1 {
        (outputs.pop().expect("one output").1, roots.remove(0))
    } else {
        (crate::scan::merge_roots(outputs), PathBuf::from("."))
    };
    let unread = unreadable_inputs(&mut out.notes, args.ignore_unreadable);
    let written = match &cmd.write_baseline {
        Some(file) => Some((file, crate::baseline::write(file, &out.findings)?)),
        None => None,
    };
    let compared = baseline.map(|b| {
        let scope = crate::baseline::Scope {
            rules: &scope_rules,
            targets: scope_targets,
            // One `.go` file scanned: only its recorded findings can be gone.
            only_path: match only_files.as_slice() {
                [Some(file)] => Some(file.as_str()),
                _ => None,
            },
        };
        b.filter(&mut out.findings, &scope)
    });
    let text = render(args.format, &out, &report_root, args.stats, compared);
    print!("{text}");
    if !text.ends_with('\n') {
        println!();
    }
    let named = args
        .paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    unreadable_summary(&unread, Path::new(&named));
    if out.stats.files == 0 && unread.count > 0 {
        eprintln!("abiport: no Go files were scanned under {named}");
    } else if out.stats.files == 0 {
        eprintln!(
            "abiport: no Go files were scanned under {named}; like the go command, abiport \
             skips testdata/ and directories starting with `.` or `_` (and, with \
             --respect-gitignore, ignored files)"
        );
    }
    if args.stats {
        eprintln!(
            "abiport: {} files, {} parsed, {} bytes, {:.3} s",
            out.stats.files, out.stats.parsed_files, out.stats.bytes, out.stats.seconds
        );
        eprintln!("abiport: type inference gave up {} times", out.type_gave_up);
    }
    if let Some((file, (count, unplaced))) = written {
        eprintln!(
            "abiport: wrote {count} finding{} to baseline {}",
            if count == 1 { "" } else { "s" },
            file.display()
        );
        if unplaced > 0 {
            eprintln!(
                "abiport: warning: {unplaced} finding(s) have no fingerprint and are not in it"
            );
        }
        return Ok(if unread.fails() || unplaced > 0 {
            Outcome::Findings
        } else {
            Outcome::Clean
        });
    }
    Ok(if out.findings.is_empty() && !unread.fails() {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}

/// The inputs under the root a run could not read.
pub(crate) struct Unreadable {
    pub count: usize,
    /// `--ignore-unreadable`: they are notes and do not change the exit code.
    pub ignored: bool,
}

impl Unreadable {
    /// Whether they make the run fail (exit at least 1): the scan is incomplete.
    pub fn fails(&self) -> bool {
        self.count > 0 && !self.ignored
    }
}

/// Count the notes about inputs that could not be read; with `ignore` (`--ignore-unreadable`)
/// they become plain notes.
pub(crate) fn unreadable_inputs(notes: &mut Vec<Note>, ignore: bool) -> Unreadable {
    let count = notes.iter().filter(|n| n.is_unreadable()).count();
    if ignore && count > 0 {
        *notes = std::mem::take(notes)
            .into_iter()
            .map(Note::accept_unreadable)
            .collect();
    }
    Unreadable {
        count,
        ignored: ignore,
    }
}

/// One line on stderr when inputs could not be read.
pub(crate) fn unreadable_summary(unread: &Unreadable, root: &Path) {
    let n = unread.count;
    if n == 0 {
        return;
    }
    let what = if n == 1 {
        "1 file or directory".to_string()
    } else {
        format!("{n} files or directories")
    };
    if unread.ignored {
        eprintln!(
            "abiport: note: {what} under {} could not be read and {} not scanned \
             (--ignore-unreadable)",
            root.display(),
            if n == 1 { "was" } else { "were" }
        );
    } else {
        eprintln!(
            "abiport: error: {what} under {} could not be read, so the scan is incomplete",
            root.display()
        );
        eprintln!(
            "  help: make them readable to the user running abiport, or pass \
             --ignore-unreadable to skip them"
        );
    }
}

fn render(
    format: ScanFormat,
    out: &ScanOutput,
    root: &Path,
    timing: bool,
    baseline: Option<report::BaselineSummary>,
) -> String {
    let rules: Vec<report::RuleInfo> = rules::RULES
        .iter()
        .map(|r| report::RuleInfo {
            id: r.meta().id,
            summary: r.meta().summary,
        })
        .collect();
    let r = report::Report {
        findings: &out.findings,
        notes: &out.notes,
        stats: &out.stats,
        rules: &rules,
        root,
        configs: out.configs,
        baseline,
    };
    match format {
        ScanFormat::Human => report::human(&r),
        ScanFormat::Json => report::json_with(&r, timing),
        ScanFormat::Sarif => report::sarif(&r),
        ScanFormat::Github => report::github(&r),
    }
}
