#!/usr/bin/env bash
# The binary to ship and to time: the release-lto profile built again with profile-guided
# optimisation (as rustc and clang ship theirs). An instrumented build scans training trees,
# LLVM merges the counts, and the final build lays out and inlines by them: scans of Debian's
# tree and Kubernetes take 0.90-0.965x the plain release-lto build's time (benches/HISTORY.md,
# 2026-12-07).
#
# Training trees: Debian source packages fetched by scripts/fetch-debian-sources.sh (runc,
# containerd, docker.io, etcd, podman, buildah, skopeo), and corpus/. Never the trees the
# bench times (Debian's Go sources, Kubernetes): the profile describes Go trees in general,
# not the benchmark.
#
# Usage: scripts/build-pgo.sh          prints the binary's path on its last line (~9 min on
#                                      2 cores: two whole builds)
#        scripts/build-pgo.sh --check  the toolchain alone, in seconds (CI): a small program
#                                      built instrumented, run, its profile merged and
#                                      used by a second build
# ABIPORT_PGO_PROFILE: the cargo profile (default release-lto).
# ABIPORT_PGO_TRAIN: the trees to train on, space-separated (default: the list above and
#   corpus/).
# Needs llvm-profdata of rustc's LLVM major version: rustup's llvm-tools component, or
# Debian's llvm-N package (installed here with apt-get when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
PROFILE=${ABIPORT_PGO_PROFILE:-release-lto}
CACHE=${ABIPORT_SOURCES:-${XDG_CACHE_HOME:-$HOME/.cache}/abiport/debian-sources}
HOST=$(rustc -vV | sed -n 's/^host: //p')
LLVM=$(rustc -vV | sed -n 's/^LLVM version: \([0-9]*\).*/\1/p')
WORK=$PWD/target/pgo

# llvm-profdata must read the raw profiles this rustc's LLVM writes: the same major version.
profdata() {
  local tool
  for tool in "$(rustc --print sysroot)/lib/rustlib/$HOST/bin/llvm-profdata" \
    "$(command -v "llvm-profdata-$LLVM" || true)"; do
    if [ -x "$tool" ]; then
      echo "$tool"
      return
    fi
  done
  return 1
}
if ! PROFDATA=$(profdata); then
  echo "build-pgo: no llvm-profdata for LLVM $LLVM; installing llvm-$LLVM" >&2
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO=sudo
  { $SUDO apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
      "llvm-$LLVM" >/dev/null; } || {
    echo "build-pgo: install llvm-$LLVM, or run: rustup component add llvm-tools" >&2
    exit 1
  }
  PROFDATA=$(profdata)
fi

if [ "${1:-}" = --check ]; then
  # rustc's LLVM writes the raw profile, llvm-profdata merges it, rustc reads the merge:
  # the versions must agree, which is what breaks when either is upgraded alone.
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  printf 'fn main() {\n    let n: u64 = std::env::args().count() as u64;\n    println!("{}", (0..1000 * n).filter(|i| i %% 3 == 0).count());\n}\n' >"$tmp/main.rs"
  rustc -O -Cprofile-generate="$tmp/profiles" -o "$tmp/trainer" "$tmp/main.rs"
  "$tmp/trainer" >/dev/null
  "$PROFDATA" merge -o "$tmp/merged.profdata" "$tmp/profiles"
  # A profile rustc cannot read is only a warning (not a lint: -D warnings misses it).
  warned=$(rustc -O -Cprofile-use="$tmp/merged.profdata" -o "$tmp/trained" "$tmp/main.rs" 2>&1)
  if [ -n "$warned" ]; then
    echo "build-pgo: rustc did not take the profile: $warned" >&2
    exit 1
  fi
  [ "$("$tmp/trained")" = "$("$tmp/trainer")" ]
  echo "build-pgo: $PROFDATA reads rustc's profiles (LLVM $LLVM)"
  exit 0
fi

if [ -n "${ABIPORT_PGO_TRAIN:-}" ]; then
  read -r -a TRAIN <<<"$ABIPORT_PGO_TRAIN"
else
  SOURCES=(runc containerd docker.io etcd libpod golang-github-containers-buildah skopeo)
  missing=()
  for s in "${SOURCES[@]}"; do
    compgen -G "$CACHE/$s-[0-9]*/" >/dev/null || missing+=("$s")
  done
  if ((${#missing[@]})); then
    # fetch-debian-sources.sh takes source or binary package names alike.
    scripts/fetch-debian-sources.sh "${missing[@]}" >&2
  fi
  TRAIN=(corpus)
  for s in "${SOURCES[@]}"; do
    TRAIN+=("$(compgen -G "$CACHE/$s-[0-9]*/" | head -1)")
  done
fi

# --target keeps RUSTFLAGS off build scripts and proc macros (build.rs would write
# profiles of its own run, and the instrumentation would slow it).
build() {
  RUSTFLAGS="$1" cargo build -q --profile "$PROFILE" --target "$HOST" --target-dir "$2"
}
out_dir=$PROFILE
[ "$PROFILE" = dev ] && out_dir=debug

rm -rf "$WORK/profiles" "$WORK/train.log"
build "-Cprofile-generate=$WORK/profiles" "$WORK/generate"
TRAINER=$WORK/generate/$HOST/$out_dir/abiport
# What a porter runs: every arch and one, every output path (json and the human report,
# the fixes' diffs). Findings make the exit status 1. Their notes, and the profiler's
# warnings (value counters running out: harmless), go to train.log.
for tree in "${TRAIN[@]}"; do
  "$TRAINER" scan "$tree" --arch all --format json >/dev/null 2>>"$WORK/train.log" || [ $? = 1 ]
  "$TRAINER" scan "$tree" --arch mips64le >/dev/null 2>>"$WORK/train.log" || [ $? = 1 ]
  "$TRAINER" fix "$tree" >/dev/null 2>>"$WORK/train.log" || [ $? = 1 ]
done
"$PROFDATA" merge -o "$WORK/merged.profdata" "$WORK/profiles"
# Built afresh: cargo's fingerprints hold RUSTFLAGS, not the profile the flag names, and a
# new profile left some crates built with the last one.
rm -rf "$WORK/use"
build "-Cprofile-use=$WORK/merged.profdata" "$WORK/use"
echo "$WORK/use/$HOST/$out_dir/abiport"
