module example.com/igpartial

go 1.19
