package wrappers

import (
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// r1 and r2 are blank in the if header: pipe2 is safe.
func PipeHeader() ([2]int32, error) {
	var p [2]int32
	if _, _, e := syscall.RawSyscall(syscall.SYS_PIPE, uintptr(unsafe.Pointer(&p)), 0, 0); e != 0 { // want raw-syscall-abi arches=mips,mipsle,mips64,mips64le "raw `SYS_PIPE` returns both fds in registers"
		return p, e
	}
	return p, nil
}

const noFlags = 0

// The flags slot is a constant 0; the results are dropped.
func PipeStmt(p *[2]int32) {
	unix.RawSyscallNoError(unix.SYS_PIPE, uintptr(unsafe.Pointer(p)), noFlags, 0) // want raw-syscall-abi arches=mips,mipsle,mips64,mips64le "raw `SYS_PIPE` returns both fds in registers"
}
