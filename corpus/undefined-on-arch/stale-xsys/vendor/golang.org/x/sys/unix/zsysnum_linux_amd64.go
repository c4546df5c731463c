//go:build amd64 && linux
// +build amd64,linux

package unix

const (
	SYS_READ   = 0
	SYS_CLONE3 = 435
)
