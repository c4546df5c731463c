package endian

// Native is the byte order of arm64.
var Native = "little"
