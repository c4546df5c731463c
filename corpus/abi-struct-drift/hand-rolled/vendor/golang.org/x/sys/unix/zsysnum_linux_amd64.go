// Hand-written for abiport's corpus. Silent: the number is right.

package unix

const (
	SYS_CLONE3 = 435
)
