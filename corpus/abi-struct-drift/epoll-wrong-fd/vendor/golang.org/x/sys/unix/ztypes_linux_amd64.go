// Hand-written for abiport's corpus. Silent: the amd64 layout is right (the kernel's
// epoll_event is packed on x86-64).

package unix

type EpollEvent struct {
	Events uint32
	Fd     int32
	Pad    int32
}
