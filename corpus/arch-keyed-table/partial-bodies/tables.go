// Package aktpartial: the scan parses only the declarations that hold the rule's tokens
// (`Rule::bodies`): the reference's key `"amd64"` of a table, and every `const`. Every
// finding below sits in one of them, beside functions left out of the parse.
package aktpartial

import (
	"runtime"

	"golang.org/x/sys/unix"
)

// Silent, and left out of the parse: no table in it.
func page() int {
	return unix.Getpagesize()
}

type filter struct{}

// A method.
func (filter) audit() uint32 {
	switch runtime.GOARCH { // want arch-keyed-table arches=riscv64 "audit arch tokens has no entry for riscv64"
	case "amd64":
		return unix.AUDIT_ARCH_X86_64
	case "mips64le":
		return unix.AUDIT_ARCH_MIPSEL64
	}
	return 0
}

// A closure.
func scmp() func() string {
	return func() string {
		switch runtime.GOARCH { // want arch-keyed-table arches=mips64le,riscv64 "libseccomp arch tokens has no entry for mips64le, riscv64"
		case `amd64`:
			return "SCMP_ARCH_X86_64"
		}
		return ""
	}
}

// A package-level table literal inside a func literal: its var declaration is held.
var tables = func() map[string]uint32 {
	return map[string]uint32{ // want arch-keyed-table arches=riscv64 "no entry for riscv64"
		"amd64":    unix.AUDIT_ARCH_X86_64,
		"mips64le": unix.AUDIT_ARCH_MIPS64, // want arch-keyed-table arches=mips64le "entry for `mips64le` gives `AUDIT_ARCH_MIPS64`"
	}
}

const statAmd64 = 144

// Silent: `statArm64` is declared twice in the file (here and in `tune`), so the scan,
// which reads constants in every scope, knows no value for it and the table's sizes
// are unknown; `tune` holds a `const` and is parsed, so this stays so in a partial parse.
const statArm64 = 128

func tune() int {
	const statArm64 = 64
	return statArm64
}

var statSize = map[string]int{"amd64": statAmd64, "arm64": statArm64}

// `statArm` is package-level in names.go; this file declares it only inside `armLocal`,
// which the scan reads too (constants of every scope): held for its `const`.
func armLocal() int {
	const statArm = 128
	return statArm
}

var statSize2 = map[string]int{"amd64": statAmd64, "arm64": statArm} // want arch-keyed-table arches=mips64le,riscv64 "size of `Stat_t` has no entry for mips64le, riscv64"

var _ = []interface{}{page, filter{}.audit, scmp, tables, tune, statSize, armLocal, statSize2}
