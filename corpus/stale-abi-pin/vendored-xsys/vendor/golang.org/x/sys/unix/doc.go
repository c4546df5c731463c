// Package unix stands for a vendored copy: with it, stale-abi-pin is silent (abi-struct-drift
// compares the copy itself).
package unix
