// Package asdpartial: the scan parses only the declarations that hold a `unix.SYS_*`
// selector through the vendored copy (`Rule::bodies`). Every finding below sits in one,
// beside functions left out of the parse.
package asdpartial

import "golang.org/x/sys/unix"

// Silent, and left out of the parse: no `unix.SYS_*` selector in it.
func name() int {
	return len("unix.SYS_EPOLL_PWAIT")
}

// Silent: the copy has `SYS_GETPID` for every target.
func getpid() uintptr {
	return unix.SYS_GETPID
}

type poller struct{}

// A method.
func (poller) trap() uintptr {
	return unix.SYS_EPOLL_PWAIT // want abi-struct-drift arches=mips64le "lacks `SYS_EPOLL_PWAIT` on mips64le"
}

// A closure, in a generic function.
func each[T any](xs []T) uintptr {
	f := func() uintptr { return unix.SYS_EPOLL_PWAIT } // want abi-struct-drift arches=mips64le "lacks `SYS_EPOLL_PWAIT` on mips64le"
	var n uintptr
	for range xs {
		n += f()
	}
	return n
}

// A package-level func literal: its var declaration is held.
var traps = func() []uintptr {
	return []uintptr{unix.SYS_EPOLL_PWAIT} // want abi-struct-drift arches=mips64le "lacks `SYS_EPOLL_PWAIT` on mips64le"
}

// In a signature: the body is held with it.
func sized(b [unix.SYS_EPOLL_PWAIT]byte) int { // want abi-struct-drift arches=mips64le "lacks `SYS_EPOLL_PWAIT` on mips64le"
	return len(b)
}

// The selector split after its dot.
func split() uintptr {
	return unix. // want abi-struct-drift arches=mips64le "lacks `SYS_EPOLL_PWAIT` on mips64le"
			SYS_EPOLL_PWAIT
}

var _ = []interface{}{name, getpid, poller{}.trap, each[int], traps, sized, split}
