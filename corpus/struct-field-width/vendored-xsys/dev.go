// Package vendoredxsys takes field types from a vendored copy of x/sys (a hand-written
// minimal one here): what compiles is what the copy declares for each arch, and abiport
// reads those per-arch declarations instead of its tables.
package vendoredxsys

import "golang.org/x/sys/unix"

// Major of a device node: the copy's mips64le Stat_t has a uint32 Rdev.
func Major(st *unix.Stat_t) uint32 {
	rdev := st.Rdev // want struct-field-width arches=mips64le "`rdev` is used as `uint64` at line 11 \(argument to `unix.Major`\)"
	return unix.Major(rdev)
}

// Links: the copy's arm64 and mips64le Stat_t have a uint32 Nlink.
func Links(st *unix.Stat_t) uint64 {
	var n uint64 = st.Nlink // want struct-field-width arches=arm64,mips64le "used as `uint64` \(typed `var`\)"
	return n
}

// Silent: Ino is uint64 in every file of the copy.
func Ino(st *unix.Stat_t) uint64 { return st.Ino }
