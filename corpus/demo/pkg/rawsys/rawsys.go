// Package rawsys talks to the kernel directly, the way code first written for x86-64
// often does: constants and syscall numbers copied as literals, a hand-rolled
// epoll_event, a raw fstat into Go's Stat_t. It builds for every arch and misbehaves on
// mips64le (see abiport's rules syscall-number-literal, arch-constant-literal,
// kernel-struct-mirror and raw-syscall-abi).
package rawsys

import (
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// sockStream is SOCK_STREAM as x86-64 numbers it; on MIPS 1 is SOCK_DGRAM.
const sockStream = 1

// ControlPair opens the agent's control channel: a connected stream socket pair.
func ControlPair() ([2]int, error) {
	return syscall.Socketpair(syscall.AF_UNIX, sockStream, 0)
}

// sysGettid is gettid's number in x86-64's table (5178 on mips64le).
const sysGettid = 186

// Gettid returns the calling thread's id through x86-64's syscall number for gettid.
func Gettid() int {
	tid, _, _ := syscall.RawSyscall(sysGettid, 0, 0, 0)
	return int(tid)
}

// event is x86-64's packed struct epoll_event.
type event struct {
	Events uint32
	Fd     int32
	Pad    int32
}

// Watch adds fd to the epoll instance for readability.
func Watch(epfd, fd int) error {
	ev := event{Events: unix.EPOLLIN, Fd: int32(fd)}
	_, _, errno := unix.Syscall6(unix.SYS_EPOLL_CTL, uintptr(epfd), unix.EPOLL_CTL_ADD,
		uintptr(fd), uintptr(unsafe.Pointer(&ev)), 0, 0)
	if errno != 0 {
		return errno
	}
	return nil
}

// Size returns a file's size with a raw fstat.
func Size(fd int) (int64, error) {
	var st unix.Stat_t
	_, _, errno := unix.Syscall(unix.SYS_FSTAT, uintptr(fd), uintptr(unsafe.Pointer(&st)), 0)
	if errno != 0 {
		return 0, errno
	}
	return st.Size, nil
}
