#!/usr/bin/env bash
# The whole test suite: installs what the tests need, then format, lint and tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
rustup component add rustfmt clippy >/dev/null 2>&1 || true
cargo fmt --all -- --check
cargo clippy --all-targets -- -D warnings
# Benches are compiled by clippy above and run only by `cargo bench`.
cargo test --lib --bins --tests
