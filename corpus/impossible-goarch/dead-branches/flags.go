package main

import (
	"os"
	"runtime"
)

// Silent, and not parsed: short strings compared with values that are no platform name,
// in functions that never read GOARCH or GOOS, in a file that reads GOOS elsewhere. "a"
// and "arm6" are near arch names; the check judges a literal only against a value its own
// function reads from GOARCH or GOOS.
func mode(flag string) int {
	if flag == "a" {
		return 1
	}
	switch os.Args[0] {
	case "arm6", "x":
		return 2
	}
	return 0
}

func home() string {
	if runtime.GOOS == "windows" {
		return os.Getenv("USERPROFILE")
	}
	return os.Getenv("HOME")
}
