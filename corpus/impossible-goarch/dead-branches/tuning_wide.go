//go:build arm64 || aarch64 || ppc64le

// Silent: arm64 is named beside aarch64, which is only redundant.
package main

func init() { wide = true }
