// Package term waits for terminal input.
package term

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// WaitReadable waits until fd is readable, with a raw select(2).
func WaitReadable(fd int, tv *unix.Timeval) error {
	var set unix.FdSet
	set.Bits[fd/64] |= 1 << (uint(fd) % 64)
	_, _, errno := unix.Syscall6(unix.SYS_SELECT, uintptr(fd+1),
		uintptr(unsafe.Pointer(&set)), 0, 0, uintptr(unsafe.Pointer(tv)), 0)
	if errno != 0 {
		return errno
	}
	return nil
}
