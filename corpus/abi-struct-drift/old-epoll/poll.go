// Package oldepoll uses a vendored x/sys whose mips64le files predate the pad field of
// EpollEvent (a hand-written minimal copy of the 2016 declarations).
package oldepoll

import "golang.org/x/sys/unix"

// Event is portable source: the bug is in the vendored declaration, not here (silent).
func Event(fd int) unix.EpollEvent {
	return unix.EpollEvent{Events: 1, Fd: int32(fd)}
}

// Trap uses a syscall number the copy lacks on mips64le.
func Trap() uintptr {
	return unix.SYS_EPOLL_PWAIT // want abi-struct-drift arches=mips64le "the vendored `golang.org/x/sys/unix` lacks `SYS_EPOLL_PWAIT` on mips64le, which the kernel has"
}
