// Package wrappers makes raw stat and pipe calls. The fixes of this file call the wrappers
// and leave `unsafe` unused, so they drop its import too.
package wrappers

import (
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// The errno keeps its type and value: the fix declares it and converts the wrapper's error.
func Size(fd int) (int64, syscall.Errno) {
	var st syscall.Stat_t
	_, _, e := syscall.Syscall(syscall.SYS_FSTAT, uintptr(fd), uintptr(unsafe.Pointer(&st)), 0) // want raw-syscall-abi arches=386,arm,mips,mipsle,mips64,mips64le "raw `SYS_FSTAT` into `(syscall|unix).Stat_t`"
	return st.Size, e
}

// unix.Stat_t goes to unix.Fstat, whatever package the raw call used.
func Mode(f uintptr) uint32 {
	var st unix.Stat_t
	syscall.RawSyscall(unix.SYS_FSTAT, f, uintptr(unsafe.Pointer(&st)), 0) // want raw-syscall-abi arches=386,arm,mips,mipsle,mips64,mips64le "raw `SYS_FSTAT` into `(syscall|unix).Stat_t`"
	return st.Mode
}

// Blank results: the statement becomes the call.
func Blocks(fd int32) int64 {
	var st unix.Stat_t
	_, _, _ = unix.Syscall(unix.SYS_FSTAT, uintptr(fd), uintptr(unsafe.Pointer(&st)), 0) // want raw-syscall-abi arches=386,arm,mips,mipsle,mips64,mips64le "raw `SYS_FSTAT` into `(syscall|unix).Stat_t`"
	return st.Blocks
}

// The name err is taken: the wrapper's error gets another.
func Nlink(fd int) (uint64, syscall.Errno) {
	var st syscall.Stat_t
	_, _, err := syscall.Syscall(syscall.SYS_FSTAT, uintptr(fd), uintptr(unsafe.Pointer(&st)), 0) // want raw-syscall-abi arches=386,arm,mips,mipsle,mips64,mips64le "raw `SYS_FSTAT` into `(syscall|unix).Stat_t`"
	return uint64(st.Nlink), err
}
