package judgedtraps

import (
	"runtime"
	"syscall"
)

// Kept for its table: two entries keyed by arch name tell which syscall it numbers.
var gettidNR = map[string]uintptr{ // want syscall-number-literal arches=386,arm,loong64,mips,mipsle,mips64,mips64le,ppc64,ppc64le,riscv64,s390x "per-arch table of `SYS_GETTID` has no entry for"
	"amd64": 186,
	"arm64": 178,
}

// GettidHere numbers gettid for this arch.
func GettidHere() uintptr {
	if nr, ok := gettidNR[runtime.GOARCH]; ok {
		return nr
	}
	return syscall.SYS_GETTID
}
