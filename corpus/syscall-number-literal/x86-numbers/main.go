// Command x86numbers calls getpid through a number copied from x86-64's syscall table.
// tests/runtime.rs builds it for mips64le and amd64 and compares what it prints.
package main

import (
	"fmt"
	"os"
	"syscall"
	"time"
	"unsafe"
)

// The constants themselves are silent: only their use as a trap is judged.
const (
	sysGettid  = 186
	sysGetppid = 110
)

func main() {
	pid, _, errno := syscall.RawSyscall(39, 0, 0, 0) // want syscall-number-literal arches=386,arm,arm64,loong64,mips,mipsle,mips64,mips64le,ppc64,ppc64le,riscv64,s390x "syscall number `39` is amd64's `SYS_GETPID`"
	fmt.Printf("raw39: match=%v errno=%d\n", int(pid) == os.Getpid(), int(errno))

	tid, _, _ := syscall.RawSyscall(uintptr(sysGettid), 0, 0, 0) // want syscall-number-literal arches=386,arm,arm64,loong64,mips,mipsle,mips64,mips64le,ppc64,ppc64le,riscv64,s390x "constant `sysGettid`.*`SYS_GETTID`"
	_ = tid

	ppid, _, _ := syscall.RawSyscall(sysGetppid, 0, 0, 0) // want syscall-number-literal arches=386,arm,arm64,loong64,mips,mipsle,mips64,mips64le,ppc64,ppc64le,riscv64,s390x "syscall number `sysGetppid` is amd64.s `SYS_GETPPID`"
	_ = ppid

	// Silent: sysSetns is 308 only in the amd64 file, the generated constant elsewhere
	// (constants of other files are not evaluated).
	if false {
		syscall.RawSyscall(sysSetns, 0, 0, 0)
	}

	// Silent: the named constant is right on every arch.
	named, _, _ := syscall.RawSyscall(syscall.SYS_GETPID, 0, 0, 0)
	fmt.Printf("named: match=%v\n", int(named) == os.Getpid())

	// Silent: 39 here is a length and a duration, not a trap.
	msg := []byte("a length of 39 bytes here, not a trap.\n")
	syscall.Syscall(syscall.SYS_WRITE, 2, uintptr(unsafe.Pointer(&msg[0])), 39)
	time.Sleep(39)

	// Silent: a trap computed at run time is not a literal.
	nr := uintptr(syscall.SYS_GETPPID)
	syscall.RawSyscall(nr, 0, 0, 0)
}
