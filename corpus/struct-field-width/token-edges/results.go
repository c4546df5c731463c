package tokenedges

import (
	"example.com/tokenedges/clock"
	"golang.org/x/sys/unix"
)

// Silent, and not parsed: a function whose result is a pointer to a table struct (the
// body's `{` follows the type, as a literal's would), and slices of another package's
// type named like a varying field (`clock.Sec` is a type there, no field).
func fresh() *unix.Timespec {
	unix.Getpid()
	return new(unix.Timespec)
}

func ticks() []clock.Sec {
	return []clock.Sec{1, 2}
}
