// Package log is vendored: its own import comment says nothing about the tree's path.
package log // import "github.com/acme/log"

import "fmt"

// Info prints a line: silent.
func Info(msg string) { fmt.Println(msg) }
