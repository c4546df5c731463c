// Command archtokens builds a seccomp filter header for the arch it runs on.
package main

import (
	"fmt"
	"runtime"

	"golang.org/x/sys/unix"
)

// auditArch is what the filter compares seccomp_data.arch with.
var auditArch = map[string]uint32{ // want arch-keyed-table arches=riscv64,ppc64le "per-arch table of audit arch tokens has no entry for ppc64le, riscv64: it needs `AUDIT_ARCH_PPC64LE` for ppc64le, `AUDIT_ARCH_RISCV64` for riscv64"
	"amd64":    unix.AUDIT_ARCH_X86_64,
	"arm64":    unix.AUDIT_ARCH_AARCH64,
	"mips64le": unix.AUDIT_ARCH_MIPS64, // want arch-keyed-table arches=mips64le "entry for `mips64le` gives `AUDIT_ARCH_MIPS64`, the audit arch of mips64; mips64le is `AUDIT_ARCH_MIPSEL64`"
}

// scmpArch names the arch for libseccomp.
func scmpArch() string {
	switch runtime.GOARCH { // want arch-keyed-table arches=riscv64,ppc64le "libseccomp arch tokens has no entry for ppc64le, riscv64"
	case "amd64":
		return "SCMP_ARCH_X86_64"
	case "arm64":
		return "SCMP_ARCH_AARCH64"
	case "mips64le":
		return "SCMP_ARCH_MIPSEL64"
	}
	return ""
}

// Silent: `default:` gives the arches not listed a value on purpose.
func auditNumber() uint32 {
	switch runtime.GOARCH {
	case "amd64":
		return 0xc000003e
	case "mips64le":
		return 0xc0000008
	default:
		return 0
	}
}

// Silent: a table keyed by GOARCH of values that are no arch tokens.
var pageShift = map[string]uint{
	"amd64":   12,
	"ppc64le": 16,
}

// A token declared in this package: the fix would need a new declaration.
const AUDIT_ARCH_X86_64 = 0xc000003e

var localArch = map[string]uint32{"amd64": AUDIT_ARCH_X86_64} // want arch-keyed-table arches=mips64le,riscv64,ppc64le "no entry for mips64le, ppc64le, riscv64"

func main() {
	fmt.Printf("audit %#x seccomp %q %#x %d %#x\n", auditArch[runtime.GOARCH], scmpArch(), auditNumber(), pageShift[runtime.GOARCH], localArch[runtime.GOARCH])
}
