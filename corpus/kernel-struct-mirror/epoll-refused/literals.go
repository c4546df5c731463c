package epollrefused

import "syscall"

func newPos(fd int) posEvent {
	return posEvent{syscall.EPOLLIN, int32(fd), 0}
}
