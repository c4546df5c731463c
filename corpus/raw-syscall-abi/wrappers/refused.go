package wrappers

import (
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The path is a *byte: Stat takes the Go string, which the call does not show.
func StatPath(path string) (syscall.Stat_t, error) {
	var st syscall.Stat_t
	p, err := syscall.BytePtrFromString(path)
	if err != nil {
		return st, err
	}
	_, _, e := syscall.Syscall(syscall.SYS_STAT, uintptr(unsafe.Pointer(p)), uintptr(unsafe.Pointer(&st)), 0) // want raw-syscall-abi arches=386,arm,mips,mipsle,mips64,mips64le "raw `SYS_STAT`"
	if e != 0 {
		return st, e
	}
	return st, nil
}

// The errno is declared in the if header, where it cannot be converted.
func CheckFd(fd int) error {
	var st syscall.Stat_t
	if _, _, e := syscall.Syscall(syscall.SYS_FSTAT, uintptr(fd), uintptr(unsafe.Pointer(&st)), 0); e != 0 { // want raw-syscall-abi arches=386,arm,mips,mipsle,mips64,mips64le "raw `SYS_FSTAT` into `(syscall|unix).Stat_t`"
		return e
	}
	return nil
}

// Assigned, not declared: e's type is not known here.
func Assigned(fd int) (e syscall.Errno) {
	var st syscall.Stat_t
	_, _, e = syscall.Syscall(syscall.SYS_FSTAT, uintptr(fd), uintptr(unsafe.Pointer(&st)), 0) // want raw-syscall-abi arches=386,arm,mips,mipsle,mips64,mips64le "raw `SYS_FSTAT` into `(syscall|unix).Stat_t`"
	return e
}

// r1 is read; the wrapper returns only an error.
func R1(fd int) uintptr {
	var st syscall.Stat_t
	r1, _, _ := syscall.Syscall(syscall.SYS_FSTAT, uintptr(fd), uintptr(unsafe.Pointer(&st)), 0) // want raw-syscall-abi arches=386,arm,mips,mipsle,mips64,mips64le "raw `SYS_FSTAT` into `(syscall|unix).Stat_t`"
	return r1
}

// The flags slot is not 0: it would become pipe2's flags.
func PipeFlags(flags int) [2]int32 {
	var p [2]int32
	syscall.RawSyscall(syscall.SYS_PIPE, uintptr(unsafe.Pointer(&p)), uintptr(flags), 0) // want raw-syscall-abi arches=mips,mipsle,mips64,mips64le "raw `SYS_PIPE` returns both fds in registers"
	return p
}

// The results leave the function: pipe2's r1 is 0 where MIPS pipe's is the read fd, so the
// fix is unsafe.
func PipeRegs(p *[2]int32) (uintptr, uintptr, syscall.Errno) {
	return syscall.RawSyscall(syscall.SYS_PIPE, uintptr(unsafe.Pointer(p)), 0, 0) // want raw-syscall-abi arches=mips,mipsle,mips64,mips64le "raw `SYS_PIPE` returns both fds in registers"
}

// Sizes the kernel checks against _NSIG/8, 16 on MIPS: no constant names it.
func Signals(set *[2]uint64, info unsafe.Pointer) {
	syscall.RawSyscall6(syscall.SYS_RT_SIGTIMEDWAIT, uintptr(unsafe.Pointer(set)), uintptr(info), 0, 8, 0, 0) // want raw-syscall-abi arches=mips,mipsle,mips64,mips64le "sigset size `8` for raw `SYS_RT_SIGTIMEDWAIT`"
	unix.RawSyscall6(unix.SYS_SIGNALFD4, ^uintptr(0), uintptr(unsafe.Pointer(set)), 8, 0, 0, 0)               // want raw-syscall-abi arches=mips,mipsle,mips64,mips64le "sigset size `8` for raw `SYS_SIGNALFD4`"
	syscall.RawSyscall6(syscall.SYS_RT_SIGACTION, 10, 0, uintptr(info), 8, 0, 0)                              // want raw-syscall-abi arches=mips,mipsle,mips64,mips64le "sigset size `8` for raw `SYS_RT_SIGACTION`"
	// Silent: rt_sigpending accepts a smaller size.
	syscall.RawSyscall(syscall.SYS_RT_SIGPENDING, uintptr(unsafe.Pointer(set)), 8, 0)
}

// fstatat takes a path too.
func At(dirfd int, p *byte) unix.Stat_t {
	var st unix.Stat_t
	unix.Syscall6(unix.SYS_NEWFSTATAT, uintptr(dirfd), uintptr(unsafe.Pointer(p)), uintptr(unsafe.Pointer(&st)), 0, 0, 0) // want raw-syscall-abi arches=mips64,mips64le "raw `SYS_NEWFSTATAT`"
	return st
}

// The call holds a comment the rewrite would drop.
func Commented(fd int) {
	var st syscall.Stat_t
	syscall.Syscall(syscall.SYS_FSTAT, uintptr(fd), // the fd
		uintptr(unsafe.Pointer(&st)), 0) // want raw-syscall-abi arches=386,arm,mips,mipsle,mips64,mips64le "raw `SYS_FSTAT`"
}
