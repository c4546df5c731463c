module example.com/cgoconfigs

go 1.19
