// Command epollpad keeps one epoll_event mirror per arch family, as ported code often
// does: x86's packed one is right, the other one forgot the kernel's pad before `data`.
package main

import "fmt"

func main() {
	fmt.Println(watch(0))
}
