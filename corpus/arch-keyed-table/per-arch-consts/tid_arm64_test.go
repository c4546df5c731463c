package main

const testGettid = 178
