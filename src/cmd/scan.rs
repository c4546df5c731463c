//! `abiport scan`: its arguments, their conversion to [`ScanOptions`], and the report on
//! stdout (statistics on stderr).

use crate::arch::{Arch, ArchSet};
use crate::constraints::BuildConfig;
use crate::edit::FixOptions;
use crate::error::{Outcome, Result, UserError};
use crate::report;
use crate::rules;
use crate::scan::{analyze, ScanOptions, ScanOutput};
use crate::walk::WalkOptions;
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
    /// Root of the Go tree to scan
    #[arg(default_value = ".")]
    pub path: PathBuf,
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
    /// Evaluate build constraints with cgo enabled
    #[arg(long)]
    pub cgo: bool,
    /// Go release for `go1.N` build tags, e.g. 1.22
    #[arg(long = "go", default_value = "1.23")]
    pub go_version: String,
    /// Extra build tags, comma separated
    #[arg(long, default_value = "")]
    pub tags: String,
    /// Print analysis statistics to stderr
    #[arg(long)]
    pub stats: bool,
    /// Import path of a tree without go.mod (GOPATH era), e.g. github.com/org/proj;
    /// inferred when not given (README: "How abiport finds a GOPATH tree's import path")
    #[arg(long, value_name = "PATH")]
    pub import_path: Option<String>,
}

/// The scan the arguments ask for. `ABIPORT_TIMING` (set to anything) turns on the
/// per-phase timing lines on stderr.
pub fn options(args: &ScanArgs) -> Result<ScanOptions> {
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
        root: args.path.clone(),
        targets,
        reference,
        rules,
        walk: WalkOptions {
            respect_gitignore: args.respect_gitignore,
            include_tests: !args.no_tests,
            jobs,
        },
        build: BuildConfig {
            cgo: args.cgo,
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
        import_path: args.import_path.clone(),
    })
}

/// `-j` above this many workers per core is capped (with a note): more threads only add
/// memory and contention, and thousands of them stall the walk.
const MAX_JOBS_PER_CORE: usize = 4;

pub fn run(args: &ScanArgs) -> Result<Outcome> {
    let opts = options(args)?;
    if !opts.root.exists() {
        return Err(UserError::new(format!(
            "{}: no such file or directory",
            opts.root.display()
        )));
    }
    let out = analyze(&opts)?;
    let text = render(args.format, &out, &opts.root, args.stats);
    print!("{text}");
    if !text.ends_with('\n') {
        println!();
    }
    if out.stats.files == 0 {
        eprintln!(
            "abiport: no Go files were scanned under {}; like the go command, abiport skips \
             testdata/ and directories starting with `.` or `_` (and, with --respect-gitignore, \
             ignored files)",
            opts.root.display()
        );
    }
    if args.stats {
        eprintln!(
            "abiport: {} files, {} parsed, {} bytes, {:.3} s",
            out.stats.files, out.stats.parsed_files, out.stats.bytes, out.stats.seconds
        );
        eprintln!("abiport: type inference gave up {} times", out.type_gave_up);
    }
    Ok(if out.findings.is_empty() {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}

fn render(format: ScanFormat, out: &ScanOutput, root: &Path, timing: bool) -> String {
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
    };
    match format {
        ScanFormat::Human => report::human(&r),
        ScanFormat::Json => report::json_with(&r, timing),
        ScanFormat::Sarif => report::sarif(&r),
        ScanFormat::Github => report::github(&r),
    }
}
