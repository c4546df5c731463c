package main

import (
	"errors"
	"runtime"
)

// checkPlatform is called from another file (cmdline.go): the finding names that caller.
func checkPlatform() error {
	if runtime.GOARCH != "amd64" { // want arch-allowlist arches=mips64le,riscv64 "`checkPlatform` refuses mips64le, riscv64: only amd64 passes"
		return errors.New("unsupported platform")
	}
	return nil
}
