// Package devices reads device numbers and watches files the way a node agent does; both
// bugs here were written for amd64 and break on mips64le.
package devices

import (
	"golang.org/x/sys/unix"
)

// MajorMinor returns the device numbers of a device node. `Stat_t.Rdev` is uint32 on
// mips64le, so the local `rdev` cannot be passed to `unix.Major(uint64)`.
func MajorMinor(path string) (uint32, uint32, error) {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return 0, 0, err
	}
	rdev := st.Rdev
	return unix.Major(rdev), unix.Minor(rdev), nil
}

// Watch registers fd for input with a positional EpollEvent literal: three values fit the
// packed x86 struct, but mips64le's EpollEvent has a pad field after Events.
func Watch(epfd, fd int) error {
	ev := unix.EpollEvent{unix.EPOLLIN, int32(fd), 0}
	return unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, fd, &ev)
}
