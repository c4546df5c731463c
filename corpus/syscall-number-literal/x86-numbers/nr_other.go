//go:build !amd64

package main

import "syscall"

// Silent: every other arch takes the generated constant.
const sysSetns = syscall.SYS_SETNS
