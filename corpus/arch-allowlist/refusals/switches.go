package main

import (
	"log"
	"runtime"
)

// pickAllocator lets the listed arches through its empty case and stops in default.
func pickAllocator() string {
	switch runtime.GOARCH { // want arch-allowlist arches=mips64le,riscv64 "`pickAllocator` refuses mips64le, riscv64: only amd64, s390x pass"
	case "amd64", "s390x":
	default:
		log.Fatalf("no allocator tuned for %s", runtime.GOARCH)
	}
	return "tuned"
}

// The amd64 case computes an amd64 value: adding an arch to it is no fix.
func atomicAlign() int {
	arch := runtime.GOARCH
	switch arch { // want arch-allowlist arches=mips64le,riscv64 "`atomicAlign` refuses"
	case "amd64":
		return 8
	default:
		panic("no atomic alignment for " + arch)
	}
}

// Silent: the other arches get a slower path, not a refusal.
func copyRoutine() string {
	switch runtime.GOARCH {
	case "amd64":
		return "avx2"
	default:
		log.Printf("no fast copy for %s", runtime.GOARCH)
	}
	return "generic"
}

var _, _, _ = pickAllocator, atomicAlign, copyRoutine
