package sum

// Add is the package's API.
func Add(a, b uint64) uint64 { return add(a, b) + mul(a, b) }
