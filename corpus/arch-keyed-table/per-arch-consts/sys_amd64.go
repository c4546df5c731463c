package main

// Numbers of the syscalls this program makes raw, and what its seccomp filter compares.
const sysGettid = 186

var ioctlGetWinsize uint = 0x5413

const pageSize = 4096

const auditArch = 0xc000003e
