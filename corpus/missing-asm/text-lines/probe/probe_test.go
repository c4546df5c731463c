//go:build amd64 || arm64

package probe

import "testing"

// Implemented by probe_amd64_test.s and probe_arm64_test.s, for the tests alone (the go
// command assembles them in every build; only the tests declare them): silent.
func asmProbe() uint64

func TestProbe(t *testing.T) {
	if asmProbe() != Probe() {
		t.Fatal("assembly and Go disagree")
	}
}
