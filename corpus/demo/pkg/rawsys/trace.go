package rawsys

import "syscall"

// x8664Tgkill is tgkill's number in x86-64's table (5225 on mips64le).
const x8664Tgkill = 234

// KickAMD64 signals one thread the way the agent's x86-64 tracer does. Only
// cmd/nodeagent/trace_amd64.go calls it: other arches link it and never run it.
func KickAMD64(pid, tid int, sig syscall.Signal) error {
	// abiport flags the number for every other arch; the reason says why that is fine.
	//abiport:ignore syscall-number-literal -- only trace_amd64.go calls KickAMD64; other arches never run it
	_, _, errno := syscall.RawSyscall(x8664Tgkill, uintptr(pid), uintptr(tid), uintptr(sig))
	if errno != 0 {
		return errno
	}
	return nil
}
