package main

import (
	"fmt"
	"runtime"
)

// Silent, and not parsed: "amd64" is an argument, a field's value and an operand of
// `==`, never a table's key.
type platform struct {
	OS, Architecture string
}

var hostArch = fmt.Sprint("host.arch=", "amd64")

var defaultPlatform = platform{OS: "linux", Architecture: "amd64"}

func describe() string {
	if runtime.GOARCH == "amd64" {
		return hostArch
	}
	return defaultPlatform.Architecture
}
