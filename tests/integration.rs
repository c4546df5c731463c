//! One integration test binary (ripgrep style): modules by concern.

mod cli;
mod elf;
mod util;
