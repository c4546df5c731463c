// Minimal hand-written copy for abiport's corpus. Silent: current arm64 layout, pad named
// PadFd (compared by offset, not name).

package unix

type EpollEvent struct {
	Events uint32
	PadFd  int32
	Fd     int32
	Pad    int32
}
