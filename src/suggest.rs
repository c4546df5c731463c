//! "Did you mean" suggestions for unknown names (arches, types, syscalls).

/// Up to `max` candidates closest to `given`, best first; only reasonably close ones.
pub fn closest<'a>(
    given: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    max: usize,
) -> Vec<&'a str> {
    let lower = given.to_ascii_lowercase();
    let mut scored: Vec<(f64, &'a str)> = candidates
        .into_iter()
        .map(|c| {
            let cl = c.to_ascii_lowercase();
            let mut score = strsim::jaro_winkler(&lower, &cl);
            if cl.contains(&lower) || lower.contains(&cl) {
                score += 0.2;
            }
            (score, c)
        })
        .filter(|(s, _)| *s >= 0.75)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    scored.into_iter().take(max).map(|(_, c)| c).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn suggests_near_names() {
        let got = super::closest("Stat_T", ["Stat_t", "Statfs_t", "EpollEvent"], 2);
        assert_eq!(got[0], "Stat_t");
        assert!(super::closest("zzzz", ["Stat_t"], 3).is_empty());
    }
}
