// Command sharedcase names the seccomp arch of the arch it runs on, with cases that give
// one value to two arches: the fix moves the wrong arch's label to a case of its own, so
// the other arch keeps its value.
package main

import (
	"fmt"
	"runtime"
)

// The wrong arch is the last label.
func scmpArch() string {
	switch runtime.GOARCH {
	case "amd64", "mips64le": // the kernel's x86-64 name
		return "SCMP_ARCH_X86_64" // want arch-keyed-table arches=mips64le "entry for `mips64le` gives `SCMP_ARCH_X86_64`, the libseccomp arch of amd64; mips64le is `SCMP_ARCH_MIPSEL64`"
	case "arm64":
		return "SCMP_ARCH_AARCH64"
	}
	return ""
}

// The wrong arch is the first label, and the case assigns.
func auditArch() uint32 {
	var a uint32
	switch runtime.GOARCH {
	case "mips64le", "amd64":
		a = 0xc000003e // want arch-keyed-table arches=mips64le "entry for `mips64le` gives `AUDIT_ARCH_X86_64`, the audit arch of amd64; mips64le is `AUDIT_ARCH_MIPSEL64`"
	case "arm64":
		a = 0xc00000b7
	default:
		a = 0
	}
	return a
}

// Silent: one case with a right value for both of its arches.
func pageShift() uint {
	switch runtime.GOARCH {
	case "amd64", "mips64le":
		return 12
	}
	return 0
}

func main() {
	fmt.Println(scmpArch(), auditArch(), pageShift())
}
