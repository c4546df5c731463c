module example.com/only

go 1.19
