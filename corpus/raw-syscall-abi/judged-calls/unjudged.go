// Silent, and dropped unparsed: the raw calls here are right on every arch, or pass what
// the check cannot judge: a sigset size computed from the type, a stat buffer of bytes
// (not Go's stat type), a syscall without an arch-dependent convention, a trap chosen at
// run time.

package judgedcalls

import (
	"syscall"
	"unsafe"
)

// Unblock unblocks set, sized by its type.
func Unblock(set *[2]uint64) {
	syscall.RawSyscall6(syscall.SYS_RT_SIGPROCMASK, 1, uintptr(unsafe.Pointer(set)), 0, unsafe.Sizeof(*set), 0, 0)
}

// StatBytes fills buf with the kernel's stat of fd.
func StatBytes(fd int, buf *[256]byte) {
	syscall.Syscall(syscall.SYS_FSTAT, uintptr(fd), uintptr(unsafe.Pointer(&buf[0])), 0)
}

// Write writes p to fd, and calls nr.
func Write(fd int, p []byte, nr uintptr) {
	syscall.Syscall(syscall.SYS_WRITE, uintptr(fd), uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)))
	syscall.Syscall(nr, uintptr(fd), 8, 0)
}
