//! One integration test binary (ripgrep style): modules by concern.

mod util;
mod cli;
