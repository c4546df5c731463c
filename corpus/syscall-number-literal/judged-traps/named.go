// Silent, and dropped unparsed: no trap here is a number the check can compute. A named
// trap is right on every arch, a variable is known at run time, and the check reads
// neither another file's constants nor another package's. The numbers are other
// arguments.

package judgedtraps

import (
	"syscall"

	"example.com/judgedtraps/nums"
)

// Call makes raw calls with traps the caller or other files choose.
func Call(nr uintptr, p []byte) {
	syscall.RawSyscall(nr, 0, 0, 0)
	syscall.RawSyscall(uintptr(syscall.SYS_GETPID), 0, 0, 0)
	syscall.RawSyscall(sysGettid, 0, 0, 0)
	syscall.RawSyscall(nums.Gettid, 0, 0, 0)
	syscall.Syscall(syscall.SYS_WRITE, 2, uintptr(len(p)), 39)
}
