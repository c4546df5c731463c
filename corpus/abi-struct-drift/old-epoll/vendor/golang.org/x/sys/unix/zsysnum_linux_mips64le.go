// Minimal hand-written copy for abiport's corpus: no SYS_EPOLL_PWAIT, and a number
// copied from amd64.

package unix

const (
	SYS_EPOLL_WAIT = 5209 // silent: the mips64 n64 number
	SYS_GETDENTS64 = 217  // want abi-struct-drift arches=mips64le "vendored `unix.SYS_GETDENTS64` for mips64le is 217, the kernel's number is 5308"
)
