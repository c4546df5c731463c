//go:build amd64 || arm64 || s390x

package sum

// A fallback exists, but its constraint forgot s390x, which this file builds for.
func mul(a, b uint64) uint64 // want missing-asm arches=s390x "`mul` has no body, and no assembly defines it for s390x"
