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

func watch(fd int) error {
	epfd, err := syscall.EpollCreate1(0)
	if err != nil {
		return err
	}
	ev := epollEvent{Events: syscall.EPOLLIN}
	*(*int32)(unsafe.Pointer(&ev.Data[0])) = int32(fd)
	_, _, e := syscall.RawSyscall6(syscall.SYS_EPOLL_CTL, uintptr(epfd), syscall.EPOLL_CTL_ADD, uintptr(fd), uintptr(unsafe.Pointer(&ev)), 0, 0)
	if e != 0 {
		return e
	}
	return nil
}
