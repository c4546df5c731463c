// Package agent registers fds with epoll through a dep-pinned x/sys (GOPATH layout).
package agent

import "golang.org/x/sys/unix"

// Watch adds fd for input.
func Watch(epfd, fd int) error {
	ev := unix.EpollEvent{Events: unix.EPOLLIN, Fd: int32(fd)}
	return unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, fd, &ev)
}
