//! One integration test binary (ripgrep style): modules by concern.

mod abi;
mod cli;
mod compiler;
mod corpus;
mod elf;
mod fix;
mod hostile_depth;
mod hostile_elf;
mod hostile_output;
mod hostile_verify;
mod hostile_writes;
mod layers;
mod report;
mod runtime;
mod scan;
mod snapshots;
mod util;
