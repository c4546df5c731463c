#include "textflag.h"

// func asmProbe() uint64
TEXT ·asmProbe(SB), NOSPLIT, $0-8
	MOVQ $1, AX
	MOVQ AX, ret+0(FP)
	RET
