package main

const pcQuantum = 4
