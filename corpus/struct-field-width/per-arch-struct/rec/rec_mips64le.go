// Package rec declares a struct per arch, as cgo -godefs output does: its `Sec` is 32
// bits wide on mips64le only. No table struct's `Sec` differs between amd64 and
// mips64le, so only the tree's declarations tell that this one does.
package rec

import "golang.org/x/sys/unix"

type Rec struct {
	Sec  int32
	Nsec func() int32
}

// Pid keeps the package an importer of x/sys, whose types abiport reads.
func Pid() int { return unix.Getpid() }

// Wrap embeds another struct per arch: its promoted `Nsec` differs.
type Wrap struct{ small }

// Clock is declared per arch too, with no Sec.
type Clock struct{ Ticks int32 }

// Event is declared per arch too; only its padding differs.
type Event struct {
	Events uint32
	_      int32
	Fd     int32
}
