package main

// Silent: per-arch constants of tests are not looked at.
const testGettid = 186
