#!/usr/bin/env bash
# Fetch Debian *source* packages — whole upstream trees with their Makefiles, scripts,
# Dockerfiles, CI files, go.mod and lock files, which the golang-*-dev binary packages do
# not ship — to run abiport's build-file rules (build-arch-list, stale-abi-pin,
# base-image-platform) on the very components ports need. The trees go to a cache outside
# the repository ($ABIPORT_SOURCES, default ~/.cache/abiport/debian-sources); they are never
# committed. Needs root or sudo once, to enable deb-src (a separate sources file, the
# existing ones untouched) and run apt-get update; needs dpkg-dev to unpack.
#
#   scripts/fetch-debian-sources.sh                   # the default list below
#   scripts/fetch-debian-sources.sh podman buildah    # others (source names: libpod,
#                                                     # golang-github-containers-buildah)
#   abiport scan ~/.cache/abiport/debian-sources/runc-* --rules build-arch-list,stale-abi-pin,base-image-platform
set -euo pipefail
CACHE=${ABIPORT_SOURCES:-${XDG_CACHE_HOME:-$HOME/.cache}/abiport/debian-sources}
PKGS=("$@")
((${#PKGS[@]})) || PKGS=(runc containerd docker.io etcd kubernetes podman buildah skopeo)
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo

SRC_LIST=/etc/apt/sources.list.d/abiport-deb-src.sources
if ! apt-get source --print-uris -qq "${PKGS[0]}" >/dev/null 2>&1; then
  if [ ! -e "$SRC_LIST" ]; then
    # The deb entries of the deb822 sources, as deb-src.
    sed -n '/^Types:/,/^$/p' /etc/apt/sources.list.d/debian.sources \
      | sed 's/^Types:.*/Types: deb-src/' | $SUDO tee "$SRC_LIST" >/dev/null
  fi
  $SUDO apt-get update -qq
fi
command -v dpkg-source >/dev/null || {
  $SUDO apt-get install -y -qq --no-install-recommends dpkg-dev >/dev/null
}
mkdir -p "$CACHE"
cd "$CACHE"
for p in "${PKGS[@]}"; do
  # Skip a package already unpacked here (any version).
  src=$(apt-cache showsrc "$p" 2>/dev/null | sed -n 's/^Package: //p' | head -1)
  src=${src:-$p}
  if compgen -G "$src-[0-9]*/" >/dev/null; then
    echo "have $src"
    continue
  fi
  apt-get source -qq "$p" >/dev/null
  echo "fetched $src into $CACHE"
done
