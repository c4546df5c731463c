//go:build !amd64

package mul

// The fallback every other arch builds, mips64le too: mul_mips64le.s is never called.
func mulAdd(a, b, c uint64) uint64 { return a*b + c }
