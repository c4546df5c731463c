package probe

// Version builds everywhere, under both settings.
const Version = 1
