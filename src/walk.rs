//! INTERIM walker; replaced by the parallel one on the `front` branch.
use crate::error::UserError;
use std::path::{Path, PathBuf};

pub struct WalkOptions {
    pub respect_gitignore: bool,
    pub include_tests: bool,
    pub jobs: usize,
}
pub struct SourceFile {
    pub abs: PathBuf,
    pub rel: String,
}
#[derive(Clone, Debug)]
pub struct Note {
    pub path: String,
    pub message: String,
}
pub struct WalkResult {
    pub files: Vec<SourceFile>,
    pub notes: Vec<Note>,
}
pub fn collect(root: &Path, opts: &WalkOptions) -> Result<WalkResult, UserError> {
    let mut files = vec![];
    for e in ignore::WalkBuilder::new(root).standard_filters(false).build().flatten() {
        let p = e.path();
        let rel = p.strip_prefix(root).unwrap_or(p).to_string_lossy().replace('\\', "/");
        if rel.split('/').any(|s| s == "testdata" || s.starts_with('.') && s.len() > 1 || s.starts_with('_')) {
            continue;
        }
        if p.extension().is_some_and(|x| x == "go") && e.file_type().is_some_and(|t| t.is_file()) {
            if !opts.include_tests && rel.ends_with("_test.go") {
                continue;
            }
            files.push(SourceFile { abs: p.to_path_buf(), rel });
        }
    }
    files.sort_by(|a, b| a.rel.cmp(&b.rel));
    Ok(WalkResult { files, notes: vec![] })
}
pub fn read_source(file: &SourceFile) -> Result<Vec<u8>, Note> {
    std::fs::read(&file.abs).map_err(|e| Note { path: file.rel.clone(), message: e.to_string() })
}
