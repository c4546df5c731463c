package perarch

import (
	"example.com/perarch/rec"
	"golang.org/x/sys/unix"
)

// Clock is the package's own, declared once: not rec.Clock, declared per arch.
type Clock struct{ Ticks int64 }

// Silent, and not parsed: the keys of rec.Event are fields written alike in each of
// its declarations (only its padding differs), and Clock is the package's own.
func keyed(events uint32, fd int32, t int64) (rec.Event, Clock) {
	_ = unix.Getpid()
	return rec.Event{Events: events, Fd: fd}, Clock{Ticks: t}
}
