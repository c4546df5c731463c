//go:build mipsel64

package main // want impossible-goarch arches=mips64le "build constraint tag `mipsel64` is no GOARCH, so lanes_mipsel64.go never builds for mips64le"

// Builds for no arch at all: the go command reads `mipsel64` as a tag nobody sets.
var simdLanes = 2
