// Package onearch checks the size of epoll events with the x86 number, in a file built
// for every arch and in files built for one (written for abiport's corpus).
package onearch

import (
	"syscall"
	"unsafe"
)

// Packed tells whether events are the 12-byte x86 ones.
func Packed() bool {
	var ev syscall.EpollEvent
	return unsafe.Sizeof(ev) == 12 // want epoll-event-layout arches=arm,arm64,loong64,mips,mipsle,mips64,mips64le,ppc64,ppc64le,riscv64,s390x "the size of the 12-byte x86 `syscall.EpollEvent`"
}
