package perarch

import (
	"example.com/perarch/rec"
	"golang.org/x/sys/unix"
)

// stamp is the package's own struct: its Sec is an int64 on every arch.
type stamp struct{ Sec int64 }

// Silent, and not parsed: `.Sec` of the file's own struct beside rec.Clock, a struct
// the tree declares per arch whose fields (no Sec) differ; rec.Rec's Sec differs too,
// but nothing here names a way to a Rec.
func since(c *rec.Clock, s stamp) int64 {
	_ = c
	var n int64 = s.Sec
	return n + int64(unix.Getpid())
}
