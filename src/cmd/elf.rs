//! `abiport elf`: check ELF binaries, release directories and OCI layouts against their
//! expected platform, and print the report.

use crate::elf::platform::Platform;
use crate::elf::{check_paths, report};
use crate::error::{Outcome, Result, UserError};
use clap::Args;
use std::io::{self, Write};
use std::path::PathBuf;

/// Exit codes, as `--help` shows them (README "Exit codes").
pub const ELF_EXIT_CODES: &str = "\
Exit codes:
  0  every ELF file matches its expected platform (or, without --expect and labels, was read)
  1  a mismatch, a file that could not be read, or --expect given but no ELF file found to
     check against it (a directory without binaries, a file that is not ELF)
  2  usage error (a path that does not exist, a bad --expect)";

#[derive(Args, Debug, Clone)]
#[command(after_help = ELF_EXIT_CODES)]
pub struct ElfArgs {
    /// ELF files, release directories or OCI image layouts
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Expected platforms, e.g. linux/mips64le or linux/amd64,linux/mips64le
    #[arg(long)]
    pub expect: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = ElfFormat::Human)]
    pub format: ElfFormat,
    #[command(flatten)]
    pub console: super::ConsoleArgs,
}

/// `elf --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ElfFormat {
    Human,
    Json,
    /// SARIF 2.1.0, a result per mislabelled binary
    Sarif,
    /// GitHub Actions annotations on each mislabelled binary's path
    Github,
}

pub fn run(args: &ElfArgs) -> Result<Outcome> {
    let expect = match &args.expect {
        Some(s) => {
            let (platforms, names) = Platform::parse_list_names(s)?;
            super::note_arch_names("--expect", &names);
            platforms
        }
        None => Vec::new(),
    };
    for p in &args.paths {
        if std::fs::symlink_metadata(p).is_err() {
            return Err(
                UserError::new(format!("{}: no such file or directory", p.display()))
                    .with_help("give ELF files, release directories or OCI image layouts"),
            );
        }
    }
    let report = check_paths(&args.paths, &expect);
    // write errors (a closed pipe under `| head`) must not panic like print! does
    let (out, err) = match args.format {
        ElfFormat::Json => (report::render_json(&report), String::new()),
        ElfFormat::Sarif => (report::render_sarif(&report), String::new()),
        ElfFormat::Github => (report::render_github(&report), String::new()),
        ElfFormat::Human => {
            let paint = args.console.stdout_paint();
            report::render_human(&report, args.console.quiet, &|word| paint.red(word))
        }
    };
    let _ = io::stderr().write_all(err.as_bytes());
    let _ = io::stdout().write_all(out.as_bytes());
    Ok(if report.is_clean() {
        Outcome::Clean
    } else {
        Outcome::Findings
    })
}
