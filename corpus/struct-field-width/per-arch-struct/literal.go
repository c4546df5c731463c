package perarch

import (
	"example.com/perarch/rec"
	"golang.org/x/sys/unix"
)

// A positional literal of the per-arch type: no field name is written.
func make(sec int64) rec.Rec {
	unix.Getpid()
	return rec.Rec{sec, nil} // want struct-field-width arches=mips64le "field `Sec` of `Rec`"
}
