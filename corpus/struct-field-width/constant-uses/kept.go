package constants

import (
	"fmt"
	"strconv"

	"golang.org/x/sys/unix"
)

// Kept: beside constants, the other operand, the printed value, the argument and the
// assigned value are typed.
func same(st *unix.Stat_t, d uint64) bool {
	return st.Dev == 1+d // want struct-field-width arches=mips,mipsle,mips64,mips64le "comparison with `1\+d`"
}

func show(st *unix.Stat_t, d uint64) string {
	fmt.Println(d + st.Dev) // want struct-field-width arches=mips,mipsle,mips64,mips64le "operand with `d`"
	return strconv.FormatUint(st.Rdev, 16) // want struct-field-width arches=mips,mipsle,mips64,mips64le "argument to `strconv.FormatUint`"
}

func set(st *unix.Stat_t, d uint64) {
	st.Dev = d // want struct-field-width arches=mips,mipsle,mips64,mips64le "assigned a value"
}
