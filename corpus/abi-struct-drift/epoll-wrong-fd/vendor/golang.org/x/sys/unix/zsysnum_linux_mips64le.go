// Hand-written for abiport's corpus: the n64 epoll numbers, and getpid's copied from amd64.

package unix

const (
	SYS_GETPID        = 39 // want abi-struct-drift arches=mips64le "vendored `unix.SYS_GETPID` for mips64le is 39, the kernel's number is 5038"
	SYS_EPOLL_CTL     = 5208
	SYS_EPOLL_PWAIT   = 5272
	SYS_EPOLL_CREATE1 = 5285
)
