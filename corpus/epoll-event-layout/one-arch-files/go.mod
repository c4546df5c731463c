module example.com/onearch

go 1.19
