//go:build linux && (amd64 || arm64)
// +build linux
// +build amd64 arm64

// Package sys declares helpers under `//go:build` groups; the fix extends the arch group.
package sys

// Winsize is declared for amd64 and arm64 only, and is valid everywhere.
func Winsize() int { return 80 }
