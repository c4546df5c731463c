module example.com/rsapartial

go 1.19
