//go:build arm64 && linux
// +build arm64,linux

package unix

const (
	SYS_READ   = 63
	SYS_CLONE3 = 435
)
