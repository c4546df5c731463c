package tokenedges

import "golang.org/x/sys/unix"

// Positional literals of local types defined from a table struct, directly, through
// another local type and in parentheses: no field name is written at all.
func interval(sec, usec int64) (tv, tvTwo, tvPar) {
	unix.Getpid()
	a := tv{sec, 0}     // want struct-field-width arches=386,arm,mips,mipsle "field `Sec` of `tv`"
	b := tvTwo{0, usec} // want struct-field-width arches=386,arm,mips,mipsle "field `Usec` of `tvTwo`"
	c := tvPar{sec, 0}  // want struct-field-width arches=386,arm,mips,mipsle "field `Sec` of `tvPar`"
	return a, b, c
}
