//go:build !cgo

package graph

import "syscall"

func rdev(st *syscall.Stat_t) uint64 {
	var d uint64 = st.Rdev // want struct-field-width arches=mips,mipsle,mips64,mips64le cgo=off
	return d
}
