#include "textflag.h"

// func crc(p []byte) uint32
TEXT ·crc(SB), NOSPLIT, $0-28
	MOVL $0, ret+24(FP)
	RET
