//! `unused-suppression`: a suppression directive or ignore-file entry that accepted no
//! finding (ruff's RUF100). It checks no file itself: `crate::suppress` judges it once every
//! rule ran, only for the rules run and the arches scanned.

use super::{FixAvailability, Rule, RuleMeta};
use crate::index::{FileId, Index};

pub struct UnusedSuppression;

pub(super) static META: RuleMeta = RuleMeta {
    id: "unused-suppression",
    summary: "a suppression directive or ignore-file entry that accepts no finding",
    doc: include_str!("../../rules/unused-suppression.md"),
    fix: FixAvailability::Always,
    imports: None,
    words: &[],
    fixer: None,
};

impl Rule for UnusedSuppression {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }
    fn wants(&self, _index: &Index, _file: FileId) -> bool {
        false
    }
}
