//go:build cgo && (amd64 || arm64)

// Package probe asks the C library, with cgo only, and only on the arches its author
// tried: its exported API differs between the cgo settings.
package probe

// Probe reports what the C library found.
func Probe() int { return 1 }
