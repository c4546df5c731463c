// Package lexedtables uses a hand-written partial copy of x/sys (written for abiport's
// corpus, not taken from x/sys) whose files mostly agree with the tables: those the
// lexer shows agreeing are not parsed.
package lexedtables

import "golang.org/x/sys/unix"

// Numbers is portable source (silent): every target's copy declares both.
func Numbers() (uintptr, uintptr) {
	return unix.SYS_READ, unix.SYS_WRITE
}
