//! A small, honest type inference for Go, per arch: enough to follow a value from an ABI
//! struct field to the place where Go demands an identical type.
//!
//! What it knows:
//! - locals declared with `var` (typed or from the value), `:=` (also multi-assign from a
//!   call with known results, `v, ok := x.(T)`, `v, ok := m[k]`), `range` over slices,
//!   arrays and maps, parameters, named results, receivers, type-switch aliases;
//! - `&x`, `*p`, indexing, slicing, parentheses, unary and binary operators, conversions
//!   (`T(x)`), type assertions, composite literals, `len`/`cap`/`append`/`make`/`new`;
//! - struct fields of table structs (`abi::table(arch, pkg).strukt(..)`, per arch) and of
//!   struct types declared in the scanned tree (per arch: the declaration whose file builds
//!   for it), including fields promoted from embedded structs one level deep;
//! - results of functions and methods with known signatures: the tables (`syscall`,
//!   `unix`), packages of the tree that are parsed (every package with a file importing
//!   `syscall` or x/sys, and copies of x/sys), and a handful of standard-library functions
//!   (`time.Unix`, `strconv.Format*`, `fmt`/`log`/`testing` printf-style).
//!
//! Per arch: [`infer::Infer`] answers "type on arch A"; field types come from the arch's
//! table or from the declaration whose file builds for A. [`infer::Infer::contexts`] gives
//! the syntactic places a value goes (a demanded type, an adapting context, a local it
//! initialises, or unknown); rules evaluate them on the reference arch and each target.
//! [`layout`] computes sizes and offsets with gc's rules for declared structs.
//!
//! [`FileCtx`] is what a rule sees of a file: the syntactic view (`crate::syntax`) plus
//! one [`infer::Infer`] per arch, built on first use and shared by the rules.
//!
//! Everything else is unknown: inference answers `None` and callers stay silent, counting
//! the miss with [`note_gave_up`] on the file's view; the scan sums the counts and
//! `scan --stats` prints the total.
//! Scoping follows Go's block rules for locals (a declaration is visible after its
//! statement in its block and nested blocks); package-level names come from the index.

pub use crate::abi::table_source;
mod file;
pub mod infer;
pub mod layout;
pub mod lexed;
pub mod ty;

pub use file::FileCtx;

use crate::syntax::FileSyntax;

/// Count one place where a rule needed a type and inference could not give it. With
/// `ABIPORT_TYPES_DEBUG` set, also print where (for finding what to teach the inference).
pub fn note_gave_up(cx: &FileSyntax<'_>, node: tree_sitter::Node<'_>) {
    cx.note_gave_up();
    if std::env::var_os("ABIPORT_TYPES_DEBUG").is_some() {
        let text = crate::syntax::text(node, cx.src);
        let text: String = text.chars().take(80).collect();
        eprintln!(
            "abiport: types: gave up at {}:{}: {}",
            cx.info().rel,
            node.start_position().row + 1,
            text.replace('\n', " ")
        );
    }
}
