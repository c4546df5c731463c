package main

import (
	"runtime"
	"syscall"
)

// A const named after a syscall, with the x86-64 number, in a file for every arch.
const _SYS_SETNS = 308 // want syscall-number-literal arches=386,arm,arm64,loong64,mips,mipsle,mips64,mips64le,ppc64,ppc64le,riscv64,s390x "`_SYS_SETNS` is amd64's number 308"

// A hand-kept table: an o32 number under mips64le, and no entry for most arches.
var getpidNR = map[string]uintptr{ // want syscall-number-literal arches=386,arm,loong64,mips,mipsle,mips64,ppc64,riscv64 "per-arch table of `SYS_GETPID` has no entry for"
	"amd64":    39,
	"arm64":    172,
	"ppc64le":  20,
	"s390x":    20,
	"mips64le": 4020, // want syscall-number-literal arches=mips64le "entry for `mips64le` gives `4020`, but `SYS_GETPID` is 5038 on mips64le"
}

// Silent: every listed number is right and `default:` covers the rest.
func gettidNR() uintptr {
	switch runtime.GOARCH {
	case "amd64":
		return 186
	case "arm64", "riscv64", "loong64":
		return 178
	case "mips64", "mips64le":
		return 5178
	default:
		return syscall.SYS_GETTID
	}
}

// Silent: page sizes keyed by arch are not syscall numbers.
var pageSize = map[string]int{
	"amd64":   4096,
	"ppc64le": 65536,
}

// Silent: a single entry is not enough to tell which syscall a table numbers.
var lone = map[string]uintptr{"amd64": 39}

func use() (uintptr, uintptr, int, uintptr, int) {
	return getpidNR[runtime.GOARCH], gettidNR(), pageSize[runtime.GOARCH], lone["amd64"], _SYS_SETNS
}

// A hand-kept ioctl table: the mips64le entry copies amd64's value, and the arches not
// listed fall through to 0.
func tiocgwinsz() uint {
	switch runtime.GOARCH { // want syscall-number-literal arches=386,arm,loong64,mips,mipsle,mips64,ppc64,riscv64,s390x "per-arch table of `TIOCGWINSZ` has no entry for"
	case "amd64", "arm64":
		return 0x5413
	case "ppc64le":
		return 0x40087468
	case "mips64le":
		return 0x5413 // want syscall-number-literal arches=mips64le "entry for `mips64le` gives `0x5413`, but `TIOCGWINSZ` is 0x40087468 on mips64le"
	}
	return 0
}

var _ = tiocgwinsz
