package main

import (
	"log"
	"os"
	"runtime"
)

// Silent, and not parsed: the arch check only warns, and the function that stops reads no
// arch.
func warnArch() {
	if runtime.GOARCH != "amd64" {
		log.Printf("untested arch %s", runtime.GOARCH)
	}
}

func mustOpen(p string) *os.File {
	f, err := os.Open(p)
	if err != nil {
		log.Fatal(err)
	}
	return f
}
