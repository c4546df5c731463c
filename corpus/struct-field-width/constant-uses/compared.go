package constants

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Silent, and not parsed: fields compared with constants (literals, a constant of x/sys),
// printed, and measured.
func describe(st *unix.Stat_t, sfs *unix.Statfs_t, ts unix.Timespec) string {
	if st.Rdev != 0 || (st.Nlink > 1 && ts.Nsec == 0) {
		return "device"
	}
	if sfs.Type == unix.TMPFS_MAGIC {
		return "tmpfs"
	}
	fmt.Printf("%d:%d\n", st.Dev, st.Rdev)
	return fmt.Sprint(unsafe.Sizeof(ts.Nsec))
}
