// Silent, and dropped unparsed: no type is declared here, so nothing passed can be a
// hand-written mirror (the variable's type comes from another file or package).

package judgedmirrors

import (
	"syscall"
	"unsafe"
)

// Size2 asks for the terminal size into a winsize of the other file.
func Size2(fd uintptr) uint32 {
	var ws winsize
	syscall.Syscall(syscall.SYS_IOCTL, fd, syscall.TIOCGWINSZ, uintptr(unsafe.Pointer(&ws)))
	return ws.Row
}
