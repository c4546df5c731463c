package main

import (
	"bytes"
	"errors"
	"fmt"
	"os/exec"
	"strings"

	"golang.org/x/sys/unix"
)

var tested = map[string]bool{
	"x86_64":  true,
	"ppc64le": true,
}

// checkKernelMachine reads the machine with x/sys/unix.
func checkKernelMachine() error {
	var uts unix.Utsname
	if err := unix.Uname(&uts); err != nil {
		return err
	}
	machine := unix.ByteSliceToString(uts.Machine[:])
	if !tested[machine] { // want arch-allowlist arches=mips64,mips64le,riscv64 "`checkKernelMachine` refuses mips64, mips64le, riscv64: only amd64, ppc64le pass this arch check"
		return errors.New("untested machine " + machine)
	}
	return nil
}

// checkToolMachine asks uname(1).
func checkToolMachine() error {
	out, err := exec.Command("uname", "-m").Output()
	if err != nil {
		return err
	}
	switch strings.TrimSpace(string(out)) { // want arch-allowlist arches=mips64,mips64le,riscv64 "`checkToolMachine` refuses mips64, mips64le, riscv64: only amd64, arm64, s390x pass this arch check"
	case "x86_64", "aarch64", "s390x":
		return nil
	default:
		return errors.New("unsupported machine")
	}
}

// kernelArch reads the machine as docker's pkg/platform does, through a pointer and cut at
// the first NUL.
func kernelArch() (string, error) {
	utsname := &unix.Utsname{}
	if err := unix.Uname(utsname); err != nil {
		return "", err
	}
	return string(utsname.Machine[:bytes.IndexByte(utsname.Machine[:], 0)]), nil
}

// checkPointerMachine refuses what is not x86_64, one call deep.
func checkPointerMachine() error {
	m, err := kernelArch()
	if err != nil {
		return err
	}
	if m != "x86_64" { // want arch-allowlist arches=mips64,mips64le,riscv64 "`checkPointerMachine` refuses mips64, mips64le, riscv64: only amd64 passes this arch check"
		return fmt.Errorf("machine %s is not supported", m)
	}
	return nil
}

// untrimmed compares uname's output with its newline: it never matches, on any arch, so
// it refuses the reference too and is not a porting blocker.
func untrimmed() error {
	out, _ := exec.Command("uname", "-m").Output()
	if string(out) != "x86_64" {
		return errors.New("not x86_64")
	}
	return nil
}

// goarchOf translates uname's names for a tool that wants GOARCH: not a refusal.
func goarchOf(m string) string {
	switch m {
	case "x86_64":
		return "amd64"
	case "aarch64":
		return "arm64"
	}
	return m
}
