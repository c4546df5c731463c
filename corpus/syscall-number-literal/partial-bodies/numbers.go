// Package snlpartial: the scan parses only the declarations that hold the rule's tokens
// (`Rule::bodies`): a raw call `q.Syscall*` through a table import, a GOARCH name in
// quotes (every entry of a per-arch table has one), and every `const`. Every finding
// below sits in one of them, beside functions left out of the parse.
package snlpartial

import (
	"runtime"
	"syscall"
)

// Silent, and left out of the parse: no raw call, arch name or constant in it.
func pid() int {
	return syscall.Getpid()
}

type thread struct{}

// A method: amd64's gettid.
func (thread) id() uintptr {
	tid, _, _ := syscall.RawSyscall(186, 0, 0, 0) // want syscall-number-literal arches=386,arm,arm64,loong64,mips,mipsle,mips64,mips64le,ppc64,ppc64le,riscv64,s390x "syscall number `186` is amd64.s `SYS_GETTID`"
	return tid
}

// A closure, through a constant declared in another function (`names`).
func getppid() func() uintptr {
	return func() uintptr {
		p, _, _ := syscall.
			RawSyscall(sysGetppid, 0, 0, 0) // want syscall-number-literal arches=386,arm,arm64,loong64,mips,mipsle,mips64,mips64le,ppc64,ppc64le,riscv64,s390x "syscall number `sysGetppid` is amd64.s `SYS_GETPPID`"
		return p
	}
}

// `sysGetppid` is declared only inside `names`, which the scan reads too (constants of
// every scope): held for its `const`. So is `_SYS_SETNS`, x86-64's number.
func names() uintptr {
	const sysGetppid = 110
	const _SYS_SETNS = 308 // want syscall-number-literal arches=386,arm,arm64,loong64,mips,mipsle,mips64,mips64le,ppc64,ppc64le,riscv64,s390x "`_SYS_SETNS` is amd64.s number 308"
	return sysGetppid + _SYS_SETNS
}

// A package-level func literal holding a per-arch table: its var declaration is held.
var getpidNR = func() uintptr {
	switch runtime.GOARCH { // want syscall-number-literal arches=386,arm,loong64,mips,mipsle,mips64,ppc64,ppc64le,riscv64,s390x "per-arch table of `SYS_GETPID` has no entry for"
	case "amd64":
		return 39
	case "arm64":
		return 172
	case "mips64le":
		return 4020 // want syscall-number-literal arches=mips64le "entry for `mips64le` gives `4020`, but `SYS_GETPID` is 5038 on mips64le"
	}
	return 0
}

// A map keyed by arch names other than the reference's, in a function holding nothing
// else: its keys hold it.
func tids() map[string]uintptr {
	return map[string]uintptr{ // want syscall-number-literal arches=386,amd64,arm,loong64,mips,mipsle,mips64,ppc64,ppc64le,s390x "per-arch table of `SYS_GETTID` has no entry for"
		"arm64":    178,
		"mips64le": 5178,
		"riscv64":  186, // want syscall-number-literal arches=riscv64 "entry for `riscv64` gives `186`, but `SYS_GETTID` is 178 on riscv64"
	}
}

// Silent: `sysGetpid` is declared twice in the file (here and in `other`), so the scan
// knows no value for it; `other` holds a `const` and is parsed, so this stays so.
const sysGetpid = 39

func other() int {
	const sysGetpid = 20
	return sysGetpid
}

func getpid() uintptr {
	p, _, _ := syscall.RawSyscall(sysGetpid, 0, 0, 0)
	return p
}

var _ = []interface{}{pid, thread{}.id, getppid, names, getpidNR, tids, other, getpid}
