package main

import (
	"fmt"
	"runtime"
)

// Silent, and not parsed: other tools' arch names as an argument and an assigned value,
// in a file that reads GOARCH but compares it with neither.
func describe() string {
	debian := "mipsel64"
	return fmt.Sprintf("%s (Debian: %s, uname: %s)", runtime.GOARCH, debian, "x86_64")
}
