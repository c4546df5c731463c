// Package regs reads a tracee's program counter.
package regs

import "syscall"

// PC through the method: loong64's syscall.PtraceRegs has none.
func PC(r *syscall.PtraceRegs) uint64 {
	return r.PC() // want undefined-on-arch arches=loong64 "`r.PC` is undefined on loong64: `syscall.PtraceRegs` has no field or method `PC` there"
}

// IP reads x86-64's register by name in a file that builds everywhere.
func IP(r *syscall.PtraceRegs) uint64 {
	return r.Rip // want undefined-on-arch arches=386,arm,arm64,loong64,mips,mipsle,mips64,mips64le,ppc64,ppc64le,riscv64,s390x "`r.Rip`"
}
