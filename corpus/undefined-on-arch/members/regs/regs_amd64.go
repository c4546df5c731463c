package regs

import "syscall"

// Silent: this file builds for amd64 only, where Rip exists.
func ip(r *syscall.PtraceRegs) uint64 { return r.Rip }

var _ = ip
