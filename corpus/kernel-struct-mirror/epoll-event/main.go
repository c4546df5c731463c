// Command epollmirror registers and waits for a pipe with raw epoll syscalls through an
// epoll_event mirror copied from x86-64 (12 bytes, packed). tests/runtime.rs builds it for
// mips64le and amd64 and compares what it prints.
package main

import (
	"fmt"
	"syscall"
	"unsafe"
)

// x86-64's packed `struct epoll_event`.
type epollEvent struct {
	Events uint32
	Fd     int32
	Pad    int32
}

func main() {
	epfd, err := syscall.EpollCreate1(0)
	if err != nil {
		fmt.Println("epoll_create1:", err)
		return
	}
	var p [2]int
	if err := syscall.Pipe(p[:]); err != nil {
		fmt.Println("pipe:", err)
		return
	}
	syscall.Write(p[1], []byte("x"))

	ev := epollEvent{Events: syscall.EPOLLIN, Fd: int32(p[0])}
	_, _, e := syscall.RawSyscall6(syscall.SYS_EPOLL_CTL, uintptr(epfd), syscall.EPOLL_CTL_ADD, uintptr(p[0]), uintptr(unsafe.Pointer(&ev)), 0, 0) // want kernel-struct-mirror arches=arm,arm64,loong64,mips,mipsle,mips64,mips64le,ppc64,ppc64le,riscv64,s390x "`epollEvent` passed to raw `SYS_EPOLL_CTL` does not match the kernel's `struct epoll_event`"
	if e != 0 {
		fmt.Println("epoll_ctl:", e)
		return
	}
	var out [4]epollEvent
	n, _, e := syscall.Syscall6(syscall.SYS_EPOLL_PWAIT, uintptr(epfd), uintptr(unsafe.Pointer(&out[0])), uintptr(len(out)), 1000, 0, 0) // want kernel-struct-mirror arches=arm,arm64,loong64,mips,mipsle,mips64,mips64le,ppc64,ppc64le,riscv64,s390x "`epollEvent` passed to raw `SYS_EPOLL_PWAIT`"
	if e != 0 {
		fmt.Println("epoll_pwait:", e)
		return
	}
	fmt.Printf("mirror: events=%d fd-match=%v\n", n, out[0].Fd == int32(p[0]))

	// Silent: the generated type and wrappers have every arch's layout.
	epfd2, _ := syscall.EpollCreate1(0)
	syscall.EpollCtl(epfd2, syscall.EPOLL_CTL_ADD, p[0], &syscall.EpollEvent{Events: syscall.EPOLLIN, Fd: int32(p[0])})
	var good [4]syscall.EpollEvent
	m, _ := syscall.EpollWait(epfd2, good[:], 1000)
	fmt.Printf("syscall.EpollEvent: events=%d fd-match=%v\n", m, good[0].Fd == int32(p[0]))

	// Silent: a struct written to a pipe is bytes, not a kernel struct.
	syscall.Syscall(syscall.SYS_WRITE, uintptr(p[1]), uintptr(unsafe.Pointer(&ev)), unsafe.Sizeof(ev))
}
