#!/usr/bin/env bash
# Install, only when missing, the Debian packages abiport's tests use as ground truth:
# Go 1.19 and x/sys (compiler verdicts, authoritative ABI sources), the mips64el cross
# compiler and kernel headers (kernel layouts; host gcc + linux-libc-dev for amd64's),
# qemu-user (running mips64le binaries); python3-jsonschema (SARIF schema check),
# chromium (renders the HTML report headless) and make (the fixed Makefiles of
# build-arch-list's corpus are evaluated with it); time (GNU time: a child's peak RSS).
set -euo pipefail
PKGS=(
  golang-go golang-golang-x-sys-dev
  gcc-mips64el-linux-gnuabi64 linux-libc-dev-mips64el-cross
  gcc-aarch64-linux-gnu linux-libc-dev-arm64-cross
  gcc linux-libc-dev qemu-user binutils git make
  libc6-dev-mips64el-cross
  python3-jsonschema
  time
  chromium
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The SARIF 2.1.0 JSON schema that tests/output_formats.rs validates SARIF output against,
# from a package: the npm package @microsoft/jest-sarif ships it as
# lib/schemas/sarif-2.1.0-rtm.5.json (2.1.0-rtm.5 is the final 2.1.0 schema).
SCHEMA="$(cd "$(dirname "$0")/.." && pwd)/target/test-deps/sarif-schema-2.1.0.json"
if [ ! -s "$SCHEMA" ]; then
  if ! command -v npm >/dev/null; then
    SUDO=""
    [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends npm >/dev/null
  fi
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent @microsoft/jest-sarif@1.0.0-beta.0 >/dev/null && tar xzf ./*.tgz)
  mkdir -p "$(dirname "$SCHEMA")"
  cp "$tmp/package/lib/schemas/sarif-2.1.0-rtm.5.json" "$SCHEMA"
  rm -rf "$tmp"
fi
