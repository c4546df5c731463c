package edges

import "syscall"

// Silent: this file builds only for the reference arch, where 10 is SIGUSR1.
func onlyHere(pid int) error {
	return syscall.Kill(pid, 10)
}
