//! Rules: one module per rule, each with its doc under `rules/<id>.md`.
//!
//! A rule sees one parsed file at a time through [`FileCtx`], which carries the shared
//! results computed once per file (references, resolved imports) and the package index.

pub mod abi_struct_drift;
mod abi_struct_drift_fix;
pub mod arch_constant_literal;
pub mod epoll_event_layout;
pub mod kernel_struct_mirror;
mod kernel_struct_mirror_fix;
pub mod raw_syscall_abi;
mod raw_syscall_abi_fix;
pub mod struct_field_width;
mod struct_field_width_fix;
pub mod syscall_calls;
pub mod syscall_number_literal;
mod undefined_member;
pub mod undefined_on_arch;

use crate::finding::Finding;
use crate::index::refs::NameRef;
use crate::index::{FileId, Index, Target};
use std::cell::OnceCell;
use std::collections::HashMap;
use tree_sitter::Tree;

/// Which packages' typed declarations a file's check reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum TypeNeed {
    None,
    /// Its own package and the packages the file imports.
    Direct,
    /// Its own package and everything it imports, transitively.
    Transitive,
}

/// Whether a rule can produce fixes (declared, and checked by the corpus harness).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixAvailability {
    None,
    Sometimes,
    Always,
}

pub struct RuleMeta {
    /// Kebab-case id; names the module, the doc, the corpus dir and the snapshots.
    pub id: &'static str,
    /// One line, lowercase, no period.
    pub summary: &'static str,
    /// The full Markdown doc (`rules/<id>.md`).
    pub doc: &'static str,
    pub fix: FixAvailability,
}

pub trait Rule: Sync {
    fn meta(&self) -> &'static RuleMeta;
    /// Cheap pre-parse test from the file's header: does this file need a full parse?
    fn wants(&self, index: &Index, file: FileId) -> bool;
    /// Second cut with the source at hand (a token scan, no parse), for files `wants` kept.
    fn wants_source(&self, _index: &Index, _file: FileId, _src: &[u8]) -> bool {
        true
    }
    fn check(&self, cx: &FileCtx<'_>, out: &mut Vec<Finding>);
    /// How much the type inference (`crate::types`) must know to check this file, which
    /// the rule wants: the scan collects those packages' typed declarations first.
    fn type_need(&self, _index: &Index, _file: FileId, _src: &[u8]) -> TypeNeed {
        TypeNeed::None
    }
    /// Build fixes for this rule's findings once every file was checked (a fix may need
    /// other files than the finding's: the declaring file, x/sys). Default: no fixes.
    fn attach_fixes(&self, _cx: &crate::fix::FixCtx<'_>, _findings: &mut [Finding]) {}
}

/// Everything a rule may look at for one file.
pub struct FileCtx<'a> {
    pub index: &'a Index,
    pub file: FileId,
    pub src: &'a [u8],
    pub tree: &'a Tree,
    pub refs: &'a [NameRef],
    /// Import name → where it leads, for the imports that resolve.
    pub imports: &'a HashMap<String, Target>,
    /// The syscall-related nodes of the file, collected on first use and shared by the
    /// rules that read them (one walk of the tree, not one per rule).
    pub syscall_scan: OnceCell<syscall_calls::FileScan<'a>>,
}

impl<'a> FileCtx<'a> {
    pub fn info(&self) -> &crate::index::FileInfo {
        &self.index.files[self.file]
    }

    pub fn syscall_scan(&self) -> &syscall_calls::FileScan<'a> {
        self.syscall_scan
            .get_or_init(|| syscall_calls::FileScan::collect(self, self.tree.root_node()))
    }
}

/// Every rule, in id order.
pub static RULES: &[&dyn Rule] = &[
    &abi_struct_drift::AbiStructDrift,
    &arch_constant_literal::ArchConstantLiteral,
    &epoll_event_layout::EpollEventLayout,
    &kernel_struct_mirror::KernelStructMirror,
    &raw_syscall_abi::RawSyscallAbi,
    &struct_field_width::StructFieldWidth,
    &syscall_number_literal::SyscallNumberLiteral,
    &undefined_on_arch::UndefinedOnArch,
];

pub fn by_id(id: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|r| r.meta().id == id)
}

pub fn ids() -> impl Iterator<Item = &'static str> {
    RULES.iter().map(|r| r.meta().id)
}
