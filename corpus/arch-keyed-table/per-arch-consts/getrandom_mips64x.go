//go:build mips64 || mips64le

package main

// Silent: mips64 and mips64le have their own, right, number.
const sysGetrandom = 5313

// amd64's number copied: mips64 and mips64le both need 5318, so the literal is replaced.
const sysMembarrier = 324 // want arch-keyed-table arches=mips64le "`sysMembarrier` is 324 here for mips64le, but `SYS_MEMBARRIER` is 5318 on mips64le"
