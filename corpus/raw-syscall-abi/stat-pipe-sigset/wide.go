package main

import "syscall"

// One word per 64-bit argument: 32-bit arches need two (and an even register pair on mips).
func advise(fd int, off, n int64) syscall.Errno {
	_, _, e := syscall.Syscall6(syscall.SYS_FADVISE64, uintptr(fd), uintptr(off), uintptr(n), 4, 0, 0) // want raw-syscall-abi arches=386,mips,mipsle "raw `SYS_FADVISE64` passes 64-bit"
	return e
}

// Silent: ftruncate's length is split into two words, so this is a 32-bit-style call.
func truncSplit(fd int, n int64) {
	syscall.Syscall(syscall.SYS_FTRUNCATE, uintptr(fd), uintptr(n), uintptr(n>>32))
}

var _ = []interface{}{advise, truncSplit}
