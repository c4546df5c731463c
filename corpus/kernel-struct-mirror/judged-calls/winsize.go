// Package judgedmirrors passes hand-written mirrors of kernel structs to raw syscalls in
// ways the token test must keep for the parse: a trap or a request written as a number
// or a constant of the file, an element's address (written for abiport's corpus). Its other
// files make raw calls the check cannot judge, dropped unparsed.
package judgedmirrors

import (
	"syscall"
	"unsafe"
)

// A winsize mirror with 32-bit fields: the kernel's are 16-bit.
type winsize struct {
	Row, Col, Xpixel, Ypixel uint32
}

const tiocgwinsz = 0x5413

// Size asks for the terminal size with amd64's request number, by a constant.
func Size(fd uintptr) (rows, cols uint32) {
	var ws winsize
	syscall.Syscall(syscall.SYS_IOCTL, fd, tiocgwinsz, uintptr(unsafe.Pointer(&ws))) // want kernel-struct-mirror arches=386,amd64,arm,arm64,loong64,mips,mipsle,mips64,mips64le,ppc64,ppc64le,riscv64,s390x "`winsize` passed to raw `SYS_IOCTL` does not match the kernel's `struct winsize`"
	return ws.Row, ws.Col
}

// Sizes fills the first of many.
func Sizes(fd uintptr, many []winsize) {
	var all [4]winsize
	syscall.Syscall(syscall.SYS_IOCTL, fd, uintptr(syscall.TIOCGWINSZ), uintptr(unsafe.Pointer(&all[0]))) // want kernel-struct-mirror arches=386,amd64,arm,arm64,loong64,mips,mipsle,mips64,mips64le,ppc64,ppc64le,riscv64,s390x "`winsize` passed to raw `SYS_IOCTL`"
	copy(many, all[:])
}

// SizeByNumber makes the ioctl through x86-64's syscall number.
func SizeByNumber(fd uintptr) uint32 {
	var ws winsize
	syscall.Syscall(16, fd, syscall.TIOCGWINSZ, uintptr(unsafe.Pointer(&ws))) // want kernel-struct-mirror arches=386,amd64,arm,arm64,loong64,mips,mipsle,mips64,mips64le,ppc64,ppc64le,riscv64,s390x "`winsize` passed to raw `SYS_IOCTL`"
	return ws.Row
}
