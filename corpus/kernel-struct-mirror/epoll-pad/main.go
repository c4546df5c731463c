// Command epollpad keeps one epoll_event mirror per arch family, as ported code often
// does: x86's packed one is right, the other one forgot the kernel's pad before `data`.
// tests/runtime.rs builds it for mips64le and amd64 and compares what it prints.
package main

import (
	"fmt"
	"syscall"
)

func main() {
	var p [2]int
	if err := syscall.Pipe(p[:]); err != nil {
		fmt.Println("pipe:", err)
		return
	}
	syscall.Write(p[1], []byte("x"))
	n, fd, err := watch(p[0])
	if err != nil {
		fmt.Println("pad:", err)
		return
	}
	fmt.Printf("pad: events=%d fd-match=%v\n", n, fd == int32(p[0]))
}
