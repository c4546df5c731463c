// Hand-written for abiport's corpus. Silent: the numbers are right.

package unix

const (
	SYS_GETPID        = 39
	SYS_EPOLL_CTL     = 233
	SYS_EPOLL_PWAIT   = 281
	SYS_EPOLL_CREATE1 = 291
)
