module abiport/gen-tables

go 1.19
