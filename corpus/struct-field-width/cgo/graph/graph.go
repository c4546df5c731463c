package graph

import "syscall"

// Mknod recreates a node; it builds the same with and without cgo, so its finding
// holds for both settings.
func Mknod(path string, st *syscall.Stat_t) error {
	var dev uint64 = st.Dev // want struct-field-width arches=mips,mipsle,mips64,mips64le cgo=both
	_ = rdev(st)
	return syscall.Mknod(path, st.Mode, int(dev))
}
