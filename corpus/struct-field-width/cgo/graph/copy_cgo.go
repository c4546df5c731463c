//go:build cgo

// Package graph copies device nodes. Its cgo variant converts and is fine; its fallback
// for builds without cgo forgets to, and must be reported for CGO_ENABLED=0 only.
package graph

import "syscall"

func rdev(st *syscall.Stat_t) uint64 {
	return uint64(st.Rdev)
}
