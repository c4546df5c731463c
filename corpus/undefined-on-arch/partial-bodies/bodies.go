package uoapartial

import "golang.org/x/sys/unix"

// The scan parses only the functions that hold the rule's tokens (`Rule::bodies`);
// every finding below sits in one, or in a package-level declaration.

// Silent, and left out of the parse: no varying name in it.
func wait(fd int, events []unix.EpollEvent) (int, error) {
	return unix.EpollWait(fd, events, -1)
}

type tracer struct{ pid int }

// A method.
func (t *tracer) waitRaw(fd int) {
	_, _, _ = unix.Syscall6(unix.SYS_EPOLL_WAIT, uintptr(fd), 0, 0, 0, 0, 0) // want undefined-on-arch "`unix.SYS_EPOLL_WAIT` is undefined on arm64, loong64, riscv64"
}

// A package-level func literal sits in a var declaration, which is always parsed.
var pc = func(r *unix.PtraceRegs) uint64 {
	return r.Rip // want undefined-on-arch "`r.Rip` is undefined"
}

// A closure, in a generic function.
func each[T any](xs []T, regs *unix.PtraceRegs) {
	f := func() uint64 { return regs.Rsp } // want undefined-on-arch "`regs.Rsp` is undefined"
	for range xs {
		_ = f()
	}
}

// A name in the signature keeps the body: references are scoped per declaration.
func trap(n [unix.SYS_EPOLL_WAIT]byte) int { // want undefined-on-arch "`unix.SYS_EPOLL_WAIT` is undefined"
	return len(n)
}

func init() {
	_ = unix.SYS_EPOLL_WAIT // want undefined-on-arch "`unix.SYS_EPOLL_WAIT` is undefined"
}
