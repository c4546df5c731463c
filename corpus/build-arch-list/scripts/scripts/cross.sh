#!/bin/sh
# Cross-build helper written for abiport's corpus.
export PLATFORMS="linux/amd64,linux/arm64" # want build-arch-list arches=mips64le "`PLATFORMS` lists amd64, arm64 but not mips64le"
docker buildx build --platform "$PLATFORMS" .
# Silent: a variable, not a list; and a quoted word that is not an arch.
docker buildx build --platform "linux/${ARCH}" .
# manifest-tool's platform list.
manifest-tool push from-args --platforms linux/amd64,linux/s390x --template "agent-ARCH" --target agent # want build-arch-list arches=mips64le "`--platform` lists amd64, s390x but not mips64le"
# Silent: the target is in it.
manifest-tool push from-args --platforms linux/amd64,linux/mips64le --template "agent-ARCH" --target agent
