//! `abiport scan`: walk → constraints → parse → index → rules → report.

use crate::cli::ScanArgs;
use crate::error::{Outcome, Result, UserError};

pub fn run(_args: &ScanArgs) -> Result<Outcome> {
    Err(UserError::new("`abiport scan` is not implemented yet").with_help("planned in issue 3"))
}
