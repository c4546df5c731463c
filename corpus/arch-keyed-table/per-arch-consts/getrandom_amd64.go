package main

const sysGetrandom = 318

const sysMembarrier = 324
