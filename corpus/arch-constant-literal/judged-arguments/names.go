package judgedargs

import (
	"syscall"
	"unsafe"
)

// Silent, and not parsed: the judged arguments are named constants, parameters and a
// variable holding a number (only constants are followed); the numbers are in positions
// the rule does not judge (a mode, a protocol, the length a raw write is given).
func signalAll(pids []int, sig syscall.Signal) {
	for _, pid := range pids {
		_ = syscall.Kill(pid, sig)
		_ = syscall.Kill(pid, syscall.SIGUSR1)
	}
	usr1 := 10
	_ = syscall.Kill(pids[0], syscall.Signal(usr1))
}

func create(p string) (int, error) {
	return syscall.Open(p, syscall.O_CREAT|syscall.O_WRONLY, 0o644)
}

func stream() (int, error) {
	return syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
}

func write(fd int, b *byte) {
	syscall.Syscall(syscall.SYS_WRITE, uintptr(fd), uintptr(unsafe.Pointer(b)), 100)
}
