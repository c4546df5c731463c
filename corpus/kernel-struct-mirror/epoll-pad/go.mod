module example.com/epollpad

go 1.19
