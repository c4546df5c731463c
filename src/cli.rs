//! Command-line definition (clap derive) and dispatch. Flag docs only; logic lives in modules.

use crate::error::{Outcome, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "abiport",
    version,
    about = "Find and fix the syscall/ABI bugs that stop Go code from building or running on another Linux architecture"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Scan a Go source tree (vendor/ included) for ABI bugs on target arches
    Scan(ScanArgs),
    /// Print the fixes of `scan`'s findings as one diff (exit 1 if any), apply them, or write patches
    Fix(FixArgs),
    /// Apply a patch set to a temporary copy of the tree and rescan it (for CI)
    Verify(VerifyArgs),
    /// Check ELF binaries, release directories and OCI layouts against their expected platform
    Elf(ElfArgs),
    /// Query the embedded per-arch ABI tables
    Abi(AbiArgs),
    /// List the rules, or print one rule's documentation
    Rules(RulesArgs),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ScanFormat {
    Human,
    Json,
    Sarif,
    Github,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum OutFormat {
    #[default]
    Human,
    Json,
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
}

#[derive(Args, Debug, Clone)]
pub struct FixArgs {
    #[command(flatten)]
    pub scan: ScanArgs,
    /// Write the fixes into the files (atomically, only inside the tree)
    #[arg(long)]
    pub apply: bool,
    /// Write one `git am` patch per upstream module into DIR
    #[arg(long, value_name = "DIR", conflicts_with = "apply")]
    pub format_patch: Option<PathBuf>,
    /// Also apply fixes marked unsafe
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Author of `--format-patch` patches, `Name <email>` (default: git's
    /// GIT_AUTHOR_NAME/EMAIL or user.name/user.email, else `abiport <abiport@localhost>`)
    #[arg(long, value_name = "NAME <EMAIL>", requires = "format_patch")]
    pub author: Option<String>,
}

#[derive(Args, Debug, Clone)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub scan: ScanArgs,
    /// Patches, applied in order: diffs relative to PATH (`abiport fix`), or
    /// `fix --format-patch` files (applied in the one directory holding their files)
    #[arg(long, required = true, num_args = 1.., value_name = "PATCH")]
    pub patches: Vec<PathBuf>,
}

#[derive(Args, Debug, Clone)]
pub struct ElfArgs {
    /// ELF files, release directories or OCI image layouts
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Expected platforms, e.g. linux/mips64le or linux/amd64,linux/mips64le
    #[arg(long)]
    pub expect: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = OutFormat::Human)]
    pub format: OutFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Default)]
pub enum AbiPackage {
    Syscall,
    #[default]
    Unix,
}

#[derive(Args, Debug, Clone)]
pub struct AbiArgs {
    #[command(subcommand)]
    pub command: AbiCommand,
    /// Go package whose tables to use
    #[arg(long, value_enum, default_value_t = AbiPackage::Unix, global = true)]
    pub package: AbiPackage,
    /// Output format
    #[arg(long, value_enum, default_value_t = OutFormat::Human, global = true)]
    pub format: OutFormat,
}

#[derive(Subcommand, Debug, Clone)]
pub enum AbiCommand {
    /// One struct's layout, or the arch's summary
    Show {
        arch: String,
        r#type: Option<String>,
    },
    /// Differences between two arches: struct layouts, syscalls, constants
    Diff {
        arch_a: String,
        arch_b: String,
        r#type: Option<String>,
    },
    /// A syscall's number on every arch
    Syscall { name: String },
}

#[derive(Args, Debug, Clone)]
pub struct RulesArgs {
    /// Rule id whose documentation to print
    pub id: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value_t = OutFormat::Human)]
    pub format: OutFormat,
}

/// Run a parsed command line.
pub fn run(cli: Cli) -> Result<Outcome> {
    match cli.command {
        Command::Scan(args) => crate::scan::run(&args),
        Command::Fix(args) => crate::fix::cmd::run(&args),
        Command::Verify(args) => crate::fix::verify::run(&args),
        Command::Elf(args) => crate::elf::run(&args),
        Command::Abi(args) => crate::abi::cmd::run(&args),
        Command::Rules(args) => crate::rules::cmd::run(&args),
    }
}
