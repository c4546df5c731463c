// Hand-written for abiport's corpus: a number copied from amd64 (n64 numbers start at 5000).

package unix

const (
	SYS_CLONE3 = 435 // want abi-struct-drift arches=mips64le "vendored `unix.SYS_CLONE3` for mips64le is 435, the kernel's number is 5435"
)
