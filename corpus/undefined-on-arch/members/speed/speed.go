// Package speed reads baud rates through another package's helper.
package speed

import (
	"syscall"

	"example.com/members/term"
)

// The helper's result is a syscall.Termios, which the file never names.
func In() uint32 {
	_ = syscall.Getpid()
	return term.Current().Ispeed // want undefined-on-arch arches=mips,mipsle,mips64,mips64le "`term.Current\(\).Ispeed`"
}

// line is the tree's own struct: its Ispeed is there on every arch.
type line struct {
	Ispeed uint32
}
