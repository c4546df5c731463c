// Package system is a vendored namesake of the tree's system/: the import of it
// resolves in vendor/, so its prefix github.com/other is no evidence about the tree.
package system

// Hostname builds everywhere: silent.
func Hostname() string { return "node" }
