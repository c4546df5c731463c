// +build linux,amd64 linux,arm64 linux,ppc64le linux,s390x linux,mips64

// Package system wraps uid calls; its build list names mips64 but forgot mips64le.
package system

import "os"

// Setuid is declared only for the arches the build line lists.
func Setuid(uid int) error {
	if uid < 0 {
		return os.ErrInvalid
	}
	return nil
}
