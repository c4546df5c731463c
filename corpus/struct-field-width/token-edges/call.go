package tokenedges

import "golang.org/x/sys/unix"

// A field selected from a call's result: `.Sec` is the only hint.
func seconds() int64 {
	var s int64 = now().Sec         // want struct-field-width arches=386,arm,mips,mipsle "used as `int64` \(typed `var`\)"
	return s + int64(unix.Getpid()) // silent: a call of a package function
}
