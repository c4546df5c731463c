module example.com/aclpartial

go 1.19
