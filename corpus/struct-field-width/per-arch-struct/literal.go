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

// A keyed literal: the key's field is written int32 on mips64le, int64 elsewhere.
func makeKeyed(sec int64) rec.Rec {
	return rec.Rec{Sec: sec} // want struct-field-width arches=mips64le "field `Sec` of `Rec`"
}
