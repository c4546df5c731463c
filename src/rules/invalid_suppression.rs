//! `invalid-suppression`: a suppression directive abiport cannot honour (no reason, an
//! unknown rule id, a bad `arch=`). It checks no file itself: `crate::suppress` reports it
//! once every rule ran, and the directive accepts nothing.

use super::{FixAvailability, Rule, RuleMeta};
use crate::index::{FileId, Index};

pub struct InvalidSuppression;

pub(super) static META: RuleMeta = RuleMeta {
    id: "invalid-suppression",
    summary:
        "an `abiport:ignore` directive without a reason, with an unknown rule id or a bad option",
    doc: include_str!("../../rules/invalid-suppression.md"),
    fix: FixAvailability::None,
    imports: None,
    words: &[],
    fixer: None,
};

impl Rule for InvalidSuppression {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
    fn wants(&self, _index: &Index, _file: FileId) -> bool {
        false
    }
}
