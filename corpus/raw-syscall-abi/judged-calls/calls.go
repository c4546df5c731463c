// Package judgedcalls makes raw syscalls whose convention differs by arch in ways the
// token test must keep for the parse: a sigset size through a constant, a 64-bit offset
// in one word behind a numbered trap (written for abiport's corpus). Its other files make
// raw calls the check cannot judge, dropped unparsed.
package judgedcalls

import (
	"syscall"
	"unsafe"
)

const sigsetSize = 8

// Block blocks the signals of set with x86's sigset size, named by a constant.
func Block(set *[2]uint64) syscall.Errno {
	_, _, e := syscall.RawSyscall6(syscall.SYS_RT_SIGPROCMASK, 0, uintptr(unsafe.Pointer(set)), 0, sigsetSize, 0, 0) // want raw-syscall-abi arches=mips,mipsle,mips64,mips64le "sigset size `sigsetSize` for raw `SYS_RT_SIGPROCMASK` is wrong"
	return e
}

// Pread reads at off through x86-64's pread64 number: one word for the offset.
func Pread(fd int, p []byte, off int64) syscall.Errno {
	_, _, e := syscall.Syscall6(uintptr(17), uintptr(fd), uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)), uintptr(off), 0, 0) // want raw-syscall-abi arches=386,arm,mips,mipsle "raw `SYS_PREAD64` passes 64-bit `offset` as one word"
	return e
}
