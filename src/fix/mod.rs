//! The fix phase: once every file was checked, each rule's fix builder
//! ([`crate::rules::Rule::fix`]) attaches fixes to its findings, reading the trees the scan
//! kept ([`crate::edit::FixCtx`]); then this module plans them (selection, dedupe,
//! overlaps), applies edits, writes diffs and patches, and verifies patch sets.
//!
//! The matcher never knows how fixing works (ast-grep's `Fixer` kept apart): checks only
//! record in a finding's payload what its fix needs.

pub mod apply;
pub mod changes;
pub mod constraint;
pub mod patch;
pub mod plan;
pub mod verify;

use crate::edit::FixCtx;
use crate::finding::Finding;
use crate::rules::Rule;

/// Build the fixes of sorted findings: every rule's builder, in the order given.
pub fn build(rules: &[&'static dyn Rule], cx: &FixCtx<'_>, findings: &mut [Finding]) {
    for rule in rules {
        rule.fix(cx, findings);
    }
}
