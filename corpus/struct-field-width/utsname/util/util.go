// Package util is silent: it declares helpers around syscall (which is why abiport parses
// it and knows its signatures) and uses no field whose type differs.
package util

import (
	"fmt"
	"syscall"
)

// Device formats a device number.
func Device(dev uint64) string { return fmt.Sprintf("%d:%d", dev>>8, dev&0xff) }

// Lstat wraps syscall.Lstat.
func Lstat(path string) (*syscall.Stat_t, error) {
	var st syscall.Stat_t
	err := syscall.Lstat(path, &st)
	return &st, err
}
