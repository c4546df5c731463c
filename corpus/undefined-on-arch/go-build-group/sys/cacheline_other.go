//go:build !amd64

package sys

const cacheLine = 128
