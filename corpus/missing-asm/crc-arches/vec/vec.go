// Package vec has dot's assembly for amd64 only; s390x has other assembly, so there the
// package compiles and programs calling Dot fail to link.
package vec

func dot(a, b []float64) float64 // want missing-asm arches=386,arm,arm64,loong64,mips,mipsle,mips64,mips64le,ppc64,ppc64le,riscv64,s390x "`dot` has no body"

// Dot is the package's API.
func Dot(a, b []float64) float64 { return dot(a, b) }
