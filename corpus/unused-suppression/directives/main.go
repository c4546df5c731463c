// Command unusedsuppression holds suppressions that accept nothing; `abiport fix` deletes
// them (main.go.golden), and keeps the ones in use.
package main

import "syscall"

func main() {
	// Used: the finding below is accepted, on every arch it breaks on.
	//abiport:ignore arch-constant-literal -- a datagram pair works for this probe too
	a, _ := syscall.Socket(syscall.AF_UNIX, 1, 0)

	// Partly used: syscall-number-literal finds nothing on the next line.
	//abiport:ignore arch-constant-literal,syscall-number-literal -- a datagram pair works here // want unused-suppression "no `syscall-number-literal` finding on line 14"
	b, _ := syscall.Socket(syscall.AF_UNIX, 1, 0)

	// Unused, alone on its line: deleted with its line.
	//abiport:ignore arch-constant-literal -- nothing to accept here // want unused-suppression "no `arch-constant-literal` finding on line 18"
	c, _ := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)

	d, _ := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_DGRAM, 0) //abiport:ignore arch-constant-literal -- trailing // want unused-suppression "on line 20"

	// Limited to an arch: accepted on mips64le only, still reported elsewhere.
	//abiport:ignore arch-constant-literal arch=mips64le -- the mips64le probe is datagram-only
	e, _ := syscall.Socket(syscall.AF_UNIX, 1, 0) // want arch-constant-literal arches=mips,mipsle,mips64

	// Not judged, so silent: the rule did not run.
	//abiport:ignore undefined-on-arch -- undefined-on-arch is not selected for this case
	f, _ := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	_, _, _, _, _, _ = a, b, c, d, e, f
}
