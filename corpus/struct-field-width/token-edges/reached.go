package tokenedges

import (
	"example.com/tokenedges/clock"
	"golang.org/x/sys/unix"
)

// Fields of table structs handed out by another package: a func's result holding one
// and a method's result. The file names neither a table struct nor a type of its own.
func stamps() (int64, int64) {
	unix.Getpid()
	var at int64 = clock.Read().At.Sec   // want struct-field-width arches=386,arm,mips,mipsle "used as `int64` \(typed `var`\)"
	var now int64 = clock.New().Now().Sec // want struct-field-width arches=386,arm,mips,mipsle "used as `int64` \(typed `var`\)"
	return at, now
}
