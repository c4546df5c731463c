// Hand-written for abiport's corpus: one number copied from amd64 (parsed).

package unix

const (
	SYS_READ   = 63
	SYS_WRITE  = 1 // want abi-struct-drift arches=arm64 "vendored `unix.SYS_WRITE` for arm64 is 1, the kernel's number is 64"
	SYS_CLONE3 = 435
)
