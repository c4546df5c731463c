// Package vendored uses epoll with x/sys vendored: silent here.
package vendored

import "golang.org/x/sys/unix"

// Events is a buffer for EpollWait.
var Events = make([]unix.EpollEvent, 8)
