// Package report imports quiet alone: it is judged once for both cgo settings.
package report

import "example.com/cgoimporters/quiet"

func Size() int {
	return quiet.Width() // want undefined-on-arch arches=386,arm,arm64,loong64,mips,mipsle,mips64,mips64le,ppc64,ppc64le,riscv64,s390x cgo=both
}
