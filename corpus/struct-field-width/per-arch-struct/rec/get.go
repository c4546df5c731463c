package rec

// Get returns a Rec: its callers need not name the type.
func Get() Rec { return Rec{} }
