module example.com/structsizes

go 1.19
