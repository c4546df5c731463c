//go:build mips64 || mips64le

package main

import "syscall"

// An x86-64 number in a file only for mips64: no n64 syscall has it.
func gettidMips64() uintptr {
	tid, _, _ := syscall.RawSyscall(186, 0, 0, 0) // want syscall-number-literal arches=mips64,mips64le "syscall number `186` is no syscall on mips64, mips64le"
	return tid
}
