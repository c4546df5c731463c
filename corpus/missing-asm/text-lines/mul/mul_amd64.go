package mul

// Implemented by mul_amd64.s: silent.
func mulAdd(a, b, c uint64) uint64
