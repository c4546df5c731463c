// Package edges holds the forms the token prefilter must keep: a renamed import, a
// selector split after its dot, a constant declared inside a function (local.go).
package edges

import (
	sys "syscall"
)

func aliased(pid int) error {
	return sys.Kill(pid, 10) // want arch-constant-literal arches=mips,mipsle,mips64,mips64le "signal `10` is `SIGUSR1`"
}

func split(p string) (int, error) {
	return sys.
		Open(p, 0x800, 0) // want arch-constant-literal arches=mips,mipsle,mips64,mips64le "open flags `0x800` is `O_NONBLOCK`"
}
