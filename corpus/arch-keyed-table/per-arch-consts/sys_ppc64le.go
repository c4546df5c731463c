package main

const sysGettid = 207

var ioctlGetWinsize uint = 0x40087468

const pageSize = 65536

const auditArch = 0xc0000015
