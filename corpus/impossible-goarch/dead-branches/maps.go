package main

import "runtime"

// A map only ever indexed by GOARCH: its "i386" key is never found.
var triplets = map[string]string{
	"amd64": "x86_64-linux-gnu",
	"i386":  "i686-linux-gnu", // want impossible-goarch arches=386 "key `.i386.` is never looked up by `runtime.GOARCH`"
	"arm64": "aarch64-linux-gnu",
}

func tripletFor() string {
	return triplets[runtime.GOARCH]
}

// Silent: this map is also ranged over, so its keys are read as Debian arch names too.
var debianArches = map[string]string{
	"amd64": "amd64",
	"armhf": "arm",
}

func debianArch() string {
	for k := range debianArches {
		_ = k
	}
	return debianArches[runtime.GOARCH]
}
