#!/usr/bin/env bash
# Whole-command timings on one tree, as ratios against ripgrep reading the same files.
# Usage: scripts/bench.sh [TREE]   (default: Debian's Go sources, scripts/install-debian-tree.sh)
# Needs: hyperfine, ripgrep (Debian packages of those names).
set -euo pipefail
cd "$(dirname "$0")/.."
TREE=${1:-/usr/share/gocode/src}
cargo build --release -q
hyperfine --warmup 1 --runs 5 --export-markdown /tmp/abiport-bench.md \
  -n 'rg (read every .go file)' "rg -c --no-ignore -uu -g '*.go' 'SYS_EPOLL_WAIT' $TREE || true" \
  -n 'abiport scan --arch mips64le' "target/release/abiport scan $TREE --format json > /dev/null || true" \
  -n 'abiport scan --arch all' "target/release/abiport scan $TREE --arch all --format json > /dev/null || true"
cat /tmp/abiport-bench.md
