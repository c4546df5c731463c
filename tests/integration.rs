//! One integration test binary (ripgrep style): modules by concern.

mod cli;
mod report;
mod util;
