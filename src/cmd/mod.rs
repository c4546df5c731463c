//! The command line: clap argument types, one module per subcommand (args → the
//! library's option structs → run → render), and the dispatch `main.rs` calls. The
//! library never imports this module: everything here can be done without clap.

pub mod abi;
pub mod elf;
pub mod fix;
pub mod progress;
pub mod rules;
pub mod scan;
pub mod verify;

use crate::error::{Outcome, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};

/// `-q/--quiet` and `--color`: the same flags, meaning the same, on every command that
/// reports (`scan`, `fix`, `verify`, `elf`).
#[derive(Args, Debug, Clone, Default)]
pub struct ConsoleArgs {
    /// Print the findings (fix: the diff; verify, elf: what failed) only: no notes, no
    /// summary
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Colour the output
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = scan::ColorArg::Auto)]
    pub color: scan::ColorArg,
}

impl ConsoleArgs {
    /// How stdout is painted: as `--color` decides for it (NO_COLOR, FORCE_COLOR, a
    /// terminal).
    pub fn stdout_paint(&self) -> Paint {
        use std::io::IsTerminal;
        Paint(self.color.choice().enabled(std::io::stdout().is_terminal()))
    }
}

/// ANSI colours for the plain-text outputs (`fix`'s diff, `verify`, `elf`), or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paint(pub bool);

impl Paint {
    fn paint(self, code: &str, text: &str) -> String {
        if self.0 && !text.is_empty() {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
    pub fn red(self, text: &str) -> String {
        self.paint("1;31", text)
    }
    pub fn green(self, text: &str) -> String {
        self.paint("32", text)
    }
    pub fn cyan(self, text: &str) -> String {
        self.paint("36", text)
    }
    pub fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }

    /// A unified diff with removed lines red, added green and hunk headers cyan, as git
    /// colours it.
    pub fn diff(self, diff: &str) -> String {
        if !self.0 {
            return diff.to_string();
        }
        let mut out = String::with_capacity(diff.len() * 2);
        for line in diff.split_inclusive('\n') {
            let (text, nl) = match line.strip_suffix('\n') {
                Some(t) => (t, "\n"),
                None => (line, ""),
            };
            let shown = if text.starts_with("+++") || text.starts_with("---") {
                self.bold(text)
            } else if text.starts_with('+') {
                self.green(text)
            } else if text.starts_with('-') {
                self.paint("31", text)
            } else if text.starts_with("@@") {
                self.cyan(text)
            } else if text.starts_with("diff ") {
                self.bold(text)
            } else {
                text.to_string()
            };
            out.push_str(&shown);
            out.push_str(nl);
        }
        out
    }
}

#[derive(Parser, Debug)]
#[command(
    name = "abiport",
    version,
    about = "Find and fix the syscall/ABI bugs that stop Go code from building or running on another Linux architecture",
    after_help = EXIT_CODES
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The exit codes, in `--help` (README "Exit codes" says the same).
pub const EXIT_CODES: &str = "\
Exit codes:
  0  clean: no finding at or above the fail-on level, every input read
  1  scan: a finding at or above the fail-on level (--fail-on, abiport.toml's `fail-on`;
     default warning, so every finding but `info` ones), or an input that could not be read;
     fix, verify, elf: README \"Exit codes\"
  2  usage, config or I/O error (unknown flag, rule or key, bad abiport.toml, no rule selected)

Configuration: abiport.toml at the scanned root or the nearest directory above it
(--config FILE, --isolated for none); flags override it. README \"Configuration\".";

impl Cli {
    /// Parse the process's arguments. A bare `--cgo` (the old flag: last, or followed by
    /// an option or an existing path) means `--cgo=on`, so `scan --cgo DIR` keeps DIR as
    /// the path.
    pub fn parse_args() -> Cli {
        Cli::parse_from(bare_cgo_means_on(std::env::args_os().collect()))
    }
}

fn bare_cgo_means_on(mut args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let mut i = 0;
    while i < args.len() {
        if args[i] == "--" {
            break;
        }
        if args[i] == "--cgo" {
            // A value is on/off/both, or a word that names no path (so a typo gets
            // clap's "invalid cgo setting" rather than "no such file").
            let valued = args.get(i + 1).is_some_and(|a| {
                matches!(a.to_str(), Some("on" | "off" | "both"))
                    || (!a.to_string_lossy().starts_with('-') && !std::path::Path::new(a).exists())
            });
            if !valued {
                args[i] = "--cgo=on".into();
            }
        }
        i += 1;
    }
    args
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Scan a Go source tree (vendor/ included) for ABI bugs on target arches
    Scan(scan::ScanCommand),
    /// Print the fixes of `scan`'s findings as one diff (exit 1 if any), apply them, or write patches
    Fix(fix::FixArgs),
    /// Apply a patch set to a temporary copy of the tree and rescan it (for CI)
    Verify(verify::VerifyArgs),
    /// Check ELF binaries, release directories and OCI layouts against their expected platform
    Elf(elf::ElfArgs),
    /// Query the embedded per-arch ABI tables
    Abi(abi::AbiArgs),
    /// List the rules, or print one rule's documentation
    Rules(rules::RulesArgs),
}

/// `--format` of the commands that print either text or JSON.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum OutFormat {
    #[default]
    Human,
    Json,
}

