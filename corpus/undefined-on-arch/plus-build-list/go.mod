module example.com/plusbuild

go 1.19
