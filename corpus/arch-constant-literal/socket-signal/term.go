package main

import (
	"syscall"
	"unsafe"
)

type winsize struct{ Row, Col, X, Y uint16 }

func termSize(fd int) (winsize, syscall.Errno) {
	var ws winsize
	_, _, e := syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), 0x5413, uintptr(unsafe.Pointer(&ws))) // want arch-constant-literal arches=mips,mipsle,mips64,mips64le,ppc64,ppc64le "ioctl request `0x5413` is `TIOCGWINSZ` on amd64"
	return ws, e
}

func rawMode(t *syscall.Termios) {
	t.Cc[6] = 1             // want arch-constant-literal arches=mips,mipsle,mips64,mips64le,ppc64,ppc64le "termios `Cc` index `6` is `VMIN`"
	t.Cc[syscall.VTIME] = 0 // silent: named
	t.Cc[0] = 3             // silent: VINTR is 0 everywhere (and 0 is never judged)
}

func limits() {
	var rl syscall.Rlimit
	syscall.Getrlimit(7, &rl)                     // want arch-constant-literal arches=mips,mipsle,mips64,mips64le "rlimit resource `7` is `RLIMIT_NOFILE`"
	syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl) // silent: named
}

func anon() ([]byte, error) {
	return syscall.Mmap(-1, 0, 4096, syscall.PROT_READ, 0x22) // want arch-constant-literal arches=mips,mipsle,mips64,mips64le "mmap flags `0x22` is `MAP_ANONYMOUS\|MAP_PRIVATE`"
}

func nonblock(fd int) {
	syscall.Syscall(syscall.SYS_FCNTL, uintptr(fd), syscall.F_SETFL, syscall.O_RDWR|0x800) // want arch-constant-literal arches=mips,mipsle,mips64,mips64le "open flags `0x800`"
	syscall.Syscall(syscall.SYS_FCNTL, uintptr(fd), syscall.F_GETFL, 0x800)                // silent: F_GETFL takes no flags
}

var _ = []interface{}{termSize, rawMode, limits, anon, nonblock}
