//! `abiport scan`: its arguments, their conversion to [`ScanOptions`], and the report on
//! stdout (statistics on stderr).

use crate::arch::{Arch, ArchSet};
use crate::config::{self, Policy, Settings, Source};
use crate::constraints::{BuildConfig, CgoSet};
use crate::edit::FixOptions;
use crate::error::{Outcome, Result, UserError};
use crate::finding::Severity;
use crate::report;
use crate::rules;
use crate::scan::{analyze, ScanOptions, ScanOutput};
use crate::walk::{Exclude, Note, WalkOptions};
use clap::{Args, ValueEnum};
use std::path::{Path, PathBuf};

/// `scan --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ScanFormat {
    /// Diagnostics with snippets, one per root cause
    Human,
    /// One line per finding: path:line:col: rule: message [arches]
    Concise,
    Json,
    Sarif,
    /// GitHub Actions workflow annotations
    Github,
    /// One self-contained HTML page: packages × arches, counts per rule, each finding with
    /// its snippet and fix
    Html,
}

/// `--color`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum ColorArg {
    /// On a terminal, unless NO_COLOR is set; FORCE_COLOR colours any output
    #[default]
    Auto,
    Always,
    Never,
}

impl ColorArg {
    pub fn choice(self) -> report::ColorChoice {
        match self {
            ColorArg::Auto => report::ColorChoice::Auto,
            ColorArg::Always => report::ColorChoice::Always,
            ColorArg::Never => report::ColorChoice::Never,
        }
    }
}

/// `--fail-on`: the least severe level that makes the run exit 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
}

impl FailOn {
    fn severity(self) -> Severity {
        match self {
            FailOn::Error => Severity::Error,
            FailOn::Warning => Severity::Warning,
            FailOn::Info => Severity::Info,
        }
    }
}

#[derive(Args, Debug, Clone)]
pub struct ScanArgs {
    /// Go trees to scan: directories, `dir/...` (the same) or `.go` files (scanned with
    /// their package, reported alone); each keeps its own module and GOPATH resolution
    #[arg(default_value = ".", value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Target arches, comma separated, or `all` [default: mips64le]
    #[arg(long)]
    pub arch: Option<String>,
    /// Reference arch the code is known to work on [default: amd64]
    #[arg(long = "ref")]
    pub reference: Option<String>,
    /// Run only these rules (comma separated ids, or `all`); replaces abiport.toml's
    /// `select` [default: all]
    #[arg(
        long,
        visible_alias = "rules",
        value_name = "RULES",
        value_delimiter = ','
    )]
    pub select: Option<Vec<String>>,
    /// Also run these rules (added to the selection)
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub extend_select: Vec<String>,
    /// Do not run these rules (added to abiport.toml's `ignore`)
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    pub ignore: Vec<String>,
    /// Leave out paths matching these globs (root-relative); replaces abiport.toml's `exclude`
    #[arg(long, value_name = "GLOB", value_delimiter = ',')]
    pub exclude: Option<Vec<String>>,
    /// Also leave out paths matching these globs (added to the excludes)
    #[arg(long, value_name = "GLOB", value_delimiter = ',')]
    pub extend_exclude: Vec<String>,
    /// Exit 1 when a finding is at or above this level [default: warning]
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Read this config file instead of the abiport.toml found at the root or above it
    #[arg(long, value_name = "FILE", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,
    /// Read no config file
    #[arg(long)]
    pub isolated: bool,
    /// Worker threads (default: number of cores)
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
    /// Skip files that .gitignore excludes (off by default: vendor/ is often ignored)
    #[arg(long)]
    pub respect_gitignore: bool,
    /// Do not scan _test.go files
    #[arg(long)]
    pub no_tests: bool,
    /// cgo settings to judge: on, off or both (a bare --cgo means on) [default: both]
    #[arg(long, value_name = "on|off|both", num_args = 0..=1, default_missing_value = "on")]
    pub cgo: Option<String>,
    /// Go release for `go1.N` build tags, e.g. 1.22 [default: 1.23]
    #[arg(long = "go")]
    pub go_version: Option<String>,
    /// Extra build tags, comma separated
    #[arg(long)]
    pub tags: Option<String>,
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
    /// Reviewed ignore file: `[[ignore]]` entries of rule, path glob and reason (default:
    /// abiport-ignore.toml at the scanned root, when present)
    #[arg(long, value_name = "FILE", conflicts_with = "ignore_suppressions")]
    pub ignore_file: Option<PathBuf>,
    /// Directory of local images (OCI layouts, `docker save` or OCI archives) whose
    /// platforms base-image-platform believes before its table (abiport.toml `image-store`)
    #[arg(long, value_name = "DIR")]
    pub image_store: Option<PathBuf>,
    /// Ignore every `//abiport:ignore`/`file-ignore` directive and the ignore file: report
    /// what the code does (like ruff's --ignore-noqa; the suppression rules stay silent)
    #[arg(long)]
    pub ignore_suppressions: bool,
}

