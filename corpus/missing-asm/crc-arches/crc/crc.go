// Package crc has assembly for amd64 and arm64 only, and its body-less declaration
// builds everywhere: every other arch fails with "missing function body".
package crc

func crc(p []byte) uint32 // want missing-asm arches=386,arm,loong64,mips,mipsle,mips64,mips64le,ppc64,ppc64le,riscv64,s390x "`crc` has no body, and no assembly defines it for .*mips64le"

// Sum is the package's API.
func Sum(p []byte) uint32 { return crc(p) }
