// Command unamemachine asks the kernel what machine it runs on and refuses the ones its
// authors did not test, as programs that read `uname -m` do.
package main

import (
	"fmt"
	"log"
	"os"
	"syscall"
)

func main() {
	m := machine()
	if m != "x86_64" && m != "aarch64" { // want arch-allowlist arches=mips64,mips64le,riscv64 "`main` refuses mips64, mips64le, riscv64: only amd64, arm64 pass this arch check"
		fmt.Fprintf(os.Stderr, "machine %s is not supported\n", m)
		os.Exit(1)
	}
	if err := checkKernelMachine(); err != nil {
		log.Fatal(err)
	}
	if err := checkToolMachine(); err != nil {
		log.Fatal(err)
	}
	fmt.Println("started on", m)
}

// machine is the kernel's name for the CPU, cut at the NUL of the field.
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

// wide already lists every 64-bit machine the program runs on: silent.
func wide() error {
	switch machine() {
	case "x86_64", "aarch64", "mips64", "riscv64", "ppc64le", "s390x", "loongarch64":
		return nil
	}
	return fmt.Errorf("not a 64-bit machine")
}

// accelerated only picks a faster path on x86_64: nothing is refused.
func accelerated() bool {
	if machine() == "x86_64" {
		return true
	}
	return false
}
