package main

import (
	"fmt"

	"example.com/asmports/vec"
)

func main() { fmt.Println(vec.Dot(nil, nil)) }
