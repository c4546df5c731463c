//! Renderers over already-sorted findings.
