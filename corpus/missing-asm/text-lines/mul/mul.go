// Package mul multiplies and adds.
package mul

// MulAdd is a*b+c.
func MulAdd(a, b, c uint64) uint64 { return mulAdd(a, b, c) }
