// Package unix is a stand-in written for abiport's corpus: a vendored copy of
// golang.org/x/sys/unix whose mips64le syscall numbers predate clone3, as when a
// project vendors an old x/sys and only amd64 and arm64 were regenerated.
package unix

// Syscall is a stand-in for the real raw syscall entry point.
func Syscall(trap, a1, a2, a3 uintptr) (r1, r2 uintptr, err error) {
	return trap, 0, nil
}
