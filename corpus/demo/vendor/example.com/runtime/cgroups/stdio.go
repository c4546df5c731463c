// Package cgroups redirects a process's stdio into a cgroup log.
package cgroups

import (
	"os"
	"syscall"
)

// RedirectStderr points fd 2 at the given file.
func RedirectStderr(f *os.File) error {
	return syscall.Dup2(int(f.Fd()), 2)
}
