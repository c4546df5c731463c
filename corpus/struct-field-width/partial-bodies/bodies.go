package partialbodies

import "golang.org/x/sys/unix"

// The scan parses only the functions that hold the rule's tokens (`Rule::bodies`);
// every finding below sits in one, and the rest of the file is read from the
// declarations: signatures, package-level vars and types.

// Silent, and left out of the parse: no varying field in it.
func stat(path string) (*unix.Stat_t, error) {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return nil, err
	}
	return &st, nil
}

type device struct{ rdev uint64 }

// A method: the demanded type is its result's.
func (d *device) of(st *unix.Stat_t) uint64 {
	return st.Rdev // want struct-field-width "used as `uint64` \(return\)"
}

// A package-level func literal sits in a var declaration, which is always parsed.
var devOf = func(st *unix.Stat_t) uint64 {
	return st.Dev // want struct-field-width "used as `uint64` \(return\)"
}

// A closure: its locals are its function's.
func links(path string) uint64 {
	count := func(st *unix.Stat_t) uint64 {
		var n uint64 = st.Nlink // want struct-field-width "used as `uint64` \(typed `var`\)"
		return n
	}
	st, err := stat(path)
	if err != nil {
		return 0
	}
	return count(st)
}

// A generic function, and a value flowing through a local into another function's
// parameter (that function's body is not parsed: its signature is a declaration).
func first[T any](xs []T, st *unix.Stat_t) T {
	size := st.Blksize // want struct-field-width "`size` is used as `int64` at line 47 \(argument to `record`\)"
	record(size)
	return xs[0]
}

func record(n int64) {
	total += n
}

var total int64

// init and a label.
func init() {
	st, err := stat("/")
	if err != nil {
		return
	}
retry:
	for {
		var d device
		d.rdev = st.Rdev // want struct-field-width "used as `uint64` \(assignment\)"
		if d.rdev == 0 {
			continue retry
		}
		break
	}
}

// A package-level literal: the declaration holding it is parsed whole (the rest of the
// file is read from declarations too: `lengths`' value is left out, and silent).
var epoch = unix.Timespec{Sec: start} // want struct-field-width "field `Sec` of `unix.Timespec` is `int32`"

var start int64 = 1

var lengths = map[string]int{"a": 1, "b": 2}
