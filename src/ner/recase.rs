//! Wire copy in capitals, read as text.
//!
//! Wire headlines and some slugs are set in capitals ("FLUOR UNIT GETS
//! CONTRACT"), where every word looks like a name to a tagger that learnt
//! from mixed-case text. A line in capitals is given to the tagger in the
//! case the article's other text writes each word ("Fluor unit gets
//! contract"): the form it uses most away from the start of a sentence;
//! for a word it never writes, the form the tagger's vocabulary (its word
//! clusters, learnt from news) knows, lower case before title case before
//! capitals (`gets`, `Fluor`, `USDA`), else lower case; the line's first
//! letter a capital, and words with dots or digits (`U.S.`, `A320`) as
//! they are.
//! Only ASCII letters change case, so the text keeps its length and every
//! offset stays true.

use std::collections::HashMap;

/// Letters a line needs to count as set in capitals.
const MIN_LETTERS: usize = 6;

/// Per field, its text with each line in capitals recased, or `None` when
/// it has no such line.
/// `known` says whether the vocabulary holds a word as written.
pub fn recase_shouting(
    fields: &[(&str, &str)],
    known: &dyn Fn(&str) -> bool,
) -> Vec<Option<String>> {
    let needs = |text: &str| {
        text.lines()
            .any(|line| is_shouting(line) || dateline(line).is_some())
    };
    if !fields.iter().any(|(_, text)| needs(text)) {
        return vec![None; fields.len()];
    }
    let forms = forms(fields);
    fields
        .iter()
        .map(|(_, text)| {
            if !needs(text) {
                return None;
            }
            let mut out = String::with_capacity(text.len());
            for line in text.split_inclusive('\n') {
                if is_shouting(line) {
                    recase_words(line, &forms, known, false, &mut out);
                } else if let Some(place) = dateline(line) {
                    recase_words(&line[..place], &forms, known, true, &mut out);
                    out.push_str(&line[place..]);
                } else {
                    out.push_str(line);
                }
            }
            Some(out)
        })
        .collect()
}

/// The end of a wire dateline's place in capitals at the start of a line
/// ("NEW YORK, March 3 -", "LONDON (Reuters) -"): the byte where the place
/// ends, when the line opens with one.
fn dateline(line: &str) -> Option<usize> {
    let start = line.len() - line.trim_start().len();
    let rest = &line[start..];
    // Read up to the first delimiter, giving up at a lower-case letter:
    // most lines are passed over within their first word.
    let end = rest
        .char_indices()
        .find(|(_, c)| matches!(c, ',' | '(' | '-') || c.is_lowercase())
        .filter(|(_, c)| !c.is_lowercase())?
        .0;
    let place = rest[..end].trim_end();
    let is_place = (1..=4).contains(&place.split_whitespace().count())
        && place.chars().filter(|c| c.is_alphabetic()).count() >= 3
        && place
            .chars()
            .all(|c| c.is_whitespace() || c == '.' || c == '\'' || c.is_alphabetic());
    // What follows is the date or the agency, in mixed case.
    let after = rest[end..].trim_start_matches([',', '(', '-', ' ']);
    (is_place && after.chars().take(12).any(char::is_lowercase)).then_some(start + place.len())
}

/// Whether a line is set in capitals: two words or more, enough letters,
/// none of them lower case.
fn is_shouting(line: &str) -> bool {
    // Most lines have a lower-case letter within a few characters: that
    // test first, so they are passed over without reading them whole.
    if line.chars().any(char::is_lowercase) {
        return false;
    }
    let letters = line.chars().filter(|c| c.is_alphabetic()).count();
    letters >= MIN_LETTERS
        && line
            .split_whitespace()
            .filter(|word| word.chars().any(char::is_alphabetic))
            .count()
            >= 2
}

/// The core of a word: without the punctuation around it.
fn core(word: &str) -> &str {
    word.trim_matches(|c: char| !c.is_alphanumeric() && c != '.' && c != '\'')
        .trim_end_matches(['.', '\''])
}

/// How the article writes each word (by its lower case) away from the
/// start of a sentence, in its lines not in capitals: the most used form.
/// Only the words of its lines in capitals are counted, the only words
/// whose case is asked for: the rest of the text is read without building
/// a string per word.
fn forms(fields: &[(&str, &str)]) -> HashMap<String, String> {
    let mut wanted: Vec<String> = Vec::new();
    for (_, text) in fields {
        for line in text.lines() {
            let shouted = if is_shouting(line) {
                line
            } else if let Some(place) = dateline(line) {
                &line[..place]
            } else {
                continue;
            };
            for word in shouted.split_whitespace() {
                let form = core(word);
                if form.is_ascii() && form.chars().any(char::is_alphabetic) {
                    wanted.push(form.to_ascii_lowercase());
                }
            }
        }
    }
    wanted.sort_unstable();
    wanted.dedup();
    // Wanted words by length, so that most words of the text are passed
    // over after comparing one number.
    let longest = wanted.iter().map(String::len).max().unwrap_or(0);
    let mut by_length: Vec<Vec<&str>> = vec![Vec::new(); longest + 1];
    for lower in &wanted {
        by_length[lower.len()].push(lower);
    }
    let mut counts: HashMap<&str, Vec<(&str, usize)>> = HashMap::new();
    for (_, text) in fields {
        for line in text.lines().filter(|line| !is_shouting(line)) {
            // A dateline's place is in capitals too.
            let line = dateline(line).map_or(line, |end| &line[end..]);
            let mut sentence_start = true;
            for word in line.split_whitespace() {
                let form = core(word);
                if !sentence_start
                    && let Some(candidates) = by_length.get(form.len())
                    && let Some(lower) = candidates
                        .iter()
                        .find(|lower| lower.eq_ignore_ascii_case(form))
                {
                    let seen = counts.entry(lower).or_default();
                    match seen.iter_mut().find(|(written, _)| *written == form) {
                        Some((_, count)) => *count += 1,
                        None => seen.push((form, 1)),
                    }
                }
                // "U.S." ends an abbreviation, not a sentence.
                sentence_start = word.ends_with(['!', '?', ':', '"', '\u{201c}'])
                    || (word.ends_with('.') && !form.contains('.'));
            }
        }
    }
    counts
        .into_iter()
        .filter_map(|(lower, forms)| {
            let best = forms
                .into_iter()
                .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(a.0)))?;
            Some((lower.to_string(), best.0.to_string()))
        })
        .collect()
}

