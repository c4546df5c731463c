//go:build 386 || amd64

package main

import (
	"syscall"
	"unsafe"
)

// Silent: x86's packed `struct epoll_event`, 12 bytes with `data` at 4.
type epollEvent struct {
	Events uint32  // EPOLLIN, EPOLLOUT…
	Data   [8]byte // the fd in the first 4 bytes
}

// watch registers fd for reading and waits: the number of events and the first one's fd.
func watch(fd int) (int, int32, error) {
	epfd, err := syscall.EpollCreate1(0)
	if err != nil {
		return 0, 0, err
	}
	ev := epollEvent{Events: syscall.EPOLLIN}
	*(*int32)(unsafe.Pointer(&ev.Data[0])) = int32(fd)
	_, _, e := syscall.RawSyscall6(syscall.SYS_EPOLL_CTL, uintptr(epfd), syscall.EPOLL_CTL_ADD, uintptr(fd), uintptr(unsafe.Pointer(&ev)), 0, 0)
	if e != 0 {
		return 0, 0, e
	}
	var out [4]epollEvent
	n, _, e := syscall.Syscall6(syscall.SYS_EPOLL_PWAIT, uintptr(epfd), uintptr(unsafe.Pointer(&out[0])), uintptr(len(out)), 1000, 0, 0)
	if e != 0 {
		return 0, 0, e
	}
	return int(n), *(*int32)(unsafe.Pointer(&out[0].Data[0])), nil
}
