package statwidth

import (
	"fmt"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Map literals: keys and values.
func index(st *unix.Stat_t) (map[uint64]string, map[string]uint64) {
	byDev := map[uint64]string{
		st.Dev: "root", // want struct-field-width arches=mips,mipsle,mips64,mips64le "map key"
	}
	links := map[string]uint64{
		"links": st.Nlink, // want struct-field-width arches=386,arm,arm64,loong64,mips,mipsle,mips64,mips64le,riscv64 "literal field"
	}
	return byDev, links
}

// A switch on a field with a typed case value.
func sameDevice(st *unix.Stat_t, want uint64) bool {
	switch st.Dev { // want struct-field-width arches=mips,mipsle,mips64,mips64le "used as `uint64` at line 25 \(switch case\)"
	case want:
		return true
	}
	return false
}

// Silent: switches on constants, formatting helpers, unsafe size queries, shadowing.
func silentToo(st *unix.Stat_t, t *testing.T) error {
	switch st.Nlink { // silent: constant cases adapt
	case 0, 1:
		return nil
	}
	t.Logf("dev %d", st.Dev)                         // silent: ...interface{} parameter
	_ = unsafe.Sizeof(st.Dev)                        // silent: any operand
	if st := (struct{ Dev uint64 }{}); st.Dev == 0 { // silent: shadowed by a local struct
		return nil
	}
	var dev uint64
	{
		dev := st.Dev // silent: a new inner variable, used only by Errorf
		return fmt.Errorf("device %d", dev)
	}
	_ = dev
	return nil
}

type stringer interface{ String() string }

type anyValue interface{}

func keep(v anyValue) {}

// Silent: a parameter of a locally declared interface type accepts either width.
func silentIface(st *unix.Stat_t) {
	keep(st.Dev) // silent: interface parameter
	var s fmt.Stringer
	_ = s
}

// A grouped `var` block (runc's DeviceFromPath before its uint64 conversion): later specs
// see earlier ones.
func deviceFromPath(st *unix.Stat_t) (uint32, uint32) {
	var (
		devNumber = st.Rdev // want struct-field-width arches=mips,mipsle,mips64,mips64le "`devNumber` is used as `uint64` at line 69 \(argument to `unix.Major`\); `devNumber` is used as `uint64` at line 70"
		major     = unix.Major(devNumber)
		minor     = unix.Minor(devNumber)
	)
	return major, minor
}
