// Package adapting selects fields whose types differ by arch where the value adapts
// (converted where it is selected, empty literals, slices of structs), which needs no
// parse, beside uses that break.
package adapting

import "golang.org/x/sys/unix"

// A converted field added to another field: the second one breaks.
func device(st *unix.Stat_t) uint64 {
	return uint64(st.Rdev) + st.Dev // want struct-field-width arches=mips,mipsle,mips64,mips64le "operand with"
}

// A conversion of a sum: the operand is no lone field.
func nextDevice(st *unix.Stat_t, d uint64) uint64 {
	return uint64(st.Dev + d) // want struct-field-width arches=mips,mipsle,mips64,mips64le "operand with"
}
