//go:build amd64 || arm64

package sum

// Built only where vec_sum.s defines it, with a pure-Go fallback elsewhere: silent.
func add(a, b uint64) uint64
