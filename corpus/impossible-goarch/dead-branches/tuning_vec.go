//go:build amd64 || mipsel64

package main // want impossible-goarch arches=mips64le "build constraint tag `mipsel64` is no GOARCH, so tuning_vec.go never builds for mips64le \(Go calls it `mips64le`\)"

func init() { tuning = "vectorised" }
