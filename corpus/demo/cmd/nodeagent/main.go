// Command nodeagent drops privileges and serves events.
package main

import (
	"fmt"
	"os"

	"example.com/nodeagent/pkg/poller"
	"example.com/nodeagent/pkg/term"
	"example.com/runtime/cgroups"
	"example.com/system"
	"golang.org/x/sys/unix"
)

func main() {
	if err := system.Setuid(65534); err != nil {
		fmt.Fprintln(os.Stderr, "setuid:", err)
	}
	_ = cgroups.RedirectStderr(os.Stderr)
	fd, err := poller.Create()
	if err != nil {
		fmt.Fprintln(os.Stderr, "epoll:", err)
		return
	}
	events := make([]unix.EpollEvent, 8)
	n, _ := poller.Wait(fd, events, 0)
	_ = term.WaitReadable(0, &unix.Timeval{Sec: 0})
	fmt.Println("pid", system.Getpid(), "events", n)
}
