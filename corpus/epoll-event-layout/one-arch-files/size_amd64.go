// Silent, and dropped unparsed: built for amd64, the reference, alone: no target to
// compare with.

package onearch

import (
	"syscall"
	"unsafe"
)

// packedHere holds on amd64.
func packedHere() bool {
	var ev syscall.EpollEvent
	return unsafe.Sizeof(ev) == 12
}
