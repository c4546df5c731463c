package main

import "example.com/plusbuild/system"

// This file builds only for amd64, where Setuid exists: silent.
var _ = system.Setuid
