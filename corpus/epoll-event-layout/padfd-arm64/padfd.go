// Package padfd was written against arm64's x/sys, where the pad after `Events` is the
// exported field `PadFd`; mips64le, riscv64 and others call it `_`, and x86 has none.
package padfd

import "golang.org/x/sys/unix"

// Event builds an event naming the pad.
func Event(fd int) unix.EpollEvent {
	return unix.EpollEvent{
		Events: unix.EPOLLIN,
		PadFd:  0, // want epoll-event-layout arches=386,amd64,loong64,mips64,mips64le,ppc64,ppc64le,riscv64,s390x "field `PadFd` of `unix.EpollEvent` does not exist on"
		Fd:     int32(fd),
	}
}

// Clear resets the pad by name.
func Clear(ev *unix.EpollEvent) {
	ev.PadFd = 0 // want epoll-event-layout arches=386,amd64,loong64,mips64,mips64le,ppc64,ppc64le,riscv64,s390x "`ev.PadFd`: `unix.EpollEvent` has no field `PadFd` on"
}

// Positional with four values: three fields on x86, an unexported pad elsewhere.
func Positional(fd int) unix.EpollEvent {
	return unix.EpollEvent{unix.EPOLLIN, 0, int32(fd), 0} // want epoll-event-layout arches=386,amd64,loong64,mips64,mips64le,ppc64,ppc64le,riscv64,s390x "gives 4 values; the struct has 3 fields on 386, amd64 and an unexported pad field on"
}

// Silent: the portable fields exist on every arch.
func Fd(ev *unix.EpollEvent) int32 { return ev.Fd + ev.Pad }
