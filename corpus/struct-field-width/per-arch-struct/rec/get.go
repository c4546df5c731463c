package rec

// Get returns a Rec: its callers need not name the type.
func Get() Rec { return Rec{} }

type small struct{ Nsec int32 }

type big struct{ Nsec int64 }

// GetWrap returns a Wrap.
func GetWrap() Wrap { return Wrap{} }
