package aclpartial

// Silent: no constant is named `usr2` (the name says nothing to the rule).
const usr2 = 12
