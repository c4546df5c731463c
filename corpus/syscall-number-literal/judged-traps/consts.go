package judgedtraps

import "syscall"

// Kept for its constant alone: named after a syscall, with x86-64's number.
const _SYS_GETTID = 186 // want syscall-number-literal arches=386,arm,arm64,loong64,mips,mipsle,mips64,mips64le,ppc64,ppc64le,riscv64,s390x "`_SYS_GETTID` is amd64's number 186"

// Silent: a name no syscall has.
const SYS_OWN_CALL = 7

// Tid is this thread's id.
func Tid() int {
	return syscall.Gettid()
}
