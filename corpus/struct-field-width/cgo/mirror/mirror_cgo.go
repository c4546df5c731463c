//go:build cgo

// Package mirror reads a device number through node's struct; its cgo variant forgets
// the conversion, found only when node's declarations are read for that setting too.
package mirror

/*
#include <sys/types.h>
*/
import "C"

import (
	"syscall"

	"example.com/cgowidth/node"
)

// Dev is the node's device number.
func Dev(n *node.Node) (uint64, error) {
	if n.Name == "" {
		return 0, syscall.ENOENT
	}
	var d uint64 = n.St.Dev // want struct-field-width arches=mips,mipsle,mips64,mips64le cgo=on
	return d, nil
}
