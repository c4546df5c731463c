// Package term reads terminal settings the way code written on x86-64 does.
package term

import "syscall"

// Speeds returns the baud rates glibc keeps in its termios: Go's syscall.Termios has
// no such fields on MIPS, whose kernel termios ends with the control characters.
func Speeds(t *syscall.Termios) (in, out uint32) {
	in = t.Ispeed  // want undefined-on-arch arches=mips,mipsle,mips64,mips64le "`t.Ispeed` is undefined on mips, mipsle, mips64, mips64le: `syscall.Termios` has no field or method `Ispeed` there"
	out = t.Ospeed // want undefined-on-arch arches=mips,mipsle,mips64,mips64le "`t.Ospeed`"
	return
}

type settings struct {
	termios syscall.Termios
	Ispeed  uint32
}

// Through a field of a local struct; the local struct's own Ispeed is fine everywhere.
func (s *settings) speed() uint32 {
	if s.Ispeed != 0 {
		return s.Ispeed
	}
	return s.termios.Ispeed // want undefined-on-arch arches=mips,mipsle,mips64,mips64le "`s.termios.Ispeed`"
}

// Silent: Iflag exists on every arch.
func Raw(t *syscall.Termios) bool { return t.Iflag == 0 }

// Current hands out a table struct: its callers need not name it.
func Current() *syscall.Termios {
	return new(syscall.Termios)
}
