package speed

import "syscall"

// Silent, and not parsed: a member some target lacks, selected from a value of the
// tree's own struct, in a file that names nothing leading to a table struct.
func baud(l line) uint32 {
	_ = syscall.Getpid()
	return l.Ispeed
}
