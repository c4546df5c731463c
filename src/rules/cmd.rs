//! `abiport rules [ID]`.

use crate::cli::RulesArgs;
use crate::error::{Outcome, Result, UserError};

pub fn run(_args: &RulesArgs) -> Result<Outcome> {
    Err(UserError::new("no rules yet"))
}
