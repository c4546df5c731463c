// Package util is silent: it only declares a helper with a uint64 parameter.
package util

import "fmt"

// Device formats a device number.
func Device(dev uint64) string { return fmt.Sprintf("%d:%d", dev>>8, dev&0xff) }
