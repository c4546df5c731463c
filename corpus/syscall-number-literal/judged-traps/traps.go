// Package judgedtraps makes raw syscalls whose traps only a parse can number: through
// this file's constants, or computed from them (written for abiport's corpus). Its other
// files hold traps and tables the check cannot judge, dropped unparsed.
package judgedtraps

import sc "syscall"

const (
	sysBase   = 38
	sysGettid = 186
)

// Gettid calls gettid through x86-64's number, by a constant, under an import alias.
func Gettid() uintptr {
	tid, _, _ := sc.RawSyscall(uintptr(sysGettid), 0, 0, 0) // want syscall-number-literal arches=386,arm,arm64,loong64,mips,mipsle,mips64,mips64le,ppc64,ppc64le,riscv64,s390x "constant `sysGettid`"
	return tid
}

// Getpid computes x86-64's getpid number, in a call spread over lines.
func Getpid() uintptr {
	pid, _, _ := sc.RawSyscall(
		(sysBase + 1), // want syscall-number-literal arches=386,arm,arm64,loong64,mips,mipsle,mips64,mips64le,ppc64,ppc64le,riscv64,s390x "syscall number `\(sysBase \+ 1\)` \(constant `sysBase`\) is amd64's `SYS_GETPID`"
		0, 0, 0,
	)
	return pid
}
