package main

const sysGetrandom = 278

const sysMembarrier = 283
