package tokenedges

import "golang.org/x/sys/unix"

// span is the tree's own struct: its Sec is an int64 on every arch.
type span struct {
	Sec int64
}

// Silent, and not parsed: a varying field's name selected from a value of the tree's
// own struct, in a file that names no type leading to a table struct with that field
// (unix.Utsname's fields differ by arch too, but it has no Sec).
func length(s span, u *unix.Utsname) int64 {
	unix.Getpid()
	var n int64 = s.Sec
	return n
}