/// Exit codes, as `--help` shows them (README "Exit codes").
pub const SCAN_EXIT_CODES: &str = "\
Exit codes:
  0  no finding at or above the fail-on level (or all of them in --baseline; or
     --write-baseline wrote the file), every input read
  1  a finding at or above the fail-on level (--fail-on, abiport.toml's `fail-on`; default
     warning: every finding but `info` ones), or inputs that could not be read (unless
     --ignore-unreadable)
  2  usage, config or I/O error (unknown flag, rule or key, bad abiport.toml, no rule
     selected, an unreadable or invalid --baseline file)";

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
    #[command(flatten)]
    pub output: OutputArgs,
}

/// How `scan` reports: the format, its options, and the files written besides stdout.
#[derive(Args, Debug, Clone)]
pub struct OutputArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = ScanFormat::Human)]
    pub format: ScanFormat,
    /// Print the findings counted per rule and arch, and how many `abiport fix` fixes,
    /// instead of the findings (human and concise formats)
    #[arg(long)]
    pub statistics: bool,
    /// Human format: one diagnostic per finding, with its snippet, instead of one per root
    /// cause with the other sites listed
    #[arg(long)]
    pub no_group: bool,
    #[command(flatten)]
    pub console: super::ConsoleArgs,
    /// Write the report to FILE (atomically) instead of stdout
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// Also write the SARIF report of the same scan to FILE
    #[arg(long, value_name = "FILE")]
    pub sarif_output: Option<PathBuf>,
    /// Also write the JSON report of the same scan to FILE
    #[arg(long, value_name = "FILE")]
    pub json_output: Option<PathBuf>,
    /// Where the rule docs are published: SARIF rules get `helpUri` URL/<rule>.md
    /// (default: abiport.toml's `doc-url`; none: no helpUri)
    #[arg(long, value_name = "URL")]
    pub doc_url: Option<String>,
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

/// The config a path's scan reads: `--config`, none with `--isolated`, else the nearest
/// abiport.toml at the root or above it.
pub fn settings_for(args: &ScanArgs, root: &Path) -> Result<Settings> {
    config::load(match (&args.config, args.isolated) {
        (_, true) => Source::Isolated,
        (Some(file), false) => Source::File(file),
        (None, false) => Source::Discover(root),
    })
}

/// The level at or above which a finding fails the run: `--fail-on`, the file's
/// `fail-on`, else warning (every finding but `info` ones).
pub fn fail_on(args: &ScanArgs, settings: &Settings) -> Severity {
    args.fail_on
        .map(FailOn::severity)
        .or(settings.fail_on)
        .unwrap_or(Severity::Warning)
}

/// [`options`] for one of the paths.
pub fn options_for(args: &ScanArgs, path: &Path) -> Result<ScanOptions> {
    let (root, _) = crate::scan::split_root(path)?;
    let settings = settings_for(args, &root)?;
    options_with(args, path, &settings)
}

