//! `abiport abi show|diff|syscall`.

use crate::cli::AbiArgs;
use crate::error::{Outcome, Result, UserError};

pub fn run(_args: &AbiArgs) -> Result<Outcome> {
    Err(UserError::new("`abiport abi` is not implemented yet"))
}
