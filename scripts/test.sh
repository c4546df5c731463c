#!/usr/bin/env bash
# The whole test suite: installs what the tests need, then format, lint and tests.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
rustup component add rustfmt clippy >/dev/null 2>&1 || true
cargo fmt --all -- --check
cargo clippy --all-targets -- -D warnings
# Benches are compiled by clippy above and timed only by `cargo bench`.
cargo test --lib --bins --tests
# Smoke check: the whole-tree bench still runs end to end (on corpus/, once, dev profile);
# its timing is not checked here.
ABIPORT_BENCH_TREE=corpus ABIPORT_BENCH_RUNS=1 cargo bench -q --profile dev --bench scan >/dev/null
# The per-stage criterion benches run each stage once (`--test`): they still build and run.
ABIPORT_BENCH_TREE=corpus cargo bench -q --profile dev --bench hot_paths -- --test >/dev/null
# The shipped binary's build (scripts/build-pgo.sh) needs an llvm-profdata that reads this
# rustc's profiles: a small program goes through the whole loop (the whole build takes ~9 min,
# and is bench.sh's).
bash scripts/build-pgo.sh --check
