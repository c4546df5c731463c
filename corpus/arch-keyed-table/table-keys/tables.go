// Command tablekeys keys its per-arch tables in the ways a token test must see: the
// reference first among a case's labels, a key in backquotes, a size through a constant.
package main

import (
	"fmt"
	"runtime"
	"syscall"
)

// The reference is the first label of its case.
func auditArch() uint32 {
	switch runtime.GOARCH { // want arch-keyed-table arches=arm64,mips64le "per-arch table of audit arch tokens has no entry for arm64, mips64le: it needs `AUDIT_ARCH_AARCH64` for arm64, `AUDIT_ARCH_MIPSEL64` for mips64le"
	case "amd64", "386":
		return 0xc000003e
	}
	return 0
}

// A key in backquotes.
var scmpArch = map[string]string{ // want arch-keyed-table arches=mips64le "per-arch table of libseccomp arch tokens has no entry for mips64le: it needs `SCMP_ARCH_MIPSEL64` for mips64le"
	`amd64`: "SCMP_ARCH_X86_64",
	"arm64": "SCMP_ARCH_AARCH64",
}

// The reference's size through a constant of the file.
const statSizeAmd64 = 144

var statSize = map[string]int{ // want arch-keyed-table arches=mips64le "per-arch table of the size of `Stat_t` has no entry for mips64le: it needs 128 for mips64le"
	"amd64": statSizeAmd64,
	"arm64": 128,
}

func main() {
	var st syscall.Stat_t
	fmt.Println(auditArch(), scmpArch[runtime.GOARCH], statSize[runtime.GOARCH], st.Size)
	fmt.Println(describe(), notes())
}
