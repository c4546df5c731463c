//go:build !amd64 && !arm64 && !ppc64le && !riscv64

package main

const pcQuantum = 4
