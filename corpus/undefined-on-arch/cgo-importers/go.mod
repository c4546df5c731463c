module example.com/cgoimporters

go 1.19
