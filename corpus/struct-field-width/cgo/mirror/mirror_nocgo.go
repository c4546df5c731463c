//go:build !cgo

package mirror

import (
	"syscall"

	"example.com/cgowidth/node"
)

// Dev converts, so it builds on every arch: silent.
func Dev(n *node.Node) (uint64, error) {
	if n.Name == "" {
		return 0, syscall.ENOENT
	}
	return uint64(n.St.Dev), nil
}
