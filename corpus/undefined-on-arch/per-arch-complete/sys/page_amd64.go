package sys

// PageShift is declared for every arch: one file per family plus a fallback.
const PageShift = 12
