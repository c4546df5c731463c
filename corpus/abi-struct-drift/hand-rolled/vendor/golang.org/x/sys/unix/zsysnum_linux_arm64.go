// Hand-written for abiport's corpus. Silent: the generic table has 435 too.

package unix

const (
	SYS_CLONE3 = 435
)
