package wrappers

import "syscall"

import "unsafe"

// A lone import declaration of unsafe goes with its blank line.
func Stat(fd int) (st syscall.Stat_t) {
	syscall.Syscall(syscall.SYS_FSTAT, uintptr(fd), uintptr(unsafe.Pointer(&st)), 0) // want raw-syscall-abi arches=386,arm,mips,mipsle,mips64,mips64le "raw `SYS_FSTAT` into `(syscall|unix).Stat_t`"
	return st
}
