package perarch

import (
	"example.com/perarch/rec"
	"golang.org/x/sys/unix"
)

// Silent, and not parsed: calling a func field adapts to its result type (the check
// follows a field's value, not a call's result).
func nanos(r rec.Rec) int {
	var n int64 = int64(r.Nsec()) // silent: converted
	n++
	return unix.Getpid()
}
