// Package node builds the same with and without cgo, and nothing in it reads a field:
// only the second setting's check of mirror, which imports it, needs its declarations.
package node

import "syscall"

// Node holds a file's status as the kernel gives it.
type Node struct {
	Name string
	St   syscall.Stat_t
}
