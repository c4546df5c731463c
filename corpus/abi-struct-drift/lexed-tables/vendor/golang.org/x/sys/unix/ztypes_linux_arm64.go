// Hand-written for abiport's corpus. Dropped unparsed: its structs agree with the arm64
// tables (spelled another way than amd64's: 4-byte Nlink and Blksize, an EpollEvent pad).

package unix

type Iovlen uint64

type Timespec struct {
	Sec  int64
	Nsec int64
}

type Stat_t struct {
	Dev     uint64
	Ino     uint64
	Mode    uint32
	Nlink   uint32
	Uid     uint32
	Gid     uint32
	Rdev    uint64
	_       uint64
	Size    int64
	Blksize int32
	_       int32
	Blocks  int64
	Atim    Timespec
	Mtim    Timespec
	Ctim    Timespec
	_       [2]int32
}

type Statfs_t struct {
	Type    int64
	Bsize   int64
	Blocks  uint64
	Bfree   uint64
	Bavail  uint64
	Files   uint64
	Ffree   uint64
	Fsid    Fsid
	Namelen int64
	Frsize  int64
	Flags   int64
	Spare   [4]int64
}

type EpollEvent struct {
	Events uint32
	_      int32
	Fd     int32
	Pad    int32
}
