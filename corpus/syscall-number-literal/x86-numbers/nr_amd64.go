package main

// Silent: an x86-64 number in a file only for amd64.
const sysSetns = 308
