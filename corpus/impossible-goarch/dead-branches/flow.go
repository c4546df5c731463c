package main

import (
	"fmt"
	"go/build"
	"os"
	"runtime"
)

func loaderName() string {
	arch := runtime.GOARCH
	if arch == "x86_64" { // want impossible-goarch arches=amd64 "`arch == .x86_64.` is never true: GOARCH is never `x86_64` \(Go calls it `amd64`\)"
		return "/lib64/ld-linux-x86-64.so.2"
	}
	if arch != "aarch64" { // want impossible-goarch arches=arm64 "is always true"
		return "/lib/ld.so"
	}
	return "/lib/ld-linux-aarch64.so.1"
}

func targetArch() string {
	goarch := os.Getenv("GOARCH")
	if goarch == "" {
		goarch = runtime.GOARCH
	}
	if goarch == "ppc64el" { // want impossible-goarch arches=ppc64le "Go calls it `ppc64le`"
		return "powerpc64le-linux-gnu"
	}
	if build.Default.GOARCH == "loongarch64" { // want impossible-goarch arches=loong64 "Go calls it `loong64`"
		return "loongarch64-linux-gnu"
	}
	if runtime.GOARCH == "mips64lee" { // want impossible-goarch arches=mips64le "did you mean `mips64le`\?"
		return "mips64el-linux-gnuabi64"
	}
	return ""
}

func isLinux() bool {
	return runtime.GOOS == "Linux" // want impossible-goarch "GOOS is never `Linux` \(Go calls it `linux`\)"
}

// The Go name is compared further down the chain: the fix would move 386 to the first
// branch, so it is unsafe there.
func x86Flavour() string {
	if runtime.GOARCH == "i386" { // want impossible-goarch arches=386 "GOARCH is never `i386`"
		return "legacy"
	} else if runtime.GOARCH == "386" {
		return "i686"
	}
	return ""
}

// Silent: amd64 is compared beside its uname name, so the amd64 branch runs.
func is64() bool {
	arch := runtime.GOARCH
	return arch == "amd64" || arch == "x86_64"
}

// Silent: the variable is translated to uname's names before the comparison, so it no
// longer holds a GOARCH there.
func unameArch() string {
	a := runtime.GOARCH
	if a == "amd64" {
		a = "x86_64"
	}
	if a == "x86_64" {
		return "x86_64"
	}
	return a
}

// Silent: a uname parser compares `uname -m` output, not GOARCH.
func parseMachine(machine string) string {
	if machine == "x86_64" {
		return "amd64"
	}
	return machine
}

// Silent: a typo in another OS's name changes nothing on Linux (the branch is not for it).
func isMac() bool {
	return runtime.GOOS == "dawrin"
}

// Set by the per-arch files.
var (
	tuning  string
	wide    bool
	crcImpl string
)

func main() {
	fmt.Println("seccomp arches:", seccompArches())
	fmt.Println("tuning:", tuning)
	_, _ = wide, crcImpl
	_ = libseccompNames
	_ = wordSize()
	_ = loaderName()
	_ = targetArch()
	_ = isLinux()
	_ = is64()
	_ = unameArch()
	_ = parseMachine("x86_64")
	_ = isMac()
	_ = tripletFor()
	_ = debianArch()
}
