// Hand-written for abiport's corpus. Silent, but parsed: SYS_CLONE3's value is no lone
// literal, which the lexer leaves to the check.

package unix

const (
	SYS_READ   = 5000
	SYS_WRITE  = 5001
	SYS_CLONE3 = 5000 + 435
)
