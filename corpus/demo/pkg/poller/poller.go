// Package poller waits for fd readiness with raw epoll calls.
package poller

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// Wait blocks until an event arrives on the epoll instance.
func Wait(epfd int, events []unix.EpollEvent, msec int) (int, error) {
	n, _, errno := unix.Syscall6(unix.SYS_EPOLL_WAIT, uintptr(epfd),
		uintptr(unsafe.Pointer(&events[0])), uintptr(len(events)), uintptr(msec), 0, 0)
	if errno != 0 {
		return 0, errno
	}
	return int(n), nil
}

// Create uses the wrapper, which exists on every arch.
func Create() (int, error) { return unix.EpollCreate1(unix.EPOLL_CLOEXEC) }
