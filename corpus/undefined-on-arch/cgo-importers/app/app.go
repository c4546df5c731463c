// Package app imports both: its uses of probe differ by cgo setting, its use of quiet does not.
package app

import (
	"example.com/cgoimporters/probe"
	"example.com/cgoimporters/quiet"
)

// Run calls Probe, which cgo builds declare on amd64 and arm64 only; quiet.Width and
// probe.Version build everywhere under both settings, and stay silent.
func Run() int {
	n := probe.Probe() // want undefined-on-arch arches=386,arm,loong64,mips,mipsle,mips64,mips64le,ppc64,ppc64le,riscv64,s390x cgo=on
	return n + quiet.Width() + probe.Version
}
