// Command socketsignal uses constants copied from x86-64 as literals. tests/runtime.rs
// builds it for mips64le and amd64 and compares what it prints.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"
)

const _SOCK_STREAM = 1 // want arch-constant-literal arches=mips,mipsle,mips64,mips64le "`_SOCK_STREAM` is amd64's `SOCK_STREAM` \(1\)"

func sockName(t int) string {
	switch t {
	case syscall.SOCK_STREAM:
		return "stream"
	case syscall.SOCK_DGRAM:
		return "datagram"
	}
	return fmt.Sprint(t)
}

func main() {
	fds, err := syscall.Socketpair(syscall.AF_UNIX, 1, 0) // want arch-constant-literal arches=mips,mipsle,mips64,mips64le "socket type `1` is `SOCK_STREAM` on amd64 but `SOCK_DGRAM` on mips, mipsle, mips64, mips64le"
	if err != nil {
		fmt.Println("socketpair:", err)
		return
	}
	typ, _ := syscall.GetsockoptInt(fds[0], syscall.SOL_SOCKET, syscall.SO_TYPE)
	fmt.Printf("socketpair(1): %s\n", sockName(typ))

	err = syscall.SetsockoptInt(fds[0], 1, 2, 1) // want arch-constant-literal arches=mips,mipsle,mips64,mips64le "option level `1` is `SOL_SOCKET`" arch-constant-literal arches=mips,mipsle,mips64,mips64le "socket option `2` is `SO_REUSEADDR` on amd64"
	fmt.Printf("setsockopt(1, 2): %v\n", errText(err))

	var p [2]int
	err = syscall.Pipe2(p[:], 0x800) // want arch-constant-literal arches=mips,mipsle,mips64,mips64le "open flags `0x800` is `O_NONBLOCK` on amd64 but `O_NOCTTY`"
	fmt.Printf("pipe2(0x800): %v\n", errText(err))

	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.Signal(10))                  // want arch-constant-literal arches=mips,mipsle,mips64,mips64le "signal `10` is `SIGUSR1` on amd64 but `SIGBUS`"
	if err := syscall.Kill(os.Getpid(), 10); err != nil { // want arch-constant-literal arches=mips,mipsle,mips64,mips64le "signal `10` is `SIGUSR1`"
		fmt.Println("kill:", err)
	}
	select {
	case s := <-c:
		fmt.Printf("signal 10: %v\n", s)
	case <-time.After(5 * time.Second):
		fmt.Println("signal 10: not delivered")
	}

	// Silent: named constants are right on every arch.
	good, _ := syscall.Socketpair(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	gt, _ := syscall.GetsockoptInt(good[0], syscall.SOL_SOCKET, syscall.SO_TYPE)
	fmt.Printf("socketpair(SOCK_STREAM): %s\n", sockName(gt))
	// Silent: 0 is never judged, and the domain 1 (AF_UNIX) is the same everywhere.
	syscall.Kill(os.Getpid(), 0)
	syscall.Close(good[0])
	if s, err := syscall.Socket(1, syscall.SOCK_DGRAM, 0); err == nil {
		syscall.Close(s)
	}
	// Silent: 10 and 1 here are a duration and a count, not constants.
	time.Sleep(10)
	fmt.Println(1, len(p))
	_ = _SOCK_STREAM
}

func errText(err error) string {
	if err == nil {
		return "ok"
	}
	if e, ok := err.(syscall.Errno); ok {
		return fmt.Sprintf("%v (%d)", e, int(e))
	}
	return err.Error()
}
