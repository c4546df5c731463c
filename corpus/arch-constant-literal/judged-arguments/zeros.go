package judgedargs

import "syscall"

// Silent, and not parsed: the only numbers in judged arguments are zeros, which name no
// signal, flag or request (a probe for a live process, no flags, unused raw arguments).
func alive(pid int) bool {
	return syscall.Kill(pid, syscall.Signal(0)) == nil
}

func dupOver(oldfd, newfd int) error {
	return syscall.Dup3(oldfd, newfd, 0)
}

func tid() int {
	id, _, _ := syscall.RawSyscall(syscall.SYS_GETTID, 0, 0, 0)
	return int(id)
}
