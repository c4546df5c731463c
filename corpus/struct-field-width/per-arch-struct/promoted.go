package perarch

import (
	"example.com/perarch/rec"
	"golang.org/x/sys/unix"
)

// A promoted field of a struct embedding another type per arch.
func nanosOf() int64 {
	var n int64 = rec.GetWrap().Nsec // want struct-field-width arches=mips64le "`rec.GetWrap\(\).Nsec` is `int32` on mips64le"
	return n + int64(unix.Getpid())
}
