package main

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
)

// Two helpers deep: `requireVectors` names neither GOARCH nor an arch.
func onAmd64() bool {
	return runtime.GOARCH == "amd64"
}

func vectorized() bool {
	return onAmd64()
}

func requireVectors() {
	if !vectorized() { // want arch-allowlist arches=mips64le,riscv64 "`requireVectors` refuses mips64le, riscv64: only amd64 passes"
		panic("no vector unit")
	}
}

// The machine from a helper; the check compares it where no uname is named.
func machine() string {
	out, err := exec.Command("uname", "-m").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

type logger interface {
	Errorf(format string, args ...any)
}

type stderrLogger struct{}

func (stderrLogger) Errorf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, format+"\n", args...)
}

func serve(l logger) {
	if machine() != "x86_64" { // want arch-allowlist arches=mips64le,riscv64 "`serve` refuses mips64le, riscv64: only amd64 passes"
		l.Errorf("untested machine %s", machine())
		return
	}
	fmt.Println("serving")
}
