package adapting

import "golang.org/x/sys/unix"

// Silent, and not parsed: this file builds for mips64le alone, where it was written for
// the field's own type; the check compares the reference arch with a target.
func rawDevice(st *unix.Stat_t) uint32 {
	var d uint32 = st.Dev
	return d
}
