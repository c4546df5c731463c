#include "textflag.h"

// func crc(p []byte) uint32
TEXT ·crc(SB), NOSPLIT, $0-28
	MOVW ZR, ret+24(FP)
	RET
