package igpartial

import (
	"os"
	"runtime"
)

// The scan parses only the declarations the rule reads (`Rule::bodies`): those holding a
// misnamed string, and for a map key the declarations naming the map. Every finding below
// sits in one; the silent maps are silent only because another function is read.

// Silent, and left out of the parse: nothing of the rule's in it.
func work(n int) int {
	return n * 2
}

type tuner struct{ lanes int }

// A method.
func (t *tuner) wide() bool {
	return runtime.GOARCH == "x86_64" // want impossible-goarch arches=amd64 "`runtime.GOARCH == .x86_64.` is never true"
}

// A closure, reading a local of its own.
func closure() func() bool {
	return func() bool {
		arch := runtime.GOARCH
		return arch != "aarch64" // want impossible-goarch arches=arm64 "is always true"
	}
}

// A local assigned a platform value in each branch.
func branches(fromEnv bool) int {
	var arch string
	if fromEnv {
		arch = os.Getenv("GOARCH")
	} else {
		arch = runtime.GOARCH
	}
	if arch == "mipsel64" { // want impossible-goarch arches=mips64le "Go calls it `mips64le`"
		return 1
	}
	return 0
}

// A switch in a func literal of a package-level var.
var pick = func() int {
	switch runtime.GOARCH {
	case "i686": // want impossible-goarch arches=386 "case `.i686.` never matches"
		return 1
	}
	return 0
}

// A package-level map looked up in two other functions.
var lanes = map[string]int{
	"armhf": 4, // want impossible-goarch arches=arm "key `.armhf.` is never looked up"
	"amd64": 8,
}

func lanesHere() int { return lanes[runtime.GOARCH] }

func lanesTwice() int { return 2 * lanes[runtime.GOARCH] }

// Silent: looked up by GOARCH here, and ranged over in `dump`, which reads no GOARCH.
var machines = map[string]int{
	"x86_64": 1,
	"arm64":  2,
}

func machineOf() int { return machines[runtime.GOARCH] }

func dump() (n int) {
	for k := range machines {
		n += len(k)
	}
	return n
}

// Silent: `table` is defined again in `shadow`, so which map the lookup reads is unknown.
var table = map[string]int{"aarch64": 1}

func tableOf() int { return table[runtime.GOARCH] }

func shadow() int {
	table := map[string]int{}
	return len(table)
}

// A map of a function's own, looked up there.
func local() int {
	m := map[string]int{"ppc64el": 1} // want impossible-goarch arches=ppc64le "key `.ppc64el.` is never looked up"
	return m[runtime.GOARCH]
}

// Package level, without a literal: always parsed.
var isArm = runtime.GOARCH == "armv7" // want impossible-goarch arches=arm "is never true"
