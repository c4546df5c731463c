// Command structsizes sizes its raw fstat buffer from a per-arch table.
package main

import (
	"fmt"
	"runtime"
	"syscall"
	"unsafe"
)

// statSize is sizeof(struct stat) per arch, what the raw fstat buffer is allocated with.
var statSize = map[string]int{ // want arch-keyed-table arches=mips64le,riscv64 "per-arch table of the size of `Stat_t` has no entry for mips64le, riscv64: it needs 128 for mips64le, 128 for riscv64"
	"amd64": 144,
	"arm64": 128,
}

// Silent: page sizes are the size of no struct.
var pageSize = map[string]int{"amd64": 4096, "arm64": 65536}

// Silent: a `default:` covers the other arches.
func statBuf() int {
	switch runtime.GOARCH {
	case "amd64":
		return 144
	case "arm64":
		return 128
	default:
		return int(unsafe.Sizeof(syscall.Stat_t{}))
	}
}

func main() {
	fmt.Printf("stat size %d, table %d, same %v\n", unsafe.Sizeof(syscall.Stat_t{}), statSize[runtime.GOARCH],
		statSize[runtime.GOARCH] == int(unsafe.Sizeof(syscall.Stat_t{})))
	fmt.Println(pageSize[runtime.GOARCH], statBuf())
}
