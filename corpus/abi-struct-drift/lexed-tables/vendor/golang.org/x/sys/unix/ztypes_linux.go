// Hand-written for abiport's corpus. Dropped unparsed: PollFd and Winsize, the checked
// structs it declares, are laid out as the tables lay them out on every arch (from the
// lexed declarations); Fsid is not checked itself, but Statfs_t holds one. Iovec cannot be
// laid out on mips64le, whose files lack its Iovlen: the check gives up there too.

package unix

type Fsid struct {
	Val [2]int32
}

type PollFd struct {
	Fd      int32
	Events  int16
	Revents int16
}

type Winsize struct {
	Row    uint16
	Col    uint16
	Xpixel uint16
	Ypixel uint16
}

type Iovec struct {
	Base *byte
	Len  Iovlen
}
