package tokenedges

import "golang.org/x/sys/unix"

// header is the tree's own struct: its Dev is a uint64 on every arch.
type header struct{ Dev uint64 }

// Silent, and not parsed: `.Dev` is selected in a function that spells no name able to
// bring a unix struct; another function of the file names unix.Stat_t, but a value
// reaches a function only through the names it spells (its parameters, calls,
// conversions) or the package-level declarations.
func device(h header) uint64 {
	var d uint64 = h.Dev
	return d
}

func size(path string) int64 {
	var st unix.Stat_t
	_ = unix.Stat(path, &st)
	return st.Size
}
