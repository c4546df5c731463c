//go:build linux && cgo

// Package loop reads device numbers; with cgo (a native build on the target) it takes
// this file, whose Rdev use breaks where Stat_t.Rdev is 32 bits wide.
package loop

/*
#include <sys/types.h>
*/
import "C"

import "syscall"

// Info mirrors what the cgo path reports.
type Info struct {
	Dev  uint64
	Size C.off_t
}

func infoOf(path string) (Info, error) {
	var st syscall.Stat_t
	if err := syscall.Stat(path, &st); err != nil {
		return Info{}, err
	}
	var i Info
	i.Dev = st.Rdev // want struct-field-width arches=mips,mipsle,mips64,mips64le cgo=on
	return i, nil
}

// Device is the package's entry point on both paths.
func Device(path string) (uint64, error) {
	i, err := infoOf(path)
	return i.Dev, err
}
