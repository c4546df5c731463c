//! ELF checks on build outputs (`abiport elf`).

use crate::cli::ElfArgs;
use crate::error::{Outcome, Result, UserError};

pub fn run(_args: &ElfArgs) -> Result<Outcome> {
    Err(UserError::new("`abiport elf` is not implemented yet").with_help("planned in issue 7"))
}
