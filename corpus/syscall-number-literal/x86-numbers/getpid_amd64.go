package main

import "syscall"

// Silent: this file builds only for amd64, where 39 is getpid.
func getpidAmd64() uintptr {
	pid, _, _ := syscall.RawSyscall(39, 0, 0, 0)
	return pid
}