/// Say once per run, on stderr, what an arch name that is not a GOARCH means
/// (`abiport: note: --arch mips64el means GOARCH=mips64le`); `what` names where it was
/// given (`--arch`, `--ref`, `abiport.toml `arch``).
pub fn note_arch_names(what: &str, names: &[crate::arch::ArchName]) {
    for note in names.iter().filter_map(|n| n.note(what)) {
        say_once(&note);
    }
}

/// Print `abiport: note: NOTE` unless this run printed it already (the scan options
/// are built once per root, and `fix`/`verify` build them again).
pub(crate) fn say_once(note: &str) {
    static SAID: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    let mut said = SAID.lock().unwrap_or_else(|e| e.into_inner());
    if !said.iter().any(|s| s == note) {
        eprintln!("abiport: note: {note}");
        said.push(note.to_string());
    }
}

/// Run a parsed command line.
pub fn run(cli: Cli) -> Result<Outcome> {
    match cli.command {
        Command::Scan(args) => scan::run(&args),
        Command::Fix(args) => fix::run(&args),
        Command::Verify(args) => verify::run(&args),
        Command::Elf(args) => elf::run(&args),
        Command::Abi(args) => abi::run(&args),
        Command::Rules(args) => rules::run(&args),
    }
}

/// An error as `main` prints it: `abiport: TITLE`, the text it is about with the span
/// marked (miette, as findings are drawn), then the help.
pub fn render_error(e: &crate::error::UserError) -> String {
    use std::fmt::Write;
    use std::io::IsTerminal;
    let mut out = format!("abiport: {}\n", e.title);
    if let Some(l) = &e.located {
        let color = std::env::var_os("NO_COLOR").is_none() && std::io::stderr().is_terminal();
        let theme = if color {
            miette::GraphicalTheme::unicode()
        } else {
            miette::GraphicalTheme::unicode_nocolor()
        };
        let diagnostic = miette::MietteDiagnostic::new(l.label.clone())
            .with_labels([miette::LabeledSpan::at(l.span.clone(), l.label.clone())]);
        let report = miette::Report::new(diagnostic)
            .with_source_code(miette::NamedSource::new(&l.name, l.text.clone()));
        let mut drawn = String::new();
        if miette::GraphicalReportHandler::new_themed(theme)
            .with_width(100)
            .render_report(&mut drawn, report.as_ref())
            .is_ok()
        {
            // The title already says what miette's header would: keep the snippet.
            let snippet = drawn.find('╭').map_or("", |i| {
                let line = drawn[..i].rfind('\n').map_or(0, |n| n + 1);
                &drawn[line..]
            });
            out.push_str(snippet.trim_end());
            out.push('\n');
        }
    }
    if let Some(help) = &e.help {
        let _ = writeln!(out, "  help: {help}");
    }
    out
}

/// `1 patch`, `2 patches`: a count with its noun in the right number.
pub(crate) fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
