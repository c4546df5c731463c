#include "textflag.h"

// func mulAdd(a, b, c uint64) uint64
TEXT ·mulAdd(SB), NOSPLIT, $0-32
	MOVQ a+0(FP), AX
	IMULQ b+8(FP), AX
	ADDQ c+16(FP), AX
	MOVQ AX, ret+24(FP)
	RET
