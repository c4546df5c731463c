//! One integration test binary (ripgrep style): modules by concern.

mod abi;
mod cli;
mod util;
