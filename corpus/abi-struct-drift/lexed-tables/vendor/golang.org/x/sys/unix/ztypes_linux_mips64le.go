// Hand-written for abiport's corpus: the x86 EpollEvent copied for mips64le (parsed).

package unix

type Timespec struct {
	Sec  int64
	Nsec int64
}

type EpollEvent struct { // want abi-struct-drift arches=mips64le "vendored `unix.EpollEvent` for mips64le is 12 bytes, not 16"
	Events uint32
	Fd     int32
	Pad    int32
}
