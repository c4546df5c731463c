// Hand-written for abiport's corpus: the old-style mips64le declaration without the pad
// after Events (12 bytes; the n64 kernel's struct epoll_event is 16 with data at 8).

package unix

type EpollEvent struct { // want abi-struct-drift arches=mips64le "vendored `unix.EpollEvent` for mips64le is 12 bytes, not 16, has `Fd` at offset 4, not 8"
	Events uint32
	Fd     int32
	Pad    int32
}
