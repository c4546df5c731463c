package adapting

import "golang.org/x/sys/unix"

// A keyed literal with a typed value: kept.
func timeout(sec int64) *unix.Timespec {
	return &unix.Timespec{Sec: sec} // want struct-field-width arches=386,arm,mips,mipsle "field `Sec` of `unix.Timespec`"
}
