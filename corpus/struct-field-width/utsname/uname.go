// Package utsname reads syscall.Utsname, whose arrays are [65]int8 on amd64 and [65]uint8
// on arm, ppc64, ppc64le, riscv64 and s390x, and passes Stat_t fields to helpers declared in
// other files of the package and in another package of the module.
package utsname

import (
	"syscall"

	"example.com/utsname/util"
)

// Kernel release as a string, with the helper in chars.go taking [65]int8.
func Release() (string, error) {
	var u syscall.Utsname
	if err := syscall.Uname(&u); err != nil {
		return "", err
	}
	return charsToString(u.Release), nil // want struct-field-width arches=arm,ppc64,ppc64le,riscv64,s390x "argument to `charsToString`"
}

// A method of a local type with a named parameter type.
func (c *cache) remember(st *syscall.Stat_t) {
	c.add(st.Dev) // want struct-field-width arches=mips,mipsle,mips64,mips64le "argument to `c.add`"
}

// A function of another package of the module.
func Describe(st *syscall.Stat_t) string {
	return util.Device(st.Rdev) // want struct-field-width arches=mips,mipsle,mips64,mips64le "argument to `util.Device`"
}

// Silent: element-wise conversion adapts on every arch.
func Machine() string {
	var u syscall.Utsname
	_ = syscall.Uname(&u)
	b := make([]byte, 0, len(u.Machine))
	for _, c := range u.Machine {
		if c == 0 { // silent: untyped constant
			break
		}
		b = append(b, byte(c)) // silent: conversion
	}
	return string(b)
}
