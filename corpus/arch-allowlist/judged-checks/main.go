// Command judgedchecks refuses untested arches in ways a token test must see through:
// a local holding GOARCH, helpers returning the condition or the machine, a table
// defined in another declaration, the GOARCH of the environment.
package main

import (
	"errors"
	"fmt"
	"log"
	"os"
	"runtime"
)

var ErrArchUnsupported = errors.New("arch unsupported")

// The arch reaches the check through a local.
func checkLocal() error {
	arch := runtime.GOARCH
	if arch != "amd64" && arch != "arm64" { // want arch-allowlist arches=mips64le,riscv64 "`checkLocal` refuses mips64le, riscv64: only amd64, arm64 pass"
		return ErrArchUnsupported
	}
	return nil
}

// The arches with tuned tables, looked up in another declaration, which names no arch.
var tuned = map[string]bool{"amd64": true, "s390x": true}

func loadTuned() error {
	if !tuned[runtime.GOARCH] { // want arch-allowlist arches=mips64le,riscv64 "`loadTuned` refuses mips64le, riscv64: only amd64, s390x pass"
		return fmt.Errorf("no tuned tables for %s", runtime.GOARCH)
	}
	return nil
}

// The GOARCH a cross build asks for, from the environment.
func crossTarget() {
	switch os.Getenv("GOARCH") { // want arch-allowlist arches=mips64le,riscv64 "`crossTarget` refuses mips64le, riscv64: only amd64, arm64 pass"
	case "", "amd64", "arm64":
	default:
		log.Fatalf("cannot build for %s", os.Getenv("GOARCH"))
	}
}

func main() {
	if err := checkLocal(); err != nil {
		log.Fatal(err)
	}
	if err := loadTuned(); err != nil {
		log.Fatal(err)
	}
	crossTarget()
	requireVectors()
	serve(stderrLogger{})
}
