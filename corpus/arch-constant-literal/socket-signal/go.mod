module example.com/socketsignal

go 1.19
