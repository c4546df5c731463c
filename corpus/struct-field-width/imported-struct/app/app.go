// Package app imports no syscall package: the struct comes through node, and so do its
// fields' widths.
package app

import "example.com/imported/node"

// Dev is the device a file lives on.
func Dev(path string) (uint64, error) {
	n, err := node.Stat(path)
	if err != nil {
		return 0, err
	}
	var d uint64 = n.St.Dev // want struct-field-width arches=mips,mipsle,mips64,mips64le
	return d, nil
}

// Links converts, and Size is int64 on every arch: both silent.
func Links(n *node.Node) (uint64, int64) {
	return uint64(n.St.Nlink), n.St.Size
}
