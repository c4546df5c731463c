//go:build mips64le && linux
// +build mips64le,linux

package unix

const (
	SYS_READ = 5000
)
