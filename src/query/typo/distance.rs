//! Near spellings: whether a word is within a few edits of another, or
//! begins with something that is. Search-as-you-type asks this of every
//! word of every hit it highlights, so it is one dynamic programme over
//! characters, with no string built per candidate length.

/// Whether `token` is within `edits` of `word` (transpositions count as
/// one), or, for a prefix, begins with something that is.
pub fn within_edits(token: &str, word: &str, edits: u8, prefix: bool) -> bool {
    let edits = usize::from(edits);
    // Words of search boxes are short: their characters and the rows of
    // the programme live on the stack; longer ones take the heap.
    let mut word_chars = ['\0'; SHORT];
    let mut token_chars = ['\0'; SHORT];
    let word_length = word.chars().count();
    // A prefix match looks no further into the token than this.
    let reach = if prefix {
        word_length + edits
    } else {
        usize::MAX
    };
    let token_length = token.chars().take(reach.saturating_add(1)).count();
    if token_length + edits < word_length || (!prefix && token_length > word_length + edits) {
        return false;
    }
    let token_length = token_length.min(reach);
    if word_length < SHORT && token_length < SHORT {
        for (slot, c) in word_chars.iter_mut().zip(word.chars()) {
            *slot = c;
        }
        for (slot, c) in token_chars.iter_mut().zip(token.chars()) {
            *slot = c;
        }
        let mut rows = [[0usize; SHORT]; 3];
        distances(
            &word_chars[..word_length],
            &token_chars[..token_length],
            &mut rows,
        );
        return accept(
            &rows[word_length % 3],
            word_length,
            token_length,
            edits,
            prefix,
        );
    }
    let word: Vec<char> = word.chars().collect();
    let token: Vec<char> = token.chars().take(token_length).collect();
    let mut rows = vec![vec![0usize; token.len() + 1]; 3];
    distances(&word, &token, &mut rows);
    accept(
        &rows[word.len() % 3],
        word.len(),
        token.len(),
        edits,
        prefix,
    )
}

/// Characters a word may have to be checked without allocating.
const SHORT: usize = 32;

/// Optimal string alignment distances of each beginning of `word` to each
/// beginning of `token`; row `i` of the table lands in `rows[i % 3]`.
fn distances<R: AsMut<[usize]>>(word: &[char], token: &[char], rows: &mut [R]) {
    for (j, cell) in rows[0]
        .as_mut()
        .iter_mut()
        .enumerate()
        .take(token.len() + 1)
    {
        *cell = j;
    }
    for i in 1..=word.len() {
        let [row, above, before] = [i % 3, (i + 2) % 3, (i + 1) % 3];
        rows[row].as_mut()[0] = i;
        for j in 1..=token.len() {
            let cost = usize::from(word[i - 1] != token[j - 1]);
            let above_row = rows[above].as_mut();
            let mut best = (above_row[j] + 1).min(above_row[j - 1] + cost);
            if i > 1 && j > 1 && word[i - 1] == token[j - 2] && word[i - 2] == token[j - 1] {
                best = best.min(rows[before].as_mut()[j - 2] + 1);
            }
            let current = rows[row].as_mut();
            current[j] = best.min(current[j - 1] + 1);
        }
    }
}

/// The answer from the last row: the distance to the whole token, or for
/// a prefix the best over the beginnings within the edits of the word's
/// length.
fn accept(last: &[usize], word: usize, token: usize, edits: usize, prefix: bool) -> bool {
    if prefix {
        (word.saturating_sub(edits)..=(word + edits).min(token)).any(|length| last[length] <= edits)
    } else {
        last[token] <= edits
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

        #[test]
        fn long_words_agree_too(token in "[ab]{25,40}", word in "[ab]{28,36}", edits in 0u8..3, prefix: bool) {
            proptest::prop_assert_eq!(
                within_edits(&token, &word, edits, prefix),
                by_definition(&token, &word, edits, prefix)
            );
        }
    }
}
