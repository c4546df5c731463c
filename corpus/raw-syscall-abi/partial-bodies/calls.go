// Package rsapartial: the scan parses only the declarations that hold the rule's tokens
// (`Rule::bodies`): a raw call `q.Syscall*` through a table import, and every `const`.
// Every finding below sits in one of them, beside functions left out of the parse.
package rsapartial

import (
	sys "syscall"
	"unsafe"
)

// Silent, and left out of the parse: no raw call in it.
func pid() int {
	return sys.Getpid()
}

type file struct{ fd uintptr }

// A method; the variable's type is read in the same function.
func (f file) stat() sys.Stat_t {
	var st sys.Stat_t
	sys.Syscall(sys.SYS_FSTAT, f.fd, uintptr(unsafe.Pointer(&st)), 0) // want raw-syscall-abi arches=386,arm,mips,mipsle,mips64,mips64le "raw `SYS_FSTAT` into `sys.Stat_t` reads the wrong layout"
	return st
}

// A closure, the selector's `.` on the next line.
func pipe() func() [2]int32 {
	return func() [2]int32 {
		var p [2]int32
		sys.
			RawSyscall(sys.SYS_PIPE, uintptr(unsafe.Pointer(&p)), 0, 0) // want raw-syscall-abi arches=mips,mipsle,mips64,mips64le "raw `SYS_PIPE` returns both fds in registers"
		return p
	}
}

// A package-level func literal: its var declaration is held.
var block = func(set *[2]uint64) sys.Errno {
	_, _, e := sys.RawSyscall6(sys.SYS_RT_SIGPROCMASK, 0, uintptr(unsafe.Pointer(set)), 0, sigsetSize, 0, 0) // want raw-syscall-abi arches=mips,mipsle,mips64,mips64le "sigset size `sigsetSize` for raw `SYS_RT_SIGPROCMASK` is wrong"
	return e
}

// `sigsetSize` is declared only inside `local`, which the scan reads too (constants of
// every scope): held for its `const`, so the size above is known as in a whole parse.
func local() int {
	const sigsetSize, zero = 8, 0
	return sigsetSize + zero
}

// `init`; `zero` is `local`'s constant too.
func init() {
	var buf [8]byte
	sys.Syscall6(sys.SYS_PREAD64, 0, uintptr(unsafe.Pointer(&buf[0])), 8, 0, zero, 0) // want raw-syscall-abi arches=386,arm,mips,mipsle "raw `SYS_PREAD64` passes 64-bit `offset` as one word"
}

// Silent: `words` is declared twice in the file (here and in `two`), so the scan knows no
// value for it; `two` holds a `const` and is parsed, so this stays so in a partial parse.
const words = 0

func two() int {
	const words = 1
	return words
}

func advise(fd int, off int64) {
	sys.Syscall6(sys.SYS_FADVISE64, uintptr(fd), uintptr(off), 4096, 4, words, 0)
}

var _ = []interface{}{pid, file{}.stat, pipe, block, local, two, advise}
