// Package constants uses fields whose types differ by arch where the check can never
// report (constants assigned or compared, values printed, selected from, ranged over),
// which needs no parse, beside uses that break.
package constants

import "golang.org/x/sys/unix"

// Silent, and not parsed: constants assigned, increments, a field selected from or
// indexed and ranged over.
func reset(st *unix.Stat_t, ts *unix.Timespec, fds *unix.FdSet) int {
	st.Dev = 0
	st.Rdev += 1 << 8
	st.Nlink++
	ts.Nsec = (1 << 30) - 2
	fds.Bits[0] |= 1
	n := 0
	for i := range fds.Bits {
		fds.Bits[i] = 0
		n++
	}
	return n
}
