// Command refusals starts only on the arches its authors tested, in the ways real
// programs refuse the others.
package main

import (
	"fmt"
	"log"
	"os"
	"runtime"
)

func main() {
	checkArch()
	if err := loadTables(); err != nil {
		log.Fatal(err)
	}
	fmt.Println("started on", runtime.GOARCH)
}

// checkArch lets the tested arches through; any other needs an opt-in variable.
func checkArch() {
	if runtime.GOARCH == "amd64" || runtime.GOARCH == "arm64" { // want arch-allowlist arches=mips64le,riscv64 "`checkArch` refuses mips64le, riscv64: only amd64, arm64 pass this arch check"
		return
	}
	if v, ok := os.LookupEnv("REFUSALS_UNTESTED_ARCH"); ok && v == runtime.GOARCH {
		log.Printf("running on untested arch %s", v)
		return
	}
	log.Printf("arch %s is untested; set REFUSALS_UNTESTED_ARCH=%s to run anyway", runtime.GOARCH, runtime.GOARCH)
	os.Exit(1)
}

// loadTables refuses with an error built in the branch.
func loadTables() error {
	if runtime.GOARCH != "amd64" && runtime.GOARCH != "ppc64le" { // want arch-allowlist arches=mips64le,riscv64 "`loadTables` refuses mips64le, riscv64: only amd64, ppc64le pass"
		return fmt.Errorf("no tables for %s", runtime.GOARCH)
	}
	return nil
}

// Silent: the switch only picks a value per arch; nothing is refused.
func cacheLine() int {
	switch runtime.GOARCH {
	case "ppc64", "ppc64le":
		return 128
	case "s390x":
		return 256
	}
	return 64
}

// Silent: an unknown arch gets a warning and the work goes on.
func hugePageSize() int {
	switch runtime.GOARCH {
	case "amd64", "arm64":
		return 2 << 20
	default:
		log.Printf("huge page size of %s unknown; using 2 MiB", runtime.GOARCH)
		return 2 << 20
	}
}

// Silent: the list already has every target.
func checkVectorUnit() error {
	if runtime.GOARCH != "amd64" && runtime.GOARCH != "mips64le" && runtime.GOARCH != "riscv64" {
		return fmt.Errorf("no vector code for %s", runtime.GOARCH)
	}
	return nil
}

// Silent: every arch the scan targets is Linux; the OS check passes everywhere.
func checkOS() {
	if runtime.GOOS != "linux" {
		log.Fatalf("%s is not supported", runtime.GOOS)
	}
}

var _, _, _, _ = cacheLine, hugePageSize, checkVectorUnit, checkOS