/// Recases `text`'s words as [`recase_shouting`] says; `titled` gives every
/// word unknown to the article a capital (a dateline's place names).
fn recase_words(
    text: &str,
    forms: &HashMap<String, String>,
    known: &dyn Fn(&str) -> bool,
    titled: bool,
    out: &mut String,
) {
    let mut first = true;
    let mut rest = text;
    while !rest.is_empty() {
        let spaces = rest.len() - rest.trim_start().len();
        out.push_str(&rest[..spaces]);
        rest = &rest[spaces..];
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let word = &rest[..end];
        rest = &rest[end..];
        if word.is_empty() {
            continue;
        }
        let keep = word.contains(|c: char| c.is_ascii_digit())
            || core(word).contains('.')
            || !word.is_ascii();
        let mut recased = if keep {
            word.to_string()
        } else {
            let word_core = core(word);
            let form = forms
                .get(&word_core.to_lowercase())
                .filter(|form| form.len() == word_core.len())
                .cloned()
                .unwrap_or_else(|| vocabulary_form(word_core, known));
            word.replacen(word_core, &form, 1)
        };
        let has_letter = word.chars().any(char::is_alphabetic);
        // A line's first word, and a dateline's words the article never
        // writes otherwise, take a capital.
        let capital = has_letter
            && (first || (titled && !keep && !forms.contains_key(&core(word).to_lowercase())));
        if capital && let Some(letter) = recased.find(|c: char| c.is_ascii_alphabetic()) {
            recased[letter..=letter].make_ascii_uppercase();
        }
        first &= !has_letter;
        out.push_str(&recased);
    }
}

/// A word the article never writes, as the vocabulary knows it: lower
/// case, else title case, else as written in capitals; lower case when it
/// knows none.
fn vocabulary_form(word: &str, known: &dyn Fn(&str) -> bool) -> String {
    let lower = word.to_ascii_lowercase();
    if known(&lower) {
        return lower;
    }
    let mut title = lower.clone();
    if let Some(letter) = title.find(|c: char| c.is_ascii_alphabetic()) {
        title[letter..=letter].make_ascii_uppercase();
    }
    if known(&title) {
        return title;
    }
    if known(word) {
        return word.to_string();
    }
    lower
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_headline_in_capitals_takes_the_case_of_the_story() {
        let title = "FLUOR UNIT GETS U.S. NAVY CONTRACT";
        let body = "Fluor Corp said its Fluor Daniel unit won a contract from the U.S. Navy to build a pier.";
        let recased = recase_shouting(&[("title", title), ("body", body)], &|_| false);
        assert_eq!(
            recased[0].as_deref(),
            Some("Fluor unit gets U.S. Navy contract")
        );
        assert_eq!(recased[1], None);
        assert_eq!(recased[0].as_ref().map(String::len), Some(title.len()));
    }

    #[test]
    fn text_in_mixed_case_is_left_alone() {
        let fields = [
            ("title", "Fluor wins Navy contract"),
            ("body", "Fluor said it won."),
        ];
        assert_eq!(recase_shouting(&fields, &|_| false), vec![None, None]);
    }

    #[test]
    fn a_dateline_in_capitals_is_a_place_in_title_case() {
        let fields = [
            ("title", "Fluor wins Navy contract"),
            (
                "body",
                "NEW YORK, March 3 - Fluor said.\nSAO PAULO (Reuters) - Brazil said.\nU.S. shares rose.",
            ),
        ];
        let recased = recase_shouting(&fields, &|_| false);
        assert_eq!(
            recased[1].as_deref(),
            Some(
                "New York, March 3 - Fluor said.\nSao Paulo (Reuters) - Brazil said.\nU.S. shares rose."
            )
        );
    }

    #[test]
    fn a_word_the_story_never_writes_takes_the_vocabulary_s_case() {
        let vocabulary = ["gets", "Fluor", "USDA", "wheat"];
        let known = |word: &str| vocabulary.contains(&word);
        let recased = recase_shouting(&[("title", "USDA SAYS FLUOR GETS WHEAT")], &known);
        assert_eq!(recased[0].as_deref(), Some("USDA says Fluor gets wheat"));
    }
}
