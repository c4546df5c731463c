package main

import (
	"fmt"

	"example.com/asmports/crc"
	"example.com/asmports/sum"
)

func main() { fmt.Println(crc.Sum(nil), crc.Now() > 0, sum.Add(1, 2)) }
