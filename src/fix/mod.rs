//! What happens to fixes once the scan built them (each rule's fix builder,
//! [`crate::rules::Rule::fix`], run by [`crate::rules::build_fixes`] over the trees the scan
//! kept): planning (selection, dedupe, overlaps), applying edits, diffs, patch series per
//! upstream unit, and verifying patch sets by a rescan.
//!
//! The matcher never knows how fixing works (ast-grep's `Fixer` kept apart): checks only
//! record in a finding's payload what its fix needs.

pub mod apply;
pub mod build;
pub mod changes;
pub mod patch;
pub mod plan;
pub mod series;
pub mod verify;
