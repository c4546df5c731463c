// Command perarchconsts reads its thread id with a raw syscall whose number comes from a
// per-arch constant, and compares it with syscall.Gettid.
package main

import (
	"fmt"
	"syscall"
)

func main() {
	raw, _, errno := syscall.RawSyscall(sysGettid, 0, 0, 0)
	fmt.Printf("raw gettid %d (errno %d), syscall.Gettid %d, same %v\n",
		int(raw), int(errno), syscall.Gettid(), int(raw) == syscall.Gettid())
	fmt.Println(sysGetrandom, sysMembarrier, ioctlGetWinsize, pageSize, uint32(auditArch))
}
