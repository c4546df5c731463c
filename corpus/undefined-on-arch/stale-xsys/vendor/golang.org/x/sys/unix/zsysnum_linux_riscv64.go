//go:build riscv64 && linux
// +build riscv64,linux

package unix

const (
	SYS_READ   = 63
	SYS_CLONE3 = 435
)
