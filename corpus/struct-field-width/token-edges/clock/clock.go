// Package clock defines a type over a table struct, used by its importer.
package clock

import "golang.org/x/sys/unix"

// Stamp has unix.Timespec's fields.
type Stamp unix.Timespec

// Reading holds a table struct: a value of it brings one to its importer.
type Reading struct {
	At unix.Timespec
}

// Read hands out a Reading: its callers name neither it nor the table struct.
func Read() Reading {
	var r Reading
	unix.ClockGettime(unix.CLOCK_REALTIME, &r.At)
	return r
}

// Clock hands out a table struct from a method.
type Clock struct{}

// New returns a Clock.
func New() *Clock { return &Clock{} }

// Now returns the time.
func (*Clock) Now() unix.Timespec {
	var t unix.Timespec
	unix.ClockGettime(unix.CLOCK_REALTIME, &t)
	return t
}

// Sec counts seconds: a type named like a field whose type differs by arch.
type Sec int64
