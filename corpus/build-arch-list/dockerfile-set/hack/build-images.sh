#!/bin/sh
# Image helper written for abiport's corpus: the arches are the Dockerfiles there are.
set -e
cd "$(dirname "$0")/.."
for f in images/agent/Dockerfile.*; do # want build-arch-list arches=mips64le "`images/agent/Dockerfile.\*` takes the arches from `Dockerfile.amd64`, `Dockerfile.arm64`, `Dockerfile.ppc64le` in `images/agent/`: there is no `Dockerfile.mips64le`"
  arch=${f##*.}
  docker build -f "$f" -t "agent-$arch" .
done
# Silent: the ported set has the target.
for f in images/ported/Dockerfile.*; do docker build -f "$f" .; done
