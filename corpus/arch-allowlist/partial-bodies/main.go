// Command alpartial refuses arches from checks that read other functions: the scan parses
// only the declarations the rule reads (`Rule::bodies`), and the findings and their facts
// (the callers named) are the same as with the file parsed whole.
package main

import (
	"errors"
	"log"
	"os"
	"runtime"
	"syscall"
)

// Left out of the parse: nothing of the rule's in it.
func work(n int) int {
	return n * 2
}

type server struct{ port int }

// A method; its callers, `main` and `restart`, are named by the fact.
func (s *server) start() error {
	if runtime.GOARCH != "amd64" { // want arch-allowlist arches=mips64le,riscv64 "`start` refuses mips64le, riscv64: only amd64 pass"
		return errors.New("unsupported arch")
	}
	return nil
}

func restart(s *server) error {
	return s.start()
}

// A helper returning the condition, read from a function that names no GOARCH.
func archOK() bool {
	return runtime.GOARCH == "amd64" || runtime.GOARCH == "arm64"
}

func boot() {
	if !archOK() { // want arch-allowlist arches=mips64le,riscv64 "`boot` refuses mips64le, riscv64: only amd64, arm64 pass"
		log.Fatal("unsupported arch")
	}
}

// A list declared at package level, given to `contains` in another function.
var validated = []string{
	"amd64",
	"ppc64le",
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func gateList() error {
	if !contains(validated, runtime.GOARCH) { // want arch-allowlist arches=mips64le,riscv64 "`gateList` refuses mips64le, riscv64: only amd64, ppc64le pass"
		return errors.New("arch not validated")
	}
	return nil
}

// Silent: `allowed` is defined again in `reset`, so which map `gateMap` reads is unknown.
var allowed = map[string]bool{
	// The GOARCH values tested.
	"amd64": true,
}

func gateMap() {
	if !allowed[runtime.GOARCH] {
		os.Exit(1)
	}
}

func reset() int {
	allowed := map[string]bool{}
	return len(allowed)
}

// The machine, from a helper that asks the kernel, compared where no uname is named.
func machine() string {
	var u syscall.Utsname
	if err := syscall.Uname(&u); err != nil {
		return ""
	}
	return charsToString(u.Machine[:])
}

func charsToString(ca []int8) string {
	s := make([]byte, 0, len(ca))
	for _, c := range ca {
		if c == 0 {
			break
		}
		s = append(s, byte(c))
	}
	return string(s)
}

func gateMachine() {
	if machine() != "x86_64" { // want arch-allowlist arches=mips64le,riscv64 "`gateMachine` refuses mips64le, riscv64"
		panic("untested machine")
	}
}

// A switch in a func literal of a package-level var: no function name, no callers.
var gate = func() {
	switch runtime.GOARCH { // want arch-allowlist arches=mips64le,riscv64 "this code refuses"
	case "amd64", "arm64":
	default:
		panic("unsupported arch")
	}
}

// A closure inside a function.
func later() func() {
	return func() {
		arch := runtime.GOARCH
		if arch == "amd64" { // want arch-allowlist arches=mips64le,riscv64 "this code refuses mips64le, riscv64: only amd64 passes"
			return
		}
		os.Exit(2)
	}
}

func main() {
	s := &server{}
	if err := s.start(); err != nil {
		log.Fatal(err)
	}
	_ = restart(s)
	boot()
	_ = gateList()
	gateMap()
	gateMachine()
	gate()
	later()()
	_ = work(1)
}
