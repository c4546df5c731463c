// Silent, and dropped unparsed: one entry keyed by an arch name cannot tell which syscall
// a table numbers, and comparing GOARCH with "mips64le" makes no table.

package judgedtraps

import (
	"runtime"
	"syscall"
)

// PageShift is the page shift of this arch.
func PageShift() uint {
	if runtime.GOARCH == "mips64le" {
		return uint(syscall.Getpagesize())
	}
	switch runtime.GOARCH {
	case "ppc64le":
		return 16
	}
	return 12
}
