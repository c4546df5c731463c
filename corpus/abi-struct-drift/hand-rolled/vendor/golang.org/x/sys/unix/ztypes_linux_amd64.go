// Hand-written for abiport's corpus. Silent: the amd64 layout is right.

package unix

type EpollEvent struct {
	Events uint32
	Fd     int32
	Pad    int32
}