/// Rule ids given on the command line, checked (`all` names every rule).
fn flag_rules(flag: &str, ids: &[String]) -> Result<Vec<&'static str>> {
    let mut out = Vec::new();
    for id in ids.iter().map(|s| s.trim()).filter(|s| !s.is_empty()) {
        out.extend(config::rule_ids(id).map_err(|e| {
            UserError::new(format!("{flag}: {e}")).with_help(format!(
                "rules: {}",
                rules::ids().collect::<Vec<_>>().join(", ")
            ))
        })?);
    }
    Ok(out)
}

/// The rules a run selects: `--select` (else the file's `select`, else all), plus
/// `extend-select` of both, minus `ignore` of both and rules whose level is `off`
/// everywhere. Nothing left is an error.
/// Gives the rules to run and those of them selected everywhere (the others run only for
/// an override's paths).
fn selected_rules(
    args: &ScanArgs,
    settings: &Settings,
) -> Result<(Vec<&'static dyn rules::Rule>, Vec<&'static str>)> {
    let select: Vec<&'static str> = match &args.select {
        Some(ids) => flag_rules("--select", ids)?,
        None => match &settings.select {
            Some(ids) => ids.clone(),
            None => rules::ids().collect(),
        },
    };
    let extend = flag_rules("--extend-select", &args.extend_select)?;
    let ignore = flag_rules("--ignore", &args.ignore)?;
    let globally = |id: &'static str| {
        (select.contains(&id) || extend.contains(&id) || settings.extend_select.contains(&id))
            && !ignore.contains(&id)
            && !settings.ignore.contains(&id)
            && !settings.off_everywhere(id)
    };
    // An override's `select`/`extend-select` runs its rules for its paths, unless the
    // command line chose the rules (flags win) or a flag ignores them.
    let for_paths: Vec<&'static str> = if args.select.is_some() {
        Vec::new()
    } else {
        settings
            .path_selected()
            .filter(|id| !ignore.contains(id))
            .collect()
    };
    let chosen: Vec<&'static dyn rules::Rule> = rules::RULES
        .iter()
        .copied()
        .filter(|r| {
            let id = r.meta().id;
            globally(id) || for_paths.contains(&id)
        })
        .collect();
    let globally_chosen: Vec<&'static str> = chosen
        .iter()
        .map(|r| r.meta().id)
        .filter(|id| globally(id))
        .collect();
    if chosen.is_empty() {
        let from = match &settings.path {
            Some(p) => format!(" (with {})", p.display()),
            None => String::new(),
        };
        return Err(UserError::new(format!("no rule selected{from}")).with_help(
            "--select/--rules, `select` and `extend-select` choose rules; `ignore` and \
             `[severity] RULE = \"off\"` remove them; `abiport rules` lists them",
        ));
    }
    Ok((chosen, globally_chosen))
}

/// The paths left out: `--exclude` (else the file's `exclude`) and `extend-exclude` of
/// both; the file's globs are relative to its directory, the flags' to the root.
fn excludes(args: &ScanArgs, settings: &Settings, root: &Path) -> Result<Exclude> {
    let bad_glob =
        |e: String| UserError::new(e).with_help("globs: `vendor/**`, `*.pb.go`, `third_party`");
    let file_prefix = settings.root_prefix(root);
    let mut flags: Vec<String> = args.extend_exclude.clone();
    let mut file: Vec<String> = settings.extend_exclude.clone();
    match &args.exclude {
        Some(globs) => flags.extend(globs.iter().cloned()),
        None => file.extend(settings.exclude.iter().flatten().cloned()),
    }
    flags.retain(|g| !g.trim().is_empty());
    Ok(Exclude::new(&file_prefix, &file)
        .map_err(bad_glob)?
        .with(Exclude::new("", &flags).map_err(bad_glob)?))
}

