// Package tokenedges holds, one per file, the ways a file reaches a field whose type
// differs by arch without naming a table struct or writing a field name bare: what the
// token prefilter of struct-field-width must still keep (each file's finding is only
// found when that file is parsed).
package tokenedges

import "golang.org/x/sys/unix"

// The tree's own names for table structs: an alias, a defined type and one over it.
type (
	ts    = unix.Timespec
	tv    unix.Timeval
	tvTwo tv
	tvPar (unix.Timeval)
)

// now hands out a table struct: its callers need not name it.
func now() unix.Timespec {
	var t unix.Timespec
	unix.ClockGettime(unix.CLOCK_MONOTONIC, &t)
	return t
}
