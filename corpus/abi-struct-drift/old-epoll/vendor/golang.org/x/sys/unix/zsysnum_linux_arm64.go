// Minimal hand-written copy for abiport's corpus. Silent: the number is right.

package unix

const (
	SYS_EPOLL_PWAIT = 22
)
