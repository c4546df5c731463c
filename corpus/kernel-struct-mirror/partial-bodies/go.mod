module example.com/ksmpartial

go 1.19
