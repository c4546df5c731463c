// Package handrolled uses a hand-rolled partial copy of x/sys (written for abiport's
// corpus, not taken from x/sys): some drifts have a fix, some rewrites must be refused.
package handrolled

import "golang.org/x/sys/unix"

// Clone3 is portable source: the wrong number is in the vendored mips64le table (silent).
func Clone3() uintptr {
	return unix.SYS_CLONE3
}

// Deadline is portable source (silent).
func Deadline(sec int64) unix.Timespec {
	return unix.NsecToTimespec(sec * 1e9)
}
