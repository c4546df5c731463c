// Package node stats files for its callers, who read the fields without importing
// syscall themselves.
package node

import "syscall"

// Node is a file's name and its status as the kernel gives it.
type Node struct {
	Name string
	St   syscall.Stat_t
}

// Stat returns the node at path.
func Stat(path string) (*Node, error) {
	n := &Node{Name: path}
	if err := syscall.Stat(path, &n.St); err != nil {
		return nil, err
	}
	return n, nil
}
