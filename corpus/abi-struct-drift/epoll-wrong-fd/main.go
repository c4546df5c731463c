// Command epollwrongfd waits on a pipe with epoll through raw syscalls, using the
// EpollEvent type and SYS_* numbers of its vendored x/sys copy (a hand-written minimal copy
// for abiport's corpus, with the 2016-style mips64le EpollEvent that lacks the pad after
// Events). Everything compiles; on mips64le the kernel writes 16-byte events with the fd
// at offset 8, the copy reads it at offset 4, and getpid's number is amd64's.
package main

import (
	"fmt"
	"os"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

func main() {
	var p [2]int
	if err := syscall.Pipe2(p[:], syscall.O_CLOEXEC); err != nil {
		fmt.Println("pipe2:", err)
		os.Exit(1)
	}
	epfd, _, errno := syscall.RawSyscall(unix.SYS_EPOLL_CREATE1, syscall.EPOLL_CLOEXEC, 0, 0)
	if errno != 0 {
		fmt.Println("epoll_create1:", errno)
		os.Exit(1)
	}
	ev := unix.EpollEvent{Events: syscall.EPOLLIN, Fd: int32(p[0])}
	_, _, errno = syscall.RawSyscall6(unix.SYS_EPOLL_CTL, epfd, syscall.EPOLL_CTL_ADD,
		uintptr(p[0]), uintptr(unsafe.Pointer(&ev)), 0, 0)
	if errno != 0 {
		fmt.Println("epoll_ctl:", errno)
		os.Exit(1)
	}
	if _, err := syscall.Write(p[1], []byte("x")); err != nil {
		fmt.Println("write:", err)
		os.Exit(1)
	}
	// Room for four events of either size; ask for one, so the kernel writes 16 bytes at most.
	var events [4]unix.EpollEvent
	n, _, errno := syscall.Syscall6(unix.SYS_EPOLL_PWAIT, epfd,
		uintptr(unsafe.Pointer(&events[0])), 1, 1000, 0, 0)
	fmt.Printf("epoll_pwait: n=%d errno=%d\n", n, errno)
	fmt.Printf("vendored EpollEvent: events=%d fd-match=%v\n", events[0].Events, events[0].Fd == int32(p[0]))

	pid, _, errno := syscall.RawSyscall(unix.SYS_GETPID, 0, 0, 0)
	fmt.Printf("vendored SYS_GETPID: match=%v errno=%d\n", int(pid) == os.Getpid(), errno)
}
