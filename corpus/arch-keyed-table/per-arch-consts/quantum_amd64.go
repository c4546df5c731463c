package main

// The unit of program-counter steps, per arch: no ABI fact. Its values happen to be
// write's syscall number on amd64 (1) and on ppc64le (4), but the 4 of the arm64,
// riscv64 and fallback files is not write's number there: right on two files and
// "copied" on three, it is no syscall table. Silent, everywhere.
const pcQuantum = 1
