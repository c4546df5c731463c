module example.com/alpartial

go 1.19
