#!/usr/bin/env bash
# Manifest helper written for abiport's corpus.
set -euo pipefail
IMAGE=${IMAGE:-registry.example.org/agent}
TAG=${TAG:-latest}

docker manifest create "${IMAGE}:${TAG}" "${IMAGE}:${TAG}-amd64" "${IMAGE}:${TAG}-arm64" "${IMAGE}:${TAG}-ppc64el" # want build-arch-list arches=mips64le "`docker manifest create \$\{IMAGE\}:\$\{TAG\}` joins images for amd64, arm64, ppc64le but not mips64le"

# Images named without their arch, annotated one by one.
docker manifest create "${IMAGE}:stable" "${AMD64_IMAGE}" "${ARM64_IMAGE}" "${S390X_IMAGE}"
docker manifest annotate "${IMAGE}:stable" "${AMD64_IMAGE}" --arch amd64
docker manifest annotate "${IMAGE}:stable" "${ARM64_IMAGE}" --arch=arm64 --variant v8
docker manifest annotate "${IMAGE}:stable" "${S390X_IMAGE}" --arch s390x # want build-arch-list arches=mips64le "list `\$\{IMAGE\}:stable` has images for amd64, arm64, s390x"

# Silent: an image named by a variable and not annotated.
docker manifest create "${IMAGE}:edge" "${IMAGE}:edge-amd64" "${IMAGE}:edge-arm64" "${EXTRA_IMAGE}"
# Silent: the arch of an annotation comes from a variable.
for arch in amd64 arm64 mips64le; do
  docker manifest annotate "${IMAGE}:nightly" "${IMAGE}:nightly-${arch}" --arch "${arch}"
done
