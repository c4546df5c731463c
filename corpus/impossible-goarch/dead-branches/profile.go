package main

import "runtime"

// seccompArches picks the architectures a filter profile lists, per GOARCH.
func seccompArches() []string {
	switch runtime.GOARCH {
	case "amd64":
		return []string{"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"}
	case "arm64":
		return []string{"SCMP_ARCH_ARM", "SCMP_ARCH_AARCH64"}
	case "mips64":
		return []string{"SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32"}
	case "mipsel64": // want impossible-goarch arches=mips64le "case `.mipsel64.` never matches `runtime.GOARCH`: GOARCH is never `mipsel64` \(Go calls it `mips64le`\)"
		return []string{"SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32"}
	case "s390x":
		return []string{"SCMP_ARCH_S390", "SCMP_ARCH_S390X"}
	}
	return nil
}

// Silent: here "mipsel64" is libseccomp's own name for the arch, a plain value in a table
// that nothing compares with GOARCH.
type archMap struct {
	Arch      string
	SubArches []string
}

var libseccompNames = []archMap{
	{Arch: "x86_64", SubArches: []string{"x86", "x32"}},
	{Arch: "aarch64", SubArches: []string{"arm"}},
	{Arch: "mipsel64", SubArches: []string{"mipsel", "mipsel64n32"}},
}

// Silent: both spellings are listed, so amd64 is handled (the second label is only
// redundant, and replacing it would be a duplicate case).
func wordSize() int {
	switch runtime.GOARCH {
	case "amd64", "x86_64", "arm64", "mips64le":
		return 8
	}
	return 4
}
