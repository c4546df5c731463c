//! abiport: find and fix the syscall/ABI bugs that stop Go code from building or running
//! on another Linux architecture.
//!
//! Modules are layered in data-flow order (README "How a scan works", checked by
//! `tests/layers.rs`): `arch` → `image` → `abi` → `walk` → `syntax::tree` → `header` → `constraints`
//! → `lexer` → `index` → `finding` → `syntax` → `types` → `edit` → `rules` → `config`,
//! `suppress` → `report`, `elf` → `baseline` → `scan` → `fix` → `cmd`; a module uses only
//! those before it. `cmd` is the command line.

// mimalloc for every allocation (tree-sitter's too: `syntax::tree::allocate_trees_with_mimalloc`):
// a scan allocates and frees millions of small nodes, tokens and strings, and glibc's malloc
// and free were a tenth of its cycles.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

pub mod abi;
pub mod arch;
pub mod baseline;
pub mod cmd;
pub mod config;
pub mod constraints;
pub mod edit;
pub mod elf;
pub mod error;
pub mod finding;
pub mod fix;
pub mod fuzz;
pub mod header;
pub mod image;
pub mod index;
pub mod lexer;
pub mod report;
pub mod rules;
pub mod scan;
pub mod suggest;
pub mod suppress;
pub mod syntax;
pub mod types;
pub mod walk;
