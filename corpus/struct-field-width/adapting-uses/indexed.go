package adapting

import "golang.org/x/sys/unix"

// Silent, and not parsed: fields of indexed structs, converted where they are selected.
func devices(sts []unix.Stat_t, pairs [][2]unix.Stat_t) (uint64, uint64) {
	return uint64(sts[0].Rdev), uint64(pairs[1][0].Dev)
}
