// Hand-written for abiport's corpus: a 32-bit Timespec in the arch-less file. Wrong on
// 64-bit arches, and the tables lay Timespec out differently on 386 and amd64, so one
// declaration cannot be rewritten for all the arches this file builds for (no fix).

package unix

type Timespec struct { // want abi-struct-drift arches=amd64,arm64,mips64le "vendored `unix.Timespec` for amd64, arm64, mips64le is 8 bytes, not 16, has a 4-byte `Sec`"
	Sec  int32
	Nsec int32
}
