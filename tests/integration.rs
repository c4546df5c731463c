//! One integration test binary (ripgrep style): modules by concern.

mod abi;
mod baseline;
mod cli;
mod compiler;
mod config;
mod corpus;
mod elf;
mod fix;
mod goarch_rules;
mod gopath;
mod hostile_apply;
mod hostile_depth;
mod hostile_elf;
mod hostile_inputs;
mod hostile_output;
mod hostile_verify;
mod hostile_writes;
mod layers;
mod report;
mod roots;
mod runtime;
mod scan;
mod snapshots;
mod suppress;
mod util;
mod verify_build;
