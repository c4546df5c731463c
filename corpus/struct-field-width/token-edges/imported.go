package tokenedges

import (
	"example.com/tokenedges/clock"
	"golang.org/x/sys/unix"
)

// A literal of another package's type, defined there from a table struct.
func stamp(sec int64) clock.Stamp {
	unix.Getpid()
	return clock.Stamp{sec, 0} // want struct-field-width arches=386,arm,mips,mipsle "field `Sec` of `Stamp`"
}
