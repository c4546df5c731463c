package main

const sysGettid = 178

var ioctlGetWinsize uint = 0x5413

const pageSize = 65536

const auditArch = 0xc00000b7
