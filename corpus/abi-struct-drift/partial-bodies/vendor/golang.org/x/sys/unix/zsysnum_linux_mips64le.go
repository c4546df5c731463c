// Minimal hand-written copy for abiport's corpus: no SYS_EPOLL_PWAIT (silent here).

package unix

const (
	SYS_GETPID = 5038
)
