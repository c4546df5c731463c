//go:build mips64 || mips64le

#include "textflag.h"

// func sum(p []uint64) uint64
TEXT ·sum(SB), NOSPLIT, $0-32 // want missing-asm arches=mips64,mips64le "`sum` is defined in both Go and assembly on mips64, mips64le"
	MOVV p_base+0(FP), R1
	MOVV p_len+8(FP), R2
	MOVV R0, R3
loop:
	BEQ R2, done
	MOVV 0(R1), R4
	ADDVU R4, R3
	ADDVU $8, R1
	SUBVU $1, R2
	JMP loop
done:
	MOVV R3, ret+24(FP)
	RET
