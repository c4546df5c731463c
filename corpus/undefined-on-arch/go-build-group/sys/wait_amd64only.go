//go:build amd64

package sys

import "syscall"

// WaitNumber needs `SYS_EPOLL_WAIT`, which arm64, loong64 and riscv64 lack: the fix adds
// only the arches where this file compiles.
func WaitNumber() uintptr { return syscall.SYS_EPOLL_WAIT }
