// Package judgedargs passes values to the kernel in the arguments the rule judges: a
// number, a constant of the file, or both or'ed with a named constant.
package judgedargs

import (
	"syscall"
	"unsafe"
)

// Named after nothing the tables know: only the calls reading them are reported.
const (
	reloadSignal = 10
	nonblocking  = 0x800
)

func reload(pid int) error {
	return syscall.Kill(pid, syscall.Signal(reloadSignal)) // want arch-constant-literal arches=mips64le "signal `reloadSignal` is `SIGUSR1` on amd64"
}

func openNonblocking(p string) (int, error) {
	return syscall.Open(p, syscall.O_RDONLY|nonblocking, 0) // want arch-constant-literal arches=mips64le "open flags `nonblocking` is `O_NONBLOCK` on amd64"
}

// A raw ioctl: every argument after the trap is judged.
func pending(fd uintptr) (int, error) {
	var n int32
	_, _, errno := syscall.Syscall(syscall.SYS_IOCTL, fd, 0x541b, uintptr(unsafe.Pointer(&n))) // want arch-constant-literal arches=mips64le "ioctl request `0x541b` is `FIONREAD` on amd64"
	if errno != 0 {
		return 0, errno
	}
	return int(n), nil
}

// The trap through a constant of the file (amd64's ioctl): every argument after it is
// judged.
const sysIoctl = 16

func windowSize(fd uintptr, ws unsafe.Pointer) syscall.Errno {
	_, _, errno := syscall.Syscall(sysIoctl, fd, 0x5413, uintptr(ws)) // want arch-constant-literal arches=mips64le "ioctl request `0x5413` is `TIOCGWINSZ` on amd64"
	return errno
}

// sigprocmask's `how` is judged as 0 too: SIG_BLOCK, 1 on mips.
func block(set *[2]uint32) error {
	_, _, errno := syscall.RawSyscall6(syscall.SYS_RT_SIGPROCMASK, 0, uintptr(unsafe.Pointer(set)), 0, 8, 0, 0) // want arch-constant-literal arches=mips64le "sigprocmask `how` `0` is `SIG_BLOCK` on amd64"
	if errno != 0 {
		return errno
	}
	return nil
}

// The option, after a level named SOL_SOCKET.
func reusePort(fd int) error {
	return syscall.SetsockoptInt(fd, syscall.SOL_SOCKET, 15, 1) // want arch-constant-literal arches=mips64le "socket option `15` is `SO_REUSEPORT` on amd64"
}
