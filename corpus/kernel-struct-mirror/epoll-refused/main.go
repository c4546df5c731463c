// Package epollrefused has 12-byte epoll_event mirrors that the generated type cannot
// replace without breaking the package, and that no one pad fits (amd64 needs none): each
// finding says why it gets no fix.
package epollrefused

import (
	"syscall"
	"unsafe"
)

// Silent: a pointer of unknown type is not judged.
func ctl(epfd, fd int, ev unsafe.Pointer) syscall.Errno {
	_, _, e := syscall.RawSyscall6(syscall.SYS_EPOLL_CTL, uintptr(epfd), syscall.EPOLL_CTL_ADD, uintptr(fd), uintptr(ev), 0, 0)
	return e
}

// Built positionally in literals.go: the generated type has a fourth field on most arches.
type posEvent struct {
	Events uint32
	Fd     int32
	Pad    int32
}

func AddPos(epfd, fd int) {
	var ev posEvent
	ev = newPos(fd)
	syscall.RawSyscall6(syscall.SYS_EPOLL_CTL, uintptr(epfd), syscall.EPOLL_CTL_ADD, uintptr(fd), uintptr(unsafe.Pointer(&ev)), 0, 0) // want kernel-struct-mirror arches=arm,arm64,loong64,mips,mipsle,mips64,mips64le,ppc64,ppc64le,riscv64,s390x "`posEvent` passed to raw `SYS_EPOLL_CTL`"
}

// Its method `PadFd` would clash with `syscall.EpollEvent.PadFd` on arm and mips.
type methEvent struct {
	Events uint32
	Fd     int32
	Pad    int32
}

func (e *methEvent) PadFd() int32 { return e.Pad }

func AddMeth(epfd, fd int) {
	ev := methEvent{Events: syscall.EPOLLIN, Fd: int32(fd)}
	syscall.RawSyscall6(syscall.SYS_EPOLL_CTL, uintptr(epfd), syscall.EPOLL_CTL_ADD, uintptr(fd), uintptr(unsafe.Pointer(&ev)), 0, 0) // want kernel-struct-mirror arches=arm,arm64,loong64,mips,mipsle,mips64,mips64le,ppc64,ppc64le,riscv64,s390x "`methEvent` passed to raw `SYS_EPOLL_CTL`"
}

// Its size is checked against 12.
type sizeEvent struct {
	Events uint32
	Fd     int32
	Pad    int32
}

func AddSize(epfd, fd int) bool {
	var ev sizeEvent
	if unsafe.Sizeof(ev) != 12 {
		return false
	}
	ev.Events, ev.Fd = syscall.EPOLLIN, int32(fd)
	syscall.RawSyscall6(syscall.SYS_EPOLL_CTL, uintptr(epfd), syscall.EPOLL_CTL_ADD, uintptr(fd), uintptr(unsafe.Pointer(&ev)), 0, 0) // want kernel-struct-mirror arches=arm,arm64,loong64,mips,mipsle,mips64,mips64le,ppc64,ppc64le,riscv64,s390x "`sizeEvent` passed to raw `SYS_EPOLL_CTL`"
	return true
}

// Converted from another struct with the same fields.
type convEvent struct {
	Events uint32
	Fd     int32
	Pad    int32
}

type wireEvent struct {
	Events uint32
	Fd     int32
	Pad    int32
}

func AddConv(epfd, fd int, w wireEvent) {
	var ev convEvent
	ev = convEvent(w)
	syscall.RawSyscall6(syscall.SYS_EPOLL_CTL, uintptr(epfd), syscall.EPOLL_CTL_ADD, uintptr(fd), uintptr(unsafe.Pointer(&ev)), 0, 0) // want kernel-struct-mirror arches=arm,arm64,loong64,mips,mipsle,mips64,mips64le,ppc64,ppc64le,riscv64,s390x "`convEvent` passed to raw `SYS_EPOLL_CTL`"
}

// Viewed as the 12 bytes it was.
type viewEvent struct {
	Events uint32
	Fd     int32
	Pad    int32
}

func AddView(epfd, fd int) []byte {
	ev := viewEvent{Events: syscall.EPOLLIN, Fd: int32(fd)}
	syscall.RawSyscall6(syscall.SYS_EPOLL_CTL, uintptr(epfd), syscall.EPOLL_CTL_ADD, uintptr(fd), uintptr(unsafe.Pointer(&ev)), 0, 0) // want kernel-struct-mirror arches=arm,arm64,loong64,mips,mipsle,mips64,mips64le,ppc64,ppc64le,riscv64,s390x "`viewEvent` passed to raw `SYS_EPOLL_CTL`"
	return (*[12]byte)(unsafe.Pointer(&ev))[:]
}

var _ = ctl
