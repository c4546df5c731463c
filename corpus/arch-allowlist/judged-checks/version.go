package main

import (
	"fmt"
	"io"
	"runtime"
	"strings"
)

// Silent, and not parsed: GOARCH is only printed and given to strings.HasPrefix with
// "arm", and the helper given an arch name is no condition of the arch alone; no arch
// name is compared or looked up.
func printVersion(w io.Writer) error {
	if _, err := fmt.Fprintf(w, "built for %s/%s\n", runtime.GOOS, runtime.GOARCH); err != nil {
		return fmt.Errorf("writing version: %w", err)
	}
	if strings.HasPrefix(runtime.GOARCH, "arm") || !isArch("amd64") {
		return fmt.Errorf("no release notes for %s", runtime.GOARCH)
	}
	return nil
}

func isArch(name string) bool {
	return runtime.GOARCH == name
}
