//go:build mips64 || mips64le

package sys

const PageShift = 14
