// Package perarch uses a struct its dependency declares per arch.
package perarch

import (
	"example.com/perarch/rec"
	"golang.org/x/sys/unix"
)

// The field, through a call result: `.Sec` alone says so.
func seconds() int64 {
	unix.Getpid()
	var s int64 = rec.Get().Sec // want struct-field-width arches=mips64le "`rec.Get\(\).Sec` is `int32` on mips64le, not `int64` as on amd64; used as `int64` \(typed `var`\)"
	return s
}
