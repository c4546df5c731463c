// Silent, and dropped unparsed: the raw calls here pass no mirror the check can judge: a
// request chosen at run time, a pointer that is no `&x`, a write of bytes.

package judgedmirrors

import (
	"syscall"
	"unsafe"
)

type request struct {
	Name [16]byte
	Data uintptr
}

// Ioctl makes the request req with r.
func Ioctl(fd, req uintptr, r *request) {
	var local request
	syscall.Syscall(syscall.SYS_IOCTL, fd, req, uintptr(unsafe.Pointer(&local)))
	syscall.Syscall(syscall.SYS_IOCTL, fd, syscall.TIOCGWINSZ, uintptr(unsafe.Pointer(r)))
	syscall.Syscall(syscall.SYS_WRITE, fd, uintptr(unsafe.Pointer(&local)), unsafe.Sizeof(local))
}
