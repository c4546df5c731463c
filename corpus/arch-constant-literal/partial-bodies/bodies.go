// Package aclpartial: the scan parses only the declarations that hold the rule's tokens
// (`Rule::bodies`): a judged call through a table import, a `Cc`, a `const`. Every
// finding below sits in one of them, beside functions left out of the parse.
package aclpartial

import "syscall"

// Silent, and left out of the parse: nothing judged in it.
func pid() int {
	return syscall.Getpid() + len("SIGUSR1")
}

type tracer struct{ pid int }

// A method.
func (t *tracer) stop() error {
	return syscall.Kill(t.pid, 10) // want arch-constant-literal arches=mips,mipsle,mips64,mips64le "signal `10` is `SIGUSR1`"
}

// A closure, in a generic function.
func each[T any](xs []T, p int) {
	f := func() error { return syscall.Kill(p, 12) } // want arch-constant-literal arches=mips,mipsle,mips64,mips64le "signal `12` is `SIGUSR2`"
	for range xs {
		_ = f()
	}
}

// A package-level func literal: its var declaration is held.
var nonblock = func(p []int) error {
	return syscall.Pipe2(p, 0x800) // want arch-constant-literal arches=mips,mipsle,mips64,mips64le "open flags `0x800` is `O_NONBLOCK`"
}

// A termios index, in a function that calls nothing judged: the `Cc` holds it.
func raw(t *syscall.Termios) {
	t.Cc[6] = 1 // want arch-constant-literal arches=mips,mipsle,mips64,mips64le,ppc64,ppc64le "termios `Cc` index `6` is `VMIN`"
}

// Silent: `sigusr` is declared twice in the file (here and in `other`), so the scan,
// which reads constants in every scope, knows no value for it; `other` holds a `const`
// and is parsed, so this stays so in a partial parse.
const sigusr = 10

func other() int {
	const sigusr = 16
	return sigusr
}

func notify(p int) error {
	return syscall.Kill(p, sigusr)
}

// `usr2` is package-level in names.go; this file declares it only inside `usr2Local`,
// which the scan reads too (constants of every scope): held for its `const`.
func usr2Local() int {
	const usr2 = 12
	return usr2
}

func hup(p int) error {
	return syscall.Kill(p, usr2) // want arch-constant-literal arches=mips,mipsle,mips64,mips64le "signal `usr2` is `SIGUSR2`"
}

var _ = []interface{}{pid, each[int], nonblock, raw, other, notify, hup}
