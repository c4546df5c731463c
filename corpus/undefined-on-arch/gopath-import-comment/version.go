package agent // import "github.com/acme/agent"

// Version is read by the command: silent everywhere.
const Version = "0.3.1"
