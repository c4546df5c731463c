//! abiport: find and fix the syscall/ABI bugs that stop Go code from building or running
//! on another Linux architecture.
//!
//! Modules follow the data flow of a scan: walk → constraints → header → index → syntax →
//! types → rules → fixes → report. `abi` holds the embedded per-arch tables; `elf` checks build
//! outputs.

pub mod abi;
pub mod arch;
pub mod cmd;
pub mod constraints;
pub mod edit;
pub mod elf;
pub mod error;
pub mod finding;
pub mod fix;
pub mod header;
pub mod index;
pub mod lexer;
pub mod report;
pub mod rules;
pub mod scan;
pub mod suggest;
pub mod syntax;
pub mod types;
pub mod walk;
