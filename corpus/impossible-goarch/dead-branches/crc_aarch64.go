package main // want impossible-goarch arches=386,amd64,arm,loong64,mips,mipsle,mips64,mips64le,ppc64,ppc64le,riscv64,s390x "file name suffix `_aarch64` is no GOARCH, so crc_aarch64.go builds for every arch \(Go calls it `arm64`\)"

func init() { crcImpl = "pmull" }
