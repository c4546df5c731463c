module example.com/perarchconsts

go 1.19
