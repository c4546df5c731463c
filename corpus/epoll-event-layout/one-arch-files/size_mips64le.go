// Silent, and dropped unparsed: built for mips64le alone, without the reference arch whose
// layout the check compares with.

package onearch

import (
	"syscall"
	"unsafe"
)

// paddedHere holds on mips64le.
func paddedHere() bool {
	var ev syscall.EpollEvent
	return unsafe.Sizeof(ev) == 16
}
