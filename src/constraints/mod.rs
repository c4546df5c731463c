//! Go build constraints: which target arches a file builds for.
