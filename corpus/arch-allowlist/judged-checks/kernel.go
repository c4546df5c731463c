package main

import (
	"errors"
	"runtime"
	"syscall"
)

// Silent, and not parsed: the table of arch names is looked up where nothing refuses, and
// the function that refuses asks the kernel its release, not its machine.
var pageShift = map[string]uint{"amd64": 12, "ppc64le": 16}

func pageSize() uint {
	return 1 << pageShift[runtime.GOARCH]
}

func requireKernel(want string) error {
	var u syscall.Utsname
	if err := syscall.Uname(&u); err != nil {
		return err
	}
	if release(u.Release[:]) < want {
		return errors.New("kernel too old")
	}
	return nil
}

func release[T int8 | uint8](b []T) string {
	s := make([]byte, 0, len(b))
	for _, c := range b {
		if c == 0 {
			break
		}
		s = append(s, byte(c))
	}
	return string(s)
}
