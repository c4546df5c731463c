//go:build windows && i386

// Silent: windows-only, so it builds on no Linux arch whatever `i386` is read as.
package main

var legacyLanes = 1
