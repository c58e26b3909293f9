//! Near spellings: whether a word is within a few edits of another, or
//! begins with something that is. Search-as-you-type asks this of every
//! word of every hit it highlights, so it is one dynamic programme over
//! characters, with no string built per candidate length.

/// Whether `token` is within `edits` of `word` (transpositions count as
/// one), or, for a prefix, begins with something that is.
pub fn within_edits(token: &str, word: &str, edits: u8, prefix: bool) -> bool {
    let edits = usize::from(edits);
    let word: Vec<char> = word.chars().collect();
    let token: Vec<char> = token.chars().collect();
    if token.len() + edits < word.len() || (!prefix && token.len() > word.len() + edits) {
        return false;
    }
    // Optimal string alignment distances of `word` to each beginning of
    // `token`: the whole of it for a term, the best beginning of a length
    // within the edits for a prefix.
    let columns = token.len() + 1;
    let mut before: Vec<usize> = Vec::new();
    let mut above: Vec<usize> = (0..columns).collect();
    let mut row = vec![0; columns];
    for i in 1..=word.len() {
        row[0] = i;
        for j in 1..columns {
            let cost = usize::from(word[i - 1] != token[j - 1]);
            let mut best = (above[j] + 1).min(row[j - 1] + 1).min(above[j - 1] + cost);
            if i > 1 && j > 1 && word[i - 1] == token[j - 2] && word[i - 2] == token[j - 1] {
                best = best.min(before[j - 2] + 1);
            }
            row[j] = best;
        }
        before = std::mem::replace(&mut above, std::mem::take(&mut row));
        row = vec![0; columns];
    }
    if prefix {
        let shortest = word.len().saturating_sub(edits);
        let longest = (word.len() + edits).min(token.len());
        (shortest..=longest).any(|length| above[length] <= edits)
    } else {
        above[token.len()] <= edits
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definition: some beginning of `token`, of a length within the
    /// edits of `word`'s, is within the edits of it.
    fn by_definition(token: &str, word: &str, edits: u8, prefix: bool) -> bool {
        let edits = usize::from(edits);
        if !prefix {
            return strsim::osa_distance(token, word) <= edits;
        }
        let word_chars = word.chars().count();
        let token_chars: Vec<char> = token.chars().collect();
        (word_chars.saturating_sub(edits)..=(word_chars + edits).min(token_chars.len())).any(
            |length| {
                let head: String = token_chars[..length].iter().collect();
                strsim::osa_distance(&head, word) <= edits
            },
        )
    }

    #[test]
    fn near_spellings() {
        assert!(within_edits("petroleum", "petrolem", 1, false));
        assert!(within_edits("recieve", "receive", 1, false));
        assert!(
            !within_edits("petroleum", "petrolem", 1, true)
                || within_edits("petroleum", "petrol", 0, true)
        );
        assert!(within_edits("prices", "pric", 0, true));
        assert!(within_edits("prices", "prci", 1, true));
        assert!(!within_edits("pr", "pric", 1, true));
    }

    proptest::proptest! {
        #[test]
        fn agrees_with_the_definition(token in "[a-dé]{0,9}", word in "[a-dé]{0,7}", edits in 0u8..3, prefix: bool) {
            proptest::prop_assert_eq!(
                within_edits(&token, &word, edits, prefix),
                by_definition(&token, &word, edits, prefix)
            );
        }
    }
}
