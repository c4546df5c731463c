// Package system wraps a few process-level calls.
package system

import "os"

// Getpid builds everywhere.
func Getpid() int { return os.Getpid() }
