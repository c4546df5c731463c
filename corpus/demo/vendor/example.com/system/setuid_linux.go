// +build linux,amd64 linux,arm64 linux,ppc64le linux,s390x

package system

import "syscall"

// Setuid sets the user id of the calling thread's process.
func Setuid(uid int) error {
	_, _, errno := syscall.RawSyscall(syscall.SYS_SETUID, uintptr(uid), 0, 0)
	if errno != 0 {
		return errno
	}
	return nil
}
