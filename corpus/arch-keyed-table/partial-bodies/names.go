package aktpartial

// Silent: a constant, no table.
const statArm = 128
