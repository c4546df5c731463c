// Hand-written for abiport's corpus. Dropped unparsed: its structs agree with the amd64
// tables, through the Timespec beside them and the Fsid of ztypes_linux.go, and the copy
// has a ztypes file for every target.

package unix

type Iovlen uint64

type Timespec struct {
	Sec  int64
	Nsec int64
}

type Stat_t struct {
	Dev     uint64
	Ino     uint64
	Nlink   uint64
	Mode    uint32
	Uid     uint32
	Gid     uint32
	_       int32
	Rdev    uint64
	Size    int64
	Blksize int64
	Blocks  int64
	Atim    Timespec
	Mtim    Timespec
	Ctim    Timespec
	_       [3]int64
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
	Fd     int32
	Pad    int32
}
