package main

import (
	"syscall"
	"unsafe"
)

// One word per 64-bit argument: 32-bit arches need two (and an even register pair on mips).
func advise(fd int, off, n int64) syscall.Errno {
	_, _, e := syscall.Syscall6(syscall.SYS_FADVISE64, uintptr(fd), uintptr(off), uintptr(n), 4, 0, 0) // want raw-syscall-abi arches=386,mips,mipsle "raw `SYS_FADVISE64` passes 64-bit"
	return e
}

// Silent: the offset is already split into two words, as 32-bit arches take it.
func preadSplit(fd int, p []byte, off int64) {
	syscall.Syscall6(syscall.SYS_PREAD64, uintptr(fd), uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)), uintptr(off), uintptr(off>>32), 0)
}

// One word for the offset: wrong where a 64-bit value takes two registers.
func pread(fd int, p []byte, off int64) {
	syscall.Syscall6(syscall.SYS_PREAD64, uintptr(fd), uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)), uintptr(off), 0, 0) // want raw-syscall-abi arches=386,arm,mips,mipsle "raw `SYS_PREAD64` passes 64-bit `offset` as one word"
}

var _ = []interface{}{advise, preadSplit, pread}
