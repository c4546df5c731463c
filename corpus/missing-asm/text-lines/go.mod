module example.com/textlines

go 1.19
