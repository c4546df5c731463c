module example.com/snlpartial

go 1.19
