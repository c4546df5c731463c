// Minimal hand-written copy for abiport's corpus. Silent: the current mips64le
// declaration, with the blank pad after Events.

package unix

type EpollEvent struct {
	Events uint32
	_      int32
	Fd     int32
	Pad    int32
}

type Timespec struct {
	Sec  int64
	Nsec int64
}

// Silent: the same layout as the tables.
type Stat_t struct {
	Dev     uint32
	Pad1    [3]uint32
	Ino     uint64
	Mode    uint32
	Nlink   uint32
	Uid     uint32
	Gid     uint32
	Rdev    uint32
	Pad2    [3]uint32
	Size    int64
	Atim    Timespec
	Mtim    Timespec
	Ctim    Timespec
	Blksize uint32
	Pad4    uint32
	Blocks  int64
}
