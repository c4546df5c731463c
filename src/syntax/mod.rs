//! The syntax layer: tree-sitter parsing ([`parse_go`], [`text`]), the per-file syntactic
//! view every rule reads ([`FileSyntax`]: the tree, its references and imports, parent
//! links, the shared syscall scan), and purely syntactic helpers split by subject:
//! [`calls`] (calls into `syscall`/x/sys/unix and the file's syscall scan), [`literals`]
//! (integer literals and the constants written with them), [`locals`] (the type a local
//! was declared with, type declarations) and [`arch_tables`] (per-arch tables written by
//! hand).
//!
//! [`tree`] is a leaf (it imports nothing from the crate): the index uses it to read
//! declarations. The rest sits above the index and below `crate::types`.

pub mod anchor;
pub mod arch_tables;
pub mod calls;
mod file;
pub mod literals;
pub mod locals;
mod nodes;
mod parents;
pub mod tree;

pub use file::FileSyntax;
pub use parents::{NodeMap, Parents, ScopeLink, SCOPE_KINDS};
pub use tree::{
    parse_go, parse_go_partial, parse_go_skipping, reparse_whole, skipped_only_unread, text,
};
