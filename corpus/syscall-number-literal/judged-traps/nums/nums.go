// Package nums numbers syscalls as x86-64 does.
package nums

// Gettid is x86-64's gettid.
const Gettid = 186
