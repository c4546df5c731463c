// +build linux,amd64 linux,arm64 linux,ppc64le linux,s390x

// Package system is a helper whose per-arch list forgot mips64le and riscv64.
package system

import "os"

// Setuid is declared only for the arches the build line lists.
func Setuid(uid int) error {
	if uid < 0 {
		return os.ErrInvalid
	}
	return nil
}

// MaxUID is declared for the same arches.
const MaxUID = 1 << 31
