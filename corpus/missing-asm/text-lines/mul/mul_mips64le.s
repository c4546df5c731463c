#include "textflag.h"

// Meant for mips64le, but mul_mips64le.go with the body-less declaration was never
// written: the Go fallback runs, and the assembly is dead.
TEXT ·mulAddFast(SB), NOSPLIT, $0-32 // want missing-asm arches=mips64le "`TEXT ·mulAddFast` has no Go declaration on mips64le"
	MOVV a+0(FP), R1
	MOVV b+8(FP), R2
	MULVU R1, R2
	MOVV LO, R1
	MOVV c+16(FP), R3
	ADDVU R3, R1
	MOVV R1, ret+24(FP)
	RET
