// Command statpipe makes raw syscalls whose convention differs on MIPS. tests/runtime.rs
// builds it for mips64le and amd64 and compares what it prints.
package main

import (
	"fmt"
	"os"
	"syscall"
	"unsafe"
)

func main() {
	f, err := os.CreateTemp("", "statpipe")
	if err != nil {
		fmt.Println("tmp:", err)
		return
	}
	defer os.Remove(f.Name())
	f.Write(make([]byte, 10000))
	fd := f.Fd()

	var raw syscall.Stat_t
	syscall.Syscall(syscall.SYS_FSTAT, fd, uintptr(unsafe.Pointer(&raw)), 0) // want raw-syscall-abi arches=386,arm,mips,mipsle,mips64,mips64le "raw `SYS_FSTAT` into `syscall.Stat_t` reads the wrong layout"
	var good syscall.Stat_t
	syscall.Fstat(int(fd), &good) // silent: the wrapper converts
	fmt.Printf("fstat: size-match=%v blksize-match=%v blocks-match=%v\n",
		raw.Size == good.Size, raw.Blksize == good.Blksize, raw.Blocks == good.Blocks)

	p := [2]int32{-1, -1}
	_, _, e := syscall.RawSyscall(syscall.SYS_PIPE, uintptr(unsafe.Pointer(&p)), 0, 0) // want raw-syscall-abi arches=mips,mipsle,mips64,mips64le "raw `SYS_PIPE` returns both fds in registers"
	fmt.Printf("pipe: errno=%d array-filled=%v\n", int(e), p[0] >= 0 && p[1] >= 0)
	// Where MIPS puts the fds: reading r1/r2 makes the pipe2 fix unsafe, so it stays.
	p = [2]int32{-1, -1}
	r1, r2, _ := syscall.RawSyscall(syscall.SYS_PIPE, uintptr(unsafe.Pointer(&p)), 0, 0) // want raw-syscall-abi arches=mips,mipsle,mips64,mips64le "raw `SYS_PIPE` returns both fds in registers"
	fmt.Printf("pipe registers: fds-in-r1-r2=%v\n", r1 > 2 && r2 > 2)

	var set [2]uint64
	_, _, e = syscall.RawSyscall6(syscall.SYS_RT_SIGPROCMASK, 0, 0, uintptr(unsafe.Pointer(&set)), 8, 0, 0) // want raw-syscall-abi arches=mips,mipsle,mips64,mips64le "sigset size `8` for raw `SYS_RT_SIGPROCMASK` is wrong"
	fmt.Printf("rt_sigprocmask(8): errno=%d\n", int(e))

	// Silent: a size computed from the type is not a literal.
	syscall.RawSyscall6(syscall.SYS_RT_SIGPROCMASK, 0, 0, uintptr(unsafe.Pointer(&set)), unsafe.Sizeof(set[0]), 0, 0)
	// Silent: pipe2 writes the array on every arch.
	var q [2]int32
	syscall.RawSyscall(syscall.SYS_PIPE2, uintptr(unsafe.Pointer(&q)), 0, 0)
	// Silent: 8 here is a byte count.
	syscall.Syscall(syscall.SYS_WRITE, fd, uintptr(unsafe.Pointer(&set)), 8)
}
