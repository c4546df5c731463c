package tokenedges

import "golang.org/x/sys/unix"

// A keyed literal of a local alias of a table struct.
func deadline(sec int64) ts {
	unix.Getpid()
	return ts{Sec: sec} // want struct-field-width arches=386,arm,mips,mipsle "field `Sec` of `ts`"
}
