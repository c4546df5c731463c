//! Fixes: rules attach them to findings as data (after detection, through
//! [`crate::rules::Rule::attach_fixes`]); this module plans them (selection, dedupe,
//! overlaps), applies edits, writes diffs and patches, and verifies patch sets.
//!
//! The matcher never knows how fixing works (ast-grep's `Fixer` kept apart): a rule's
//! `attach_fixes` gets a [`FixCtx`] with the index and a source cache, once per scan.

pub mod apply;
pub mod cmd;
pub mod constraint;
pub mod patch;
pub mod plan;
pub mod verify;

use crate::constraints::BuildConfig;
use crate::index::{FileId, Index};
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

/// What fix builders may look at: the whole index, sources by file, the build
/// configuration the scan ran with, and whether unsafe fixes were asked for.
pub struct FixCtx<'a> {
    pub root: &'a Path,
    pub index: &'a Index,
    pub build: &'a BuildConfig,
    /// `--unsafe-fixes`: builders may then offer their wider, unsafe variant.
    pub unsafe_fixes: bool,
    sources: Mutex<HashMap<FileId, Option<Arc<Vec<u8>>>>>,
    by_rel: HashMap<&'a str, FileId>,
}

impl<'a> FixCtx<'a> {
    pub fn new(
        root: &'a Path,
        index: &'a Index,
        build: &'a BuildConfig,
        unsafe_fixes: bool,
    ) -> Self {
        FixCtx {
            root,
            index,
            build,
            unsafe_fixes,
            sources: Mutex::new(HashMap::new()),
            by_rel: index
                .files
                .iter()
                .enumerate()
                .map(|(i, f)| (f.rel.as_str(), i))
                .collect(),
        }
    }

    /// The file of the index at a finding's path.
    pub fn file_of(&self, path: &str) -> Option<FileId> {
        self.by_rel.get(path).copied()
    }

    /// The bytes of a file of the index, read once.
    pub fn source(&self, file: FileId) -> Option<Arc<Vec<u8>>> {
        let mut cache = self.sources.lock().ok()?;
        cache
            .entry(file)
            .or_insert_with(|| {
                let rel = &self.index.files.get(file)?.rel;
                std::fs::read(self.root.join(rel)).ok().map(Arc::new)
            })
            .clone()
    }
}
