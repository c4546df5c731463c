//! The command line: clap argument types, one module per subcommand (args → the
//! library's option structs → run → render), and the dispatch `main.rs` calls. The
//! library never imports this module: everything here can be done without clap.

pub mod abi;
pub mod elf;
pub mod fix;
pub mod rules;
pub mod scan;
pub mod verify;

use crate::error::{Outcome, Result};
use clap::{Parser, Subcommand, ValueEnum};

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

impl Cli {
    /// Parse the process's arguments. A bare `--cgo` (the old flag, not followed by `on`,
    /// `off` or `both`) means `--cgo=on`, so `scan --cgo DIR` keeps DIR as the path.
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
            let valued = args
                .get(i + 1)
                .and_then(|a| a.to_str())
                .is_some_and(|a| matches!(a, "on" | "off" | "both"));
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
    Scan(scan::ScanArgs),
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
