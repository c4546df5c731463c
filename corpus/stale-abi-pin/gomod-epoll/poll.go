// Package poller waits for input with epoll, through a pinned golang.org/x/sys. Silent
// for EpollEvent on riscv64: the pin postdates riscv64's pad fix (9eafafc0a87e).
package poller

import "golang.org/x/sys/unix"

// Open creates the epoll instance.
func Open() (int, error) {
	return unix.EpollCreate(8)
}

// Wait returns the fds with input.
func Wait(epfd int, events []unix.EpollEvent) ([]int32, error) {
	n, err := unix.EpollWait(epfd, events, -1)
	if err != nil {
		return nil, err
	}
	fds := make([]int32, 0, n)
	for _, ev := range events[:n] {
		fds = append(fds, ev.Fd)
	}
	return fds, nil
}
