// Hand-written for abiport's corpus: two drifted structs whose rewrite must be refused.

package unix

// Msghdr: the tables' Iov is a *Iovec, a type this copy does not declare (no fix).
type Msghdr struct { // want abi-struct-drift arches=mips64le "vendored `unix.Msghdr` for mips64le has a 4-byte `Iovlen`, not 8 bytes"
	Name       *byte
	Namelen    uint32
	Iov        uintptr
	Iovlen     uint32
	Control    *byte
	Controllen uint64
	Flags      int32
}

// Stat_t is declared as the tables do, but holds the copy's 8-byte Timespec: rewriting it
// would change nothing; Timespec needs fixing first (no fix).
type Stat_t struct { // want abi-struct-drift arches=mips64le "vendored `unix.Stat_t` for mips64le is 104 bytes, not 128, has a 8-byte `Atim`"
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
