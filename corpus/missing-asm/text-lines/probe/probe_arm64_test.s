#include "textflag.h"

// func asmProbe() uint64
TEXT ·asmProbe(SB), NOSPLIT, $0-8
	MOVD $1, R0
	MOVD R0, ret+0(FP)
	RET
