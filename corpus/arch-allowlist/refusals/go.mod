module example.com/refusals

go 1.19
