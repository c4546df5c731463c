//go:build !amd64 && !arm64

package sum

// The pure-Go fallback: it also builds for mips64 and mips64le, where sum_mips64x.s (added
// by a port) defines sum as well.
func sum(p []uint64) uint64 {
	var t uint64
	for _, v := range p {
		t += v
	}
	return t
}

// Sum is the total of p.
func Sum(p []uint64) uint64 { return sum(p) }
