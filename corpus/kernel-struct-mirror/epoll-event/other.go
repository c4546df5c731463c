package main

import (
	"syscall"
	"unsafe"
)

// The generic 16-byte layout is wrong on the arches with x86's packed one.
type event16 struct {
	Events uint32
	_      int32
	Fd     int32
	Pad    int32
}

func add16(epfd, fd int) {
	ev := event16{Events: syscall.EPOLLIN, Fd: int32(fd)}
	syscall.Syscall6(syscall.SYS_EPOLL_CTL, uintptr(epfd), syscall.EPOLL_CTL_ADD, uintptr(fd), uintptr(unsafe.Pointer(&ev)), 0, 0) // want kernel-struct-mirror arches=386,amd64 "`event16` passed to raw `SYS_EPOLL_CTL` does not match the kernel.s `struct epoll_event` on 386, amd64"
}

type timespec64 struct{ Sec, Nsec int64 }

// Silent on 64-bit arches; 32-bit arches have an 8-byte timespec for nanosleep.
func nap() {
	ts := timespec64{Nsec: 1000}
	syscall.Syscall(syscall.SYS_NANOSLEEP, uintptr(unsafe.Pointer(&ts)), 0, 0) // want kernel-struct-mirror arches=386,arm,mips,mipsle "`timespec64` passed to raw `SYS_NANOSLEEP`.*`struct timespec`"
}

type timespecWord struct{ Sec, Nsec int }

// Silent: word-sized fields match `timespec` on every arch.
func napWord() {
	ts := timespecWord{Nsec: 1000}
	syscall.Syscall(syscall.SYS_NANOSLEEP, uintptr(unsafe.Pointer(&ts)), 0, 0)
}

type winsize struct{ Row, Col, X, Y uint16 }

// Silent: `struct winsize` is four shorts everywhere.
func size(fd int) winsize {
	var ws winsize
	syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), syscall.TIOCGWINSZ, uintptr(unsafe.Pointer(&ws)))
	return ws
}

var _ = []interface{}{add16, nap, napWord, size}

// x86-64's kernel `struct sigaction`: handler, flags, restorer, mask. MIPS puts `sa_flags`
// first (an unsigned int), so the kernel reads the handler as flags.
type sigactiont struct {
	Handler  uintptr
	Flags    uint64
	Restorer uintptr
	Mask     uint64
}

func dfl(sig int) {
	var sa sigactiont
	syscall.RawSyscall6(syscall.SYS_RT_SIGACTION, uintptr(sig), uintptr(unsafe.Pointer(&sa)), 0, 8, 0, 0) // want kernel-struct-mirror arches=mips64le "`sigactiont` passed to raw `SYS_RT_SIGACTION`"
}

var _ = dfl
