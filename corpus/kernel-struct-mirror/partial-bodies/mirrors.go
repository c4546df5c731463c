// Package ksmpartial: the scan parses only the declarations that hold the rule's tokens
// (`Rule::bodies`): a raw call `q.Syscall*` through a table import, every `const` and
// every `type` (struct declarations and constants are read in every scope). Every finding
// below sits in a raw call, beside functions left out of the parse.
package ksmpartial

import (
	"syscall"
	"unsafe"
)

// Silent, and left out of the parse: no raw call, type or constant in it.
func pid() int {
	return syscall.Getpid()
}

// x86-64's packed `struct epoll_event`, its data's length a constant of `sizes` below.
type packed struct {
	Events uint32
	Data   [dataLen]byte
}

// `dataLen` is declared only inside `sizes`, which the layout reads too (constants of
// every scope): held for its `const`.
func sizes() int {
	const dataLen = 8
	return dataLen
}

type poller struct{ fd int }

// A method.
func (p *poller) add(fd int) {
	ev := packed{Events: syscall.EPOLLIN}
	syscall.Syscall6(syscall.SYS_EPOLL_CTL, uintptr(p.fd), syscall.EPOLL_CTL_ADD, uintptr(fd), uintptr(unsafe.Pointer(&ev)), 0, 0) // want kernel-struct-mirror arches=arm,arm64,loong64,mips,mipsle,mips64,mips64le,ppc64,ppc64le,riscv64,s390x "`packed` passed to raw `SYS_EPOLL_CTL` does not match the kernel's `struct epoll_event`"
}

// A closure, with a struct type declared in the function.
func sleeper() func() {
	type timespec struct{ Sec, Nsec int64 }
	return func() {
		ts := timespec{Nsec: 1000}
		syscall.Syscall(syscall.SYS_NANOSLEEP, uintptr(unsafe.Pointer(&ts)), 0, 0) // want kernel-struct-mirror arches=386,arm,mips,mipsle "`timespec` passed to raw `SYS_NANOSLEEP` does not match the kernel's `struct timespec`"
	}
}

// A package-level func literal: its var declaration is held.
var wait = func(epfd int, evs []packed) {
	syscall.Syscall6(syscall.SYS_EPOLL_PWAIT, uintptr(epfd), uintptr(unsafe.Pointer(&evs[0])), uintptr(len(evs)), 0, 0, 0) // want kernel-struct-mirror arches=arm,arm64,loong64,mips,mipsle,mips64,mips64le,ppc64,ppc64le,riscv64,s390x "`packed` passed to raw `SYS_EPOLL_PWAIT`"
}

type timespec32 struct{ Sec, Nsec int32 }

// `init`.
func init() {
	var ts timespec32
	syscall.RawSyscall(syscall.SYS_CLOCK_GETTIME, 1, uintptr(unsafe.Pointer(&ts)), 0) // want kernel-struct-mirror arches=amd64,arm64,loong64,mips64,mips64le,ppc64,ppc64le,riscv64,s390x "`timespec32` passed to raw `SYS_CLOCK_GETTIME` does not match the kernel's `struct timespec`"
}

// Silent: `winsize` is declared twice in the file (here and in `other`), so the layout,
// read from declarations of every scope, is unknown; `other` holds a `type` and is parsed,
// so this stays so in a partial parse.
func size(fd int) {
	type winsize struct{ Row, Col, X, Y uint32 }
	var ws winsize
	syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), syscall.TIOCGWINSZ, uintptr(unsafe.Pointer(&ws)))
}

func other() interface{} {
	type winsize struct{ Row, Col uint16 }
	return winsize{}
}

var _ = []interface{}{pid, sizes, (*poller).add, sleeper, wait, size, other}
