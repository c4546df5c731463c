//go:build !cgo

package dev

// Major of a device number, as glibc computes it.
func Major(d uint64) uint32 { return uint32((d>>32)&0xfffff000 | (d>>8)&0xfff) }
