// Package epollreach holds EpollEvent values in functions that never spell the type: they
// reach them through a struct's field and through a helper's result.
package epollreach

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

type poller struct {
	epfd   int
	events []unix.EpollEvent
}

func newEvent(fd int) *unix.EpollEvent {
	return &unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(fd)}
}

// check measures the poller's buffer: the receiver's type brings the events.
func (p *poller) check() {
	if unsafe.Sizeof(p.events[0]) != 12 { // want epoll-event-layout arches=arm,arm64,loong64,mips,mipsle,mips64,mips64le,ppc64,ppc64le,riscv64,s390x "the size of the 12-byte x86 `unix.EpollEvent`; it is 16 on"
		panic("unexpected epoll_event size")
	}
}

// raw views the event a helper returns as the 12 packed bytes.
func raw(fd int) []byte {
	b := (*[12]byte)(unsafe.Pointer(newEvent(fd))) // want epoll-event-layout arches=arm,arm64,loong64,mips,mipsle,mips64,mips64le,ppc64,ppc64le,riscv64,s390x "views `unix.EpollEvent` as `\[12\]byte`"
	return b[:]
}

// A package-level func literal reaches them as a function does.
var sized = func(p *poller) bool {
	return unsafe.Sizeof(p.events[0]) == 12 // want epoll-event-layout arches=arm,arm64,loong64,mips,mipsle,mips64,mips64le,ppc64,ppc64le,riscv64,s390x "the size of the 12-byte x86 `unix.EpollEvent`; it is 16 on"
}

// Silent: the same helper, its event measured the portable way.
func size(fd int) uintptr {
	return unsafe.Sizeof(*newEvent(fd))
}
