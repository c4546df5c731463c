//go:build linux && !amd64 && !arm64 && !ppc64le

package main

// The fallback copied amd64's values: right on no other arch.
const sysGettid = 186 // want arch-keyed-table arches=mips64le,riscv64 "`sysGettid` is 186 here for mips64le, riscv64, but `SYS_GETTID` is 5178 on mips64le; 178 on riscv64"

// 0x5413 is right for riscv64, not for mips64le.
var ioctlGetWinsize uint = 0x5413 // want arch-keyed-table arches=mips64le "`ioctlGetWinsize` is 0x5413 here for mips64le, but `TIOCGWINSZ` is 0x40087468 on mips64le"

// Silent: page sizes are no ABI fact abiport knows.
const pageSize = 4096

const auditArch = 0xc000003e // want arch-keyed-table arches=mips64le,riscv64 "`auditArch` is 0xc000003e here for mips64le, riscv64, but the audit arch is 0xc0000008 on mips64le; 0xc00000f3 on riscv64"
