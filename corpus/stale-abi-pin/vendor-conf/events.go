// Package events reads epoll events (docker-style vendor.conf, no vendored copy here).
package events

import "golang.org/x/sys/unix"

// Buffer is what EpollWait fills.
func Buffer() []unix.EpollEvent {
	return make([]unix.EpollEvent, 64)
}
