// Package user imports the cgo-sensitive dev package, so it is judged under both
// settings; its own break is the same under each and is reported once.
package user

import (
	"syscall"

	"example.com/cgowidth/dev"
)

func MajorOf(path string) (uint32, error) {
	var st syscall.Stat_t
	if err := syscall.Stat(path, &st); err != nil {
		return 0, err
	}
	var d uint64 = st.Rdev // want struct-field-width arches=mips,mipsle,mips64,mips64le cgo=both
	return dev.Major(d), nil
}
