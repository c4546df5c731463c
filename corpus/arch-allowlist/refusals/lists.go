package main

import (
	"errors"
	"log"
	"runtime"
)

var supported = map[string]bool{
	"amd64": true,
	"arm64": true,
}

func requireSupported() {
	if !supported[runtime.GOARCH] { // want arch-allowlist arches=mips64le,riscv64 "`requireSupported` refuses"
		panic("unsupported arch " + runtime.GOARCH)
	}
}

var tested = map[string]struct{}{"amd64": {}, "s390x": {}}

func requireTested() error {
	if _, ok := tested[runtime.GOARCH]; !ok { // want arch-allowlist arches=mips64le,riscv64 "`requireTested` refuses"
		return errors.New("untested arch")
	}
	return nil
}

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

func requireValidated() error {
	if !contains(validated, runtime.GOARCH) { // want arch-allowlist arches=mips64le,riscv64 "`requireValidated` refuses"
		return errors.New("arch not validated")
	}
	return nil
}

// One call deep: the condition is a helper's.
func archSupported() bool {
	return runtime.GOARCH == "amd64"
}

func requireArch() {
	if !archSupported() { // want arch-allowlist arches=mips64le,riscv64 "`requireArch` refuses"
		log.Fatal("unsupported arch")
	}
}

// A deny-list names the arch it refuses.
func refuseMips() {
	if runtime.GOARCH == "mips64le" { // want arch-allowlist arches=mips64le "`refuseMips` refuses mips64le at this arch check"
		log.Fatalf("%s is broken", runtime.GOARCH)
	}
}

// Silent: a table that gives 0 for the other arches refuses nothing itself.
func pageSizeTable() int {
	switch runtime.GOARCH {
	case "amd64", "arm64", "riscv64":
		return 4096
	}
	return 0
}

var _, _, _, _, _, _, _ = requireSupported, requireTested, requireValidated, requireArch, refuseMips, pageSizeTable, supported