/// [`options_for`] with the config already read.
pub fn options_with(args: &ScanArgs, path: &Path, settings: &Settings) -> Result<ScanOptions> {
    let (dir, file) = crate::scan::split_root(path)?;
    let (root, only_path) = crate::scan::enclosing_root(&dir, file);
    let targets = match &args.arch {
        Some(list) => {
            let (set, names) = ArchSet::parse_names(list)?;
            super::note_arch_names("--arch", &names);
            set
        }
        None => {
            for note in &settings.arch_notes {
                super::say_once(note);
            }
            settings
                .targets
                .unwrap_or_else(|| ArchSet::single(Arch::Mips64le))
        }
    };
    if targets.is_empty() {
        return Err(UserError::new("no target architecture given")
            .with_help("use --arch mips64le, a list, or all"));
    }
    let reference: Arch = match &args.reference {
        Some(name) => {
            let name = Arch::parse_name(name)?;
            super::note_arch_names("--ref", std::slice::from_ref(&name));
            name.arch
        }
        None => settings.reference.unwrap_or(Arch::Amd64),
    };
    let (rules, globally_chosen) = selected_rules(args, settings)?;
    let go_minor = match &args.go_version {
        Some(v) => BuildConfig::parse_go_version(v)
            .map_err(|e| UserError::new(e).with_help("give a release like 1.22"))?,
        None => match settings.go_minor {
            Some(m) => m,
            None => BuildConfig::parse_go_version("1.23").expect("a valid release"),
        },
    };
    let tags = match &args.tags {
        Some(list) => list
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(String::from)
            .collect(),
        None => settings.tags.clone().unwrap_or_default(),
    };
    let configs = match &args.cgo {
        Some(c) => CgoSet::parse(c)
            .map_err(|e| UserError::new(e).with_help("use --cgo on, off or both"))?,
        None => settings.configs.unwrap_or(CgoSet::BOTH),
    };
    let exclude = excludes(args, settings, &root)?;
    let policy = Policy::new(settings, &root, &globally_chosen);
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
            exclude,
        },
        configs,
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
        only_path,
        import_path: args.import_path.clone(),
        policy,
        ignore_file: args.ignore_file.clone(),
        ignore_suppressions: args.ignore_suppressions,
        progress: None,
        base_images: settings.base_images.clone(),
        image_store: args
            .image_store
            .clone()
            .or_else(|| settings.image_store.clone()),
        image_layouts: settings.image_layouts.clone(),
        skip_token_prefilters: false,
        // Every function body parsed, as before partial parses: for measuring them.
        whole_files: std::env::var_os("ABIPORT_WHOLE_FILES").is_some(),
        // Each command exits when its scans are done.
        exits_after: true,
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
    if args.paths.len() > 1 && args.ignore_file.is_some() {
        return Err(
            UserError::new("--ignore-file holds one tree's paths; several paths given")
                .with_help("scan each tree alone, or put an abiport-ignore.toml at each root"),
        );
    }
    let mut outputs = Vec::new();
    let mut roots = Vec::new();
    // Each root is judged by its own config's `fail-on`: (path prefix, level) per root.
    let mut levels = Vec::new();
    let mut excluding = false;
    let mut scope_rules: Vec<&str> = Vec::new();
    let mut scope_targets = ArchSet::EMPTY;
    let mut only_files = Vec::new();
    let output = &cmd.output;
    if output.statistics && !matches!(output.format, ScanFormat::Human | ScanFormat::Concise) {
        return Err(UserError::new(format!(
            "--statistics prints a table; `--format {}` has none",
            format!("{:?}", output.format).to_lowercase()
        ))
        .with_help("use --statistics with --format human or concise"));
    }
    if let Some(url) = &output.doc_url {
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(UserError::new(format!(
                "--doc-url: `{url}` is not an http(s) URL"
            ))
            .with_help("give where the rule docs are published, e.g. https://docs.example.org/abiport/rules"));
        }
    }
    // SARIF's rule levels and doc URL come from the first root's config.
    let mut sarif_opts: Option<report::SarifOptions> = None;
    let progress =
        super::progress::Progress::start("scan", "walking the tree", output.console.quiet);
    for path in &args.paths {
        let (dir, _) = crate::scan::split_root(path)?;
        if !dir.exists() {
            return Err(UserError::new(format!(
                "{}: no such file or directory",
                dir.display()
            )));
        }
        let settings = settings_for(args, &dir)?;
        let mut opts = options_with(args, path, &settings)?;
        opts.progress = progress.hook();
        if sarif_opts.is_none() {
            sarif_opts = Some(sarif_options(output, &settings));
        }
        scope_rules = opts.rules.iter().map(|r| r.meta().id).collect();
        scope_targets = opts.targets;
        only_files.push(opts.only_path.clone());
        let out = analyze(&opts)?;
        excluding |= !opts.walk.exclude.is_empty();
        // Several roots: each root's paths get the way from the current directory to it.
        let prefix = report::DisplayPaths::from_cwd(&opts.root)
            .prefix()
            .to_string();
        levels.push((prefix.clone(), fail_on(args, &settings)));
        outputs.push((prefix, out));
        roots.push(opts.root);
    }
    progress.finish();
    // Findings keep paths relative to their root (the baseline's, suppressions' and
    // globs'); shown relative to the current directory. Several roots are merged with
    // that prefix already on each path.
    let single = outputs.len() == 1;
    let (mut out, report_root, paths) = if single {
        let root = roots.remove(0);
        let paths = report::DisplayPaths::from_cwd(&root);
        (outputs.pop().expect("one output").1, root, paths)
    } else {
        let paths = report::DisplayPaths::from_cwd(Path::new("."));
        (crate::scan::merge_roots(outputs), PathBuf::from("."), paths)
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
    // A finding fails the run at its own root's level (the longest prefix of its path).
    let failing = out.findings.iter().any(|f| {
        let level = levels
            .iter()
            .filter(|(prefix, _)| single || f.path.starts_with(prefix.as_str()))
            .max_by_key(|(prefix, _)| prefix.len())
            .map(|(_, level)| *level);
        level.is_none_or(|level| f.severity.at_least(level))
    });
    let rendering = std::time::Instant::now();
    let rendering_cpu = crate::scan::process_cpu_seconds();
    let sarif_opts = sarif_opts.unwrap_or_default();
    let reports = Reports {
        out: &out,
        root: &report_root,
        timing: args.stats,
        baseline: compared,
        sarif: &sarif_opts,
        paths: &paths,
    };
    // The extra files first: the main report may go to stdout, which can be closed.
    for (file, format) in [
        (&output.sarif_output, ScanFormat::Sarif),
        (&output.json_output, ScanFormat::Json),
    ] {
        if let Some(file) = file {
            write_report(file, &reports.render(format, &Style::file(output)))?;
        }
    }
    match &output.output_file {
        Some(file) => write_report(file, &reports.render(output.format, &Style::file(output)))?,
        None => {
            let text = reports.render(output.format, &Style::stdout(output));
            print!("{text}");
            if !text.is_empty() && !text.ends_with('\n') {
                println!();
            }
        }
    }
    out.stats.phases.push(crate::report::Phase {
        name: "report".into(),
        seconds: rendering.elapsed().as_secs_f64(),
        process_cpu: crate::scan::process_cpu_seconds()
            .zip(rendering_cpu)
            .map(|(now, before)| (now - before).max(0.0)),
        files: out.findings.len(),
        ..Default::default()
    });
    let named = args
        .paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    unreadable_summary(&unread, Path::new(&named));
    if out.stats.files == 0 && unread.count > 0 {
        eprintln!("abiport: no Go files were scanned under {named}");
    } else if out.stats.files == 0 && excluding {
        eprintln!(
            "abiport: no Go files were scanned under {named}: each was skipped like the go \
             command skips testdata/, `.` and `_` directories, or matches an exclude glob \
             (--exclude, --extend-exclude, abiport.toml's `exclude` and `extend-exclude`)"
        );
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
        eprint!("{}", crate::report::phases_table(&out.stats.phases));
    }
    if let Some((file, (count, unplaced))) = written {
        eprintln!(
            "abiport: wrote {count} finding{} to baseline {}",
            if count == 1 { "" } else { "s" },
            file.display()
        );
        if unplaced > 0 {
            eprintln!(
                "abiport: warning: {} no fingerprint and {} not in it",
                if unplaced == 1 {
                    "1 finding has".to_string()
                } else {
                    format!("{unplaced} findings have")
                },
                if unplaced == 1 { "is" } else { "are" }
            );
        }
        return Ok(if unread.fails() || unplaced > 0 {
            Outcome::Findings
        } else {
            Outcome::Clean
        });
    }
    Ok(if !failing && !unread.fails() {
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

/// How the human, concise and statistics outputs look.
struct Style {
    human: report::HumanOptions,
    statistics: bool,
}

impl Style {
    /// For stdout: colour and width as `--color` and the terminal decide.
    fn stdout(o: &OutputArgs) -> Style {
        Style {
            human: report::HumanOptions {
                quiet: o.console.quiet,
                group: !o.no_group,
                ..report::HumanOptions::detect(o.console.color.choice())
            },
            statistics: o.statistics,
        }
    }

    /// For a file: colour only with `--color always`, the default width.
    fn file(o: &OutputArgs) -> Style {
        Style {
            human: report::HumanOptions {
                color: o.console.color == ColorArg::Always,
                quiet: o.console.quiet,
                group: !o.no_group,
                ..report::HumanOptions::plain()
            },
            statistics: o.statistics,
        }
    }
}

/// The SARIF options a config and the flags ask for: `--doc-url` else `doc-url`, and the
/// rules' configured levels.
fn sarif_options(o: &OutputArgs, settings: &Settings) -> report::SarifOptions {
    let mut levels: Vec<(&'static str, Option<Severity>)> = settings
        .severity
        .iter()
        .map(|(&rule, level)| (rule, level.severity()))
        .collect();
    levels.sort();
    report::SarifOptions {
        doc_url: o.doc_url.clone().or_else(|| settings.doc_url.clone()),
        levels,
    }
}

/// One scan's result, rendered in any format.
struct Reports<'a> {
    out: &'a ScanOutput,
    root: &'a Path,
    timing: bool,
    baseline: Option<report::BaselineSummary>,
    sarif: &'a report::SarifOptions,
    paths: &'a report::DisplayPaths,
}

impl Reports<'_> {
    fn render(&self, format: ScanFormat, style: &Style) -> String {
        let rules: Vec<report::RuleInfo> = rules::RULES
            .iter()
            .map(|r| report::RuleInfo {
                id: r.meta().id,
                summary: r.meta().summary,
            })
            .collect();
        let out = self.out;
        let r = report::Report {
            findings: &out.findings,
            notes: &out.notes,
            stats: &out.stats,
            rules: &rules,
            root: self.root,
            configs: out.configs,
            baseline: self.baseline,
            paths: self.paths.clone(),
        };
        let quiet = style.human.quiet;
        match format {
            ScanFormat::Human | ScanFormat::Concise if style.statistics => {
                report::statistics(&r, quiet)
            }
            ScanFormat::Human => report::human_with(&r, style.human),
            ScanFormat::Concise => report::concise(&r, report::ConciseOptions { quiet }),
            ScanFormat::Json => report::json_with(&r, self.timing),
            ScanFormat::Sarif => report::sarif_with(&r, self.sarif),
            ScanFormat::Github => report::github(&r),
            ScanFormat::Html => report::html(&r),
        }
    }
}

/// Write a report to `path` atomically: a new temporary file beside it (never through a
/// link someone prepared), renamed over it.
pub(crate) fn write_report(path: &Path, text: &str) -> Result<()> {
    crate::walk::write_atomically(path, text.as_bytes(), "report")
        .map_err(|e| UserError::new(format!("cannot write {}: {e}", path.display())))
}
