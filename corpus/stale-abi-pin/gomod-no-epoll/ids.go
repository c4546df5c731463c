// Package ids uses no API the old x/sys gets wrong on any arch: the pin is silent.
package ids

import "golang.org/x/sys/unix"

// Self is the process id. A comment naming unix.EpollWait is no use of it.
func Self() int {
	return unix.Getpid()
}
