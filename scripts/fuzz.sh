#!/usr/bin/env bash
# Short fuzz run of the ELF and Go build info readers (cargo-fuzz, nightly toolchain).
#   bash scripts/fuzz-elf.sh [SECONDS_PER_TARGET]   (default 60)
# Seeds: small Go and C binaries built here (cut to 64 KiB) and their `.go.buildinfo` blobs.
# Crashes land in fuzz/artifacts/<target>/; replay one with
#   cargo +nightly fuzz run <target> fuzz/artifacts/<target>/<file>
# CI runs the deterministic mutation test in tests/elf.rs instead (stable toolchain).
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-60}"
command -v cargo-fuzz >/dev/null || { echo "install cargo-fuzz: cargo install cargo-fuzz" >&2; exit 2; }
rustup toolchain list | grep -q nightly || { echo "install nightly: rustup toolchain install nightly" >&2; exit 2; }

seeds="$(mktemp -d)"
trap 'rm -rf "$seeds"' EXIT
mkdir -p fuzz/corpus/elf_inspect fuzz/corpus/buildinfo "$seeds/src"
printf 'module example.com/seed\n\ngo 1.19\n' >"$seeds/src/go.mod"
printf 'package main\n\nfunc main() { println("seed") }\n' >"$seeds/src/main.go"
for arch in mips64le mips64 arm 386 ppc64le riscv64 s390x arm64 amd64; do
  (cd "$seeds/src" && GOPROXY=off CGO_ENABLED=0 GOOS=linux GOARCH=$arch go build -ldflags=-s -o "$seeds/$arch" .) || continue
  head -c 65536 "$seeds/$arch" >"fuzz/corpus/elf_inspect/go-$arch"
  off=$(readelf -SW "$seeds/$arch" | awk '{for (i = 1; i < NF; i++) if ($i == ".go.buildinfo") print $(i + 3)}')
  # the fuzz target prepends the 14-byte magic itself
  [ -n "$off" ] && dd if="$seeds/$arch" of="fuzz/corpus/buildinfo/go-$arch" iflag=skip_bytes,count_bytes \
    skip=$((0x$off + 14)) count=512 status=none
done
if command -v mips64el-linux-gnuabi64-gcc >/dev/null; then
  printf 'int main(void){return 0;}\n' >"$seeds/c.c"
  mips64el-linux-gnuabi64-gcc "$seeds/c.c" -o fuzz/corpus/elf_inspect/c-mips64el || true
fi

for target in elf_inspect buildinfo; do
  cargo +nightly fuzz run "$target" "fuzz/corpus/$target" -- \
    -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 -timeout=10
done
