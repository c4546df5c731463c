//go:build !amd64 && !arm64

package sum

func add(a, b uint64) uint64 { return a + b }
