// Package unrelated is full of literals that equal arch-varying constants but sit where no
// such constant is expected: every line is silent except the two marked.
package unrelated

import (
	"os"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Silent: a struct of our own with a `Cc` field is not a termios.
type ring struct{ Cc [32]byte }

func raw(fd int) error {
	t, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return err
	}
	t.Cc[6] = 1 // want arch-constant-literal arches=mips,mipsle,mips64,mips64le,ppc64,ppc64le "termios `Cc` index `6` is `VMIN`"
	t.Cc[unix.VTIME] = 0
	var r ring
	r.Cc[6] = 1 // silent: not a termios
	return unix.IoctlSetTermios(fd, unix.TCSETS, t)
}

func sizes(fd int) {
	buf := make([]byte, 0x5413)                                           // silent: a length
	_ = buf[10]                                                           // silent: an index
	time.Sleep(17 * time.Millisecond)                                     // silent: a duration
	_ = os.Chmod("/tmp/x", 0x800)                                         // silent: a file mode
	_, _ = unix.Open("/tmp/x", unix.O_RDONLY|unix.O_CLOEXEC, 0o644)       // silent: named flags, mode is not a flag
	_, _ = unix.Mmap(-1, 0, 4096, 3, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS) // silent: prot 3 is the same everywhere
	_, _ = unix.Socket(unix.AF_INET, unix.SOCK_STREAM, 6)                 // silent: the protocol is not judged
	_ = unix.SetsockoptInt(fd, unix.IPPROTO_TCP, 1, 1)                    // silent: TCP_NODELAY, not a SOL_SOCKET option
	_ = unix.SetsockoptInt(fd, 6, 2, 1)                                   // silent: level 6 (SOL_TCP) is the same everywhere
	_ = unix.Kill(os.Getpid(), 0)                                         // silent: 0 is never judged
	_ = syscall.Kill(os.Getpid(), 9)                                      // silent: SIGKILL is 9 everywhere
	_ = syscall.Kill(os.Getpid(), syscall.Signal(15))                     // silent: SIGTERM is 15 everywhere
	_, _ = unix.IoctlGetInt(fd, unix.TIOCGPTN)                            // silent: named
	var rl unix.Rlimit
	_ = unix.Getrlimit(unix.RLIMIT_NOFILE, &rl)                      // silent: named
	_, _ = unix.FcntlInt(uintptr(fd), unix.F_SETFL, unix.O_NONBLOCK) // silent: named
	_, _ = unix.FcntlInt(uintptr(fd), unix.F_GETFD, 0)               // silent: F_GETFD is 1 everywhere, 0 never judged
	_ = unix.Setrlimit(7, &rl)                                       // want arch-constant-literal arches=mips,mipsle,mips64,mips64le "rlimit resource `7` is `RLIMIT_NOFILE`"
}

// Silent: names that merely resemble a constant, or constants the same everywhere.
const (
	sockBufSize = 1
	SIGKILL     = 9
	EPOLLIN     = 0x1
	maxSignal   = 10
)

func winsize(fd int) {
	_, _ = unix.IoctlGetWinsize(fd, 0x5413) // want arch-constant-literal arches=mips,mipsle,mips64,mips64le,ppc64,ppc64le "ioctl request `0x5413` is `TIOCGWINSZ` on amd64"
	_ = unix.IoctlFileClone(fd, 3)          // silent: the second argument is an fd, not a request
}
