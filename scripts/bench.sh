#!/usr/bin/env bash
# Whole-command timings, as ratios against ripgrep (issue 18): the issue's command, and the
# same with -L, which follows symlinks as abiport does and so reads the same files (Debian's
# tree links packages into place: 20,060 .go files without -L, 23,410 with it):
#   1. the tree: rg, rg -L, `abiport scan --arch mips64le`, `--arch all`, and the fixed cost
#      (`--arch all --rules build-arch-list`: walk, headers, index; no Go file parsed);
#   2. linearity: `--arch all` on half, one and two copies of the tree (hard-linked copies
#      under a temporary directory: no data copied);
#   3. Debian's Kubernetes source package (1.20, fetched by scripts/fetch-debian-sources.sh
#      into ~/.cache/abiport/debian-sources when missing; never committed).
# Usage: scripts/bench.sh [TREE]   (default: Debian's Go sources, scripts/install-debian-tree.sh)
# ABIPORT_BENCH_RUNS (default 5) runs per command, ABIPORT_BENCH_ROUNDS (default 11)
# interleaved rounds; ABIPORT_BENCH_SKIP="linear kubernetes"
# leaves parts out; ABIPORT_BENCH_BIN times a given binary (no build; else the shipped
# binary is built: release-lto with profile-guided optimisation, scripts/build-pgo.sh).
# Needs: hyperfine, ripgrep (Debian packages of those names). CPU time (user+sys) is
# printed with each row: the wall time of a shared machine is noisy.
set -euo pipefail
cd "$(dirname "$0")/.."
TREE=${1:-/usr/share/gocode/src}
RUNS=${ABIPORT_BENCH_RUNS:-5}
# Interleaved rounds (each command once per round) for the ratios printed after each table.
ROUNDS=${ABIPORT_BENCH_ROUNDS:-11}
SKIP=${ABIPORT_BENCH_SKIP:-}
CACHE=${ABIPORT_SOURCES:-${XDG_CACHE_HOME:-$HOME/.cache}/abiport/debian-sources}
OUT=${ABIPORT_BENCH_OUT:-/tmp/abiport-bench}
mkdir -p "$OUT"
# ABIPORT_BENCH_BIN: an abiport binary to time instead of building this checkout's.
BIN=${ABIPORT_BENCH_BIN:-}
if [ -z "$BIN" ]; then
  # The binary to ship (Cargo.toml's release-lto: fat LTO, one codegen unit; trained on
  # other trees than these). ABIPORT_BENCH_BIN=target/release-lto/abiport times the plain
  # build (`cargo build --profile release-lto`).
  BIN=$(scripts/build-pgo.sh | tail -1)
fi

rg_cmd() { echo "rg -c --no-ignore -uu ${2:-} -g '*.go' 'SYS_EPOLL_WAIT' $1 || true"; }

# hyperfine over rg, rg -L and abiport on one tree; prints the table and abiport/rg ratios,
# then the same commands' ratios from interleaved rounds (scripts/interleaved.py: the VM's
# speed drifts within minutes, and hyperfine times one command's runs after another's).
# Arguments after the tree: arches to scan, or `fixed` for the fixed cost.
bench() {
  local name=$1 tree=$2
  shift 2
  local args=(-n "rg" "$(rg_cmd "$tree")" -n "rg -L" "$(rg_cmd "$tree" -L)")
  local pairs=("rg=$(rg_cmd "$tree")" "rg -L=$(rg_cmd "$tree" -L)")
  local cmd
  for arch in "$@"; do
    if [ "$arch" = fixed ]; then
      cmd="$BIN scan $tree --arch all --rules build-arch-list --format json > /dev/null || true"
      args+=(-n "abiport fixed cost" "$cmd")
      pairs+=("abiport fixed cost=$cmd")
    else
      cmd="$BIN scan $tree --arch $arch --format json > /dev/null || true"
      args+=(-n "abiport --arch $arch" "$cmd")
      pairs+=("abiport --arch $arch=$cmd")
    fi
  done
  hyperfine --warmup 1 --runs "$RUNS" --export-json "$OUT/$name.json" \
    --export-markdown "$OUT/$name.md" "${args[@]}" >/dev/null
  echo "## $name ($tree)"
  cat "$OUT/$name.md"
  python3 - "$OUT/$name.json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))["results"]
rg, rgl = r[0], r[1]
cpu = lambda x: x["user"] + x["system"]
for x in r:
    print(f"{x['command']}: {x['mean']:.3f} s wall ({x['mean'] / rg['mean']:.1f}x rg, "
          f"{x['mean'] / rgl['mean']:.1f}x rg -L), {cpu(x):.2f} s CPU "
          f"({cpu(x) / cpu(rg):.1f}x rg, {cpu(x) / cpu(rgl):.1f}x rg -L)")
EOF
  python3 scripts/interleaved.py "$ROUNDS" "${pairs[@]}"
  echo
}

bench tree "$TREE" mips64le all fixed

if [[ " $SKIP " != *" linear "* ]]; then
  # Half: every other top-level directory two levels down (host/owner), hard-linked.
  WORK=$(mktemp -d /tmp/abiport-bench.XXXXXX)
  trap 'rm -rf "$WORK"' EXIT
  mkdir -p "$WORK/half" "$WORK/double"
  i=0
  while IFS= read -r d; do
    if ((i++ % 2 == 0)); then
      mkdir -p "$WORK/half/$(dirname "$d")"
      cp -al "$TREE/$d" "$WORK/half/$d"
    fi
  done < <(cd "$TREE" && find . -mindepth 2 -maxdepth 2 -type d | sort)
  cp -al "$TREE" "$WORK/double/a"
  cp -al "$TREE" "$WORK/double/b"
  for part in half double; do
    echo "$part: $(find "$WORK/$part" -name '*.go' -type f | wc -l) .go files"
  done
  bench half "$WORK/half" all
  bench double "$WORK/double" all
fi

if [[ " $SKIP " != *" kubernetes "* ]]; then
  K8S=$(compgen -G "$CACHE/kubernetes-[0-9]*/" | head -1 || true)
  if [ -z "$K8S" ]; then
    scripts/fetch-debian-sources.sh kubernetes
    K8S=$(compgen -G "$CACHE/kubernetes-[0-9]*/" | head -1)
  fi
  bench kubernetes "${K8S%/}" mips64le all fixed
fi
