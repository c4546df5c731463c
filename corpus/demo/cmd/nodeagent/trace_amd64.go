package main

import (
	"os"
	"syscall"

	"example.com/nodeagent/pkg/rawsys"
)

// kickSelf wakes the agent's main thread on x86-64 hosts, where the tracer runs.
func kickSelf() error {
	return rawsys.KickAMD64(os.Getpid(), syscall.Gettid(), syscall.SIGURG)
}
