#!/usr/bin/env bash
# Fuzz run of every target in fuzz/ (cargo-fuzz, nightly toolchain): the ELF and Go build
# info readers, OCI image layouts and patch series for `verify` (bodies in src/fuzz.rs).
#   bash scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET…]   (default 60, every target)
# Seeds: small Go and C binaries built here (cut to 64 KiB), their `.go.buildinfo` blobs,
# a small OCI layout and a few patches (formats in src/fuzz.rs).
# Crashes land in fuzz/artifacts/<target>/; replay one with
#   cargo +nightly fuzz run <target> fuzz/artifacts/<target>/<file>
# CI replays every target over its seeds plus seeded mutations on the stable toolchain
# instead (tests/hostile_depth.rs, `fuzz_targets_replay_*`; tests/elf.rs for ELF files).
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(elf_inspect buildinfo oci_layout patch_series)
command -v cargo-fuzz >/dev/null || { echo "install cargo-fuzz: cargo install cargo-fuzz" >&2; exit 2; }
rustup toolchain list | grep -q nightly || { echo "install nightly: rustup toolchain install nightly" >&2; exit 2; }

seeds="$(mktemp -d)"
trap 'rm -rf "$seeds"' EXIT
mkdir -p fuzz/corpus/elf_inspect fuzz/corpus/buildinfo fuzz/corpus/oci_layout fuzz/corpus/patch_series "$seeds/src"
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

# A layout: index → manifest → config and one gzipped layer holding a tiny file (`@N` is the
# digest of part N; the first byte picks directory, tar, tar.gz); and a few patches.
sep=$'\n--8<--\n'
layer="$(mktemp)"
printf 'hello' >"$seeds/hello"
tar -C "$seeds" -czf "$layer" hello
for shape in 0 1 2; do
  { printf "\\x0$shape"
    printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"@1","size":1,"platform":{"os":"linux","architecture":"mips64le"}}]}'
    printf '%s' "$sep"
    printf '{"schemaVersion":2,"config":{"digest":"@2","size":2},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"@3","size":1}]}'
    printf '%s' "$sep"; printf '{}'; printf '%s' "$sep"; cat "$layer"
  } >"fuzz/corpus/oci_layout/layout-$shape"
done
rm -f "$layer"
{ printf '\x00'
  printf 'diff --git a/main.go b/main.go\n--- a/main.go\n+++ b/main.go\n@@ -3,4 +3,4 @@\n import "syscall"\n \n-func main() {\n+func main() { // x\n \t_ = syscall.SYS_SELECT\n'
} >fuzz/corpus/patch_series/one
{ printf '\x00From 0 Mon Sep 17 00:00:00 2001\nSubject: [PATCH] x\n\n---\n'
  printf 'diff --git a/dep.go b/dep.go\n--- a/dep.go\n+++ b/dep.go\n@@ -1,3 +1,3 @@\n package dep\n \n-const X = 1\n+const X = 2\n'
} >fuzz/corpus/patch_series/mbox

for target in "${targets[@]}"; do
  cargo +nightly fuzz run "$target" "fuzz/corpus/$target" -- \
    -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 -timeout=10
done
