#include "textflag.h"

TEXT ·hasVX(SB), NOSPLIT, $0-1
	MOVB $0, ret+0(FP)
	RET
