// Hand-written for abiport's corpus: the pad after Events has the copy's own name and the
// trailing Pad is missing. The fix adds Pad and keeps X_pad (same offset and size as the
// tables' PadFd).

package unix

type EpollEvent struct { // want abi-struct-drift arches=arm64 "vendored `unix.EpollEvent` for arm64 is 12 bytes, not 16"
	Events uint32
	X_pad  int32 // the kernel's padding
	Fd     int32
}
