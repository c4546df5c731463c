//go:build amd64

package sys

// Features is amd64 only; the file also declares cacheLine, which cacheline_other.go
// declares for every other arch, so extending this file would redeclare it: no fix.
func Features() int { return cacheLine }

const cacheLine = 64
