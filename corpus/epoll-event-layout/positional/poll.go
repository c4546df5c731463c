// Package epollpos registers fds with EpollEvent literals written for amd64 and makes
// byte-level assumptions of the 12-byte packed x86 event.
package epollpos

import (
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// sizeofEpollEvent mirrors the C struct as seen on x86-64.
const sizeofEpollEvent = 12 // want epoll-event-layout arches=arm,arm64,loong64,mips,mipsle,mips64,mips64le,ppc64,ppc64le,riscv64,s390x "hard-codes the 12-byte x86 `struct epoll_event`; it is 16 bytes on"

// Add registers fd with a positional literal: three values, four fields off x86.
func Add(epfd, fd int) error {
	ev := unix.EpollEvent{unix.EPOLLIN, int32(fd), 0} // want epoll-event-layout arches=arm,arm64,loong64,mips,mipsle,mips64,mips64le,ppc64,ppc64le,riscv64,s390x "positional `unix.EpollEvent` literal gives 3 values; the struct has 4 fields on"
	return unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, fd, &ev)
}

// AddStd does the same with std syscall's type.
func AddStd(epfd, fd int) error {
	ev := &syscall.EpollEvent{syscall.EPOLLIN, int32(fd), 0} // want epoll-event-layout arches=arm,arm64,loong64,mips,mipsle,mips64,mips64le,ppc64,ppc64le,riscv64,s390x "positional `syscall.EpollEvent`"
	return syscall.EpollCtl(epfd, syscall.EPOLL_CTL_ADD, fd, ev)
}

// Raw views of the event assume the packed layout: they compile everywhere and misread
// the fd off x86.
func Raw(ev *unix.EpollEvent) []byte {
	if unsafe.Sizeof(*ev) != 12 { // want epoll-event-layout arches=arm,arm64,loong64,mips,mipsle,mips64,mips64le,ppc64,ppc64le,riscv64,s390x "the size of the 12-byte x86 `unix.EpollEvent`; it is 16 on"
		panic("unexpected epoll_event size")
	}
	if unsafe.Offsetof(ev.Fd) != 4 { // want epoll-event-layout arches=arm,arm64,loong64,mips,mipsle,mips64,mips64le,ppc64,ppc64le,riscv64,s390x "the offset of `Fd` in the 12-byte x86 `unix.EpollEvent`; it is 8 on"
		panic("unexpected fd offset")
	}
	b := (*[12]byte)(unsafe.Pointer(ev)) // want epoll-event-layout arches=arm,arm64,loong64,mips,mipsle,mips64,mips64le,ppc64,ppc64le,riscv64,s390x "views `unix.EpollEvent` as `\[12\]byte`"
	return b[:]
}

// FromBytes reads an event out of a 12-byte buffer.
func FromBytes(buf *[12]byte) *unix.EpollEvent {
	return (*unix.EpollEvent)(unsafe.Pointer(buf)) // want epoll-event-layout arches=arm,arm64,loong64,mips,mipsle,mips64,mips64le,ppc64,ppc64le,riscv64,s390x "views `unix.EpollEvent` as `\[12\]byte`"
}

// Silent: portable ways to build and measure events.
func Portable(epfd, fd int) ([]unix.EpollEvent, error) {
	ev := unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(fd)} // silent: keyed, portable fields
	if err := unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, fd, &ev); err != nil {
		return nil, err
	}
	var zero unix.EpollEvent                            // silent: no literal values
	events := make([]unix.EpollEvent, 8)                // silent: Go computes the stride
	size := int(unsafe.Sizeof(zero)) * len(events)      // silent: no hard-coded size
	_ = unix.EpollEvent{}                               // silent: empty literal
	_ = unsafe.Sizeof(zero) == unsafe.Sizeof(events[0]) // silent: no constant
	ev.Pad = 0                                          // silent: `Pad` exists everywhere
	_ = size
	return events, nil
}
