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
//!
//! A headline in title case ("Senate Confirms HHS Nominee After Defeating
//! Filibuster"), the habit of many American and web outlets, looks the
//! same to the tagger and is read the same way, except that a word the
//! article never writes keeps its capital unless the vocabulary knows it in
//! lower case (`Confirms` → `confirms`, `Azar` stays).
//! Only ASCII letters change case, so the text keeps its length and every
//! offset stays true.

use std::collections::HashMap;

/// Letters a line needs to count as set in capitals.
const MIN_LETTERS: usize = 6;

/// Per field, its text with each line in capitals recased, or `None` when
/// it has no such line.
/// `vocabulary` is what the tagger's word lists know.
pub fn recase_shouting(fields: &[(&str, &str)], vocabulary: &Vocabulary) -> Vec<Option<String>> {
    // Each line is read once: whether it needs recasing is asked by the
    // story's forms and by the recasing alike.
    let lines: Vec<Vec<Line>> = fields
        .iter()
        .map(|(name, text)| Line::all(text, &Titles::of(name, text), vocabulary))
        .collect();
    let needed: Vec<bool> = lines
        .iter()
        .map(|lines| lines.iter().any(|line| line.shape != Shape::Plain))
        .collect();
    if !needed.contains(&true) {
        return vec![None; fields.len()];
    }
    let forms = forms(&lines);
    fields
        .iter()
        .zip(&lines)
        .zip(needed)
        .map(|(((_, text), lines), needed)| {
            if !needed {
                return None;
            }
            let mut out = String::with_capacity(text.len());
            for line in lines {
                match line.shape {
                    Shape::Cased(casing) => {
                        recase_words(line.written, &forms, vocabulary, casing, &mut out);
                    }
                    Shape::Dateline(place) => {
                        recase_words(
                            &line.written[..place],
                            &forms,
                            vocabulary,
                            Casing::Dateline,
                            &mut out,
                        );
                        out.push_str(&line.written[place..]);
                    }
                    Shape::Plain => out.push_str(line.written),
                }
            }
            Some(out)
        })
        .collect()
}

/// A line of a field and whether it needs recasing.
struct Line<'a> {
    /// The line with its line break.
    written: &'a str,
    shape: Shape,
}

/// What of a line needs recasing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shape {
    /// Nothing.
    Plain,
    /// All of it, written as the casing says.
    Cased(Casing),
    /// A dateline's place in capitals, up to this byte.
    Dateline(usize),
}

impl<'a> Line<'a> {
    /// The lines of `text` (as [`str::lines`] splits them) and their shapes.
    fn all(text: &'a str, titles: &Titles, vocabulary: &Vocabulary) -> Vec<Line<'a>> {
        text.split_inclusive('\n')
            .map(|written| {
                let line = written
                    .strip_suffix('\n')
                    .map_or(written, |line| line.strip_suffix('\r').unwrap_or(line));
                let shape = match casing(line, titles, vocabulary) {
                    Some(casing) => Shape::Cased(casing),
                    None => dateline(line).map_or(Shape::Plain, Shape::Dateline),
                };
                Line { written, shape }
            })
            .collect()
    }

    /// The line without its line break.
    fn text(&self) -> &'a str {
        let line = self.written.strip_suffix('\n').unwrap_or(self.written);
        line.strip_suffix('\r').unwrap_or(line)
    }
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

/// What the tagger's word lists know of words, for recasing.
pub struct Vocabulary<'a> {
    /// Whether the word clusters hold a word as written.
    pub known: &'a dyn Fn(&str) -> bool,
    /// Whether a word is a first name.
    pub first_name: &'a dyn Fn(&str) -> bool,
    /// Whether words (two or more) are a name the gazetteers give whole.
    pub listed_name: &'a dyn Fn(&[&str]) -> bool,
}

impl Vocabulary<'_> {
    /// A vocabulary of `known` words, without names.
    #[cfg(test)]
    fn knowing(known: &dyn Fn(&str) -> bool) -> Vocabulary<'_> {
        Vocabulary {
            known,
            first_name: &|_| false,
            listed_name: &|_| false,
        }
    }
}

/// How a line that needs recasing is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Casing {
    /// In capitals.
    Shouted,
    /// Every main word with a capital.
    Titled,
    /// A dateline's place in capitals: every word the article never
    /// writes takes a capital.
    Dateline,
}

/// Which lines of a field may be read as in title case: any line of a
/// headline (an article's title, a live entry's); elsewhere only a line
/// without a comma, as a line of capitals with a comma is a list of names
/// ("June 17 -- Bridgestone Arena, Nashville, TN"), and none where the
/// text is hard-wrapped, as its lines are pieces of sentences ("Moody's
/// Investors Service Inc." before the wrap), not headings.
struct Titles<'a> {
    headline: bool,
    text: &'a str,
    /// Whether `text` is hard-wrapped, found out the first time a line
    /// in title case asks: most texts have none.
    hard_wrapped: std::cell::OnceCell<bool>,
}

impl<'a> Titles<'a> {
    /// The lines of the field `name` holding `text` that may be titles.
    fn of(name: &str, text: &'a str) -> Titles<'a> {
        Titles {
            headline: name == "title" || name.ends_with(".headline"),
            text,
            hard_wrapped: std::cell::OnceCell::new(),
        }
    }

    fn admit(&self, line: &str) -> bool {
        self.headline
            || (!line.contains(',')
                && !*self
                    .hard_wrapped
                    .get_or_init(|| super::tokenize::is_hard_wrapped(self.text)))
    }
}

/// Whether a line is set in capitals or in title case (where `titles`
/// admits it).
fn casing(line: &str, titles: &Titles, vocabulary: &Vocabulary) -> Option<Casing> {
    if is_shouting(line) {
        Some(Casing::Shouted)
    } else if is_title_case(line, vocabulary.known) && titles.admit(line) {
        Some(Casing::Titled)
    } else {
        None
    }
}

/// Words of four letters or more, after its first, a line in title case
/// has at least: fewer say too little to tell a title from a sentence.
const MIN_TITLED_WORDS: usize = 3;
/// Words a line in title case has at most: a headline is short, and a
/// longer line of capitals is a list of names ("ADM (US), Sumitomo
/// (Japan), Evonik (Germany), …"), whose capitals are its names'.
const MAX_TITLED_WORDS: usize = 20;

/// The words title case leaves in lower case, as style guides list them:
/// articles, conjunctions and short prepositions.
const MINOR_WORDS: &[&str] = &[
    "a", "an", "the", "and", "but", "or", "nor", "for", "so", "yet", "as", "at", "by", "in", "of",
    "off", "on", "per", "to", "up", "via", "vs", "from", "with", "into", "over", "is", "are",
    "this", "that", "its",
];

/// Whether a line is in title case: no longer than [`MAX_TITLED_WORDS`]
/// words, every word after the first with a capital but the minor ones,
/// and of its words of four letters or more after the first, at least
/// [`MIN_TITLED_WORDS`], half or more words the vocabulary knows in lower
/// case ("Luis Palau Diagnosed With Stage 4 Lung Cancer"). A sentence,
/// even one full of names, writes a verb or a noun in lower case ("NATO
/// Secretary General Mark Rutte met Polish Prime Minister Donald Tusk");
/// a line of names is capitals that are names ("June 17 -- Bridgestone
/// Arena, Nashville, TN").
fn is_title_case(line: &str, known: &dyn Fn(&str) -> bool) -> bool {
    // Most lines are prose, passed over at their first word in lower case
    // that is not a minor one: nothing is allocated before that.
    let mut words = line.split_whitespace();
    words.next();
    let mut count = 1usize;
    let mut long_words = 0usize;
    let mut words_in_lower_case = 0usize;
    for word in words {
        count += 1;
        if count > MAX_TITLED_WORDS {
            return false;
        }
        let letters = word.trim_matches(|c: char| !c.is_alphabetic());
        if letters.is_empty() {
            continue;
        }
        // "iPhone" and "eBay" are capitalised where they can be.
        let capitalised = letters.chars().any(char::is_uppercase);
        if !capitalised {
            if MINOR_WORDS
                .iter()
                .any(|minor| minor.eq_ignore_ascii_case(letters))
            {
                continue;
            }
            return false;
        }
        if letters.chars().nth(3).is_some() {
            long_words += 1;
            if known(&letters.to_lowercase()) {
                words_in_lower_case += 1;
            }
        }
    }
    long_words >= MIN_TITLED_WORDS && words_in_lower_case * 2 >= long_words
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
fn forms(lines: &[Vec<Line>]) -> HashMap<String, String> {
    let mut wanted: Vec<String> = Vec::new();
    for line in lines.iter().flatten() {
        let shouted = match line.shape {
            Shape::Plain => continue,
            Shape::Cased(_) => line.text(),
            Shape::Dateline(place) => &line.written[..place],
        };
        for word in shouted.split_whitespace() {
            let form = core(word);
            if form.is_ascii() && form.chars().any(char::is_alphabetic) {
                wanted.push(form.to_ascii_lowercase());
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
    for line in lines.iter().flatten() {
        // A dateline's place is in capitals too.
        let line = match line.shape {
            Shape::Cased(_) => continue,
            Shape::Dateline(place) => &line.text()[place..],
            Shape::Plain => line.text(),
        };
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

/// Recases `text`'s words as [`recase_shouting`] says, for a line written
/// as `casing` says.
fn recase_words(
    text: &str,
    forms: &HashMap<String, String>,
    vocabulary: &Vocabulary,
    casing: Casing,
    out: &mut String,
) {
    let known = vocabulary.known;
    let listed = if casing == Casing::Titled {
        listed_names(text, vocabulary.listed_name)
    } else {
        Vec::new()
    };
    let mut word_index = 0;
    let mut first = true;
    // In title case, the word after a first name that opens a name is a
    // surname ("Donald Trump") even where the vocabulary knows it as a
    // word; after a name's second word ("Burnell Taylor Exits") it is not.
    let mut after_first_name = false;
    let mut after_capital = false;
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
        let in_listed_name = listed.get(word_index).copied().unwrap_or(false);
        word_index += 1;
        let keep = word.contains(|c: char| c.is_ascii_digit())
            || core(word).contains('.')
            || !word.is_ascii()
            || in_listed_name;
        let mut recased = if keep {
            word.to_string()
        } else {
            let word_core = core(word);
            let form = forms
                .get(&word_core.to_lowercase())
                .filter(|form| form.len() == word_core.len())
                .cloned()
                .unwrap_or_else(|| match casing {
                    Casing::Titled if after_first_name => word_core.to_string(),
                    Casing::Titled => title_case_form(word_core, known),
                    _ => vocabulary_form(word_core, known),
                });
            word.replacen(word_core, &form, 1)
        };
        let capitalised =
            recased.starts_with(char::is_uppercase) && !word.ends_with([',', ':', ';']);
        after_first_name = casing == Casing::Titled
            && capitalised
            && !after_capital
            && (vocabulary.first_name)(core(word));
        after_capital = capitalised;
        let has_letter = word.chars().any(char::is_alphabetic);
        // A line's first word, and a dateline's words the article never
        // writes otherwise, take a capital.
        let capital = has_letter
            && (first
                || (casing == Casing::Dateline
                    && !keep
                    && !forms.contains_key(&core(word).to_lowercase())));
        if capital && let Some(letter) = recased.find(|c: char| c.is_ascii_alphabetic()) {
            recased[letter..=letter].make_ascii_uppercase();
        }
        first &= !has_letter;
        out.push_str(&recased);
    }
}

/// Per word of a line in title case (split at white space), whether it is
/// in a run of capitalised words that a gazetteer gives whole as a name
/// ("White House", "Rhode Island"): those keep their capitals, whatever
/// the vocabulary knows of "white" and "island".
fn listed_names(line: &str, listed_name: &dyn Fn(&[&str]) -> bool) -> Vec<bool> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let cores: Vec<&str> = words.iter().map(|word| core(word)).collect();
    let mut listed = vec![false; words.len()];
    for start in 0..words.len() {
        for end in start + 2..=(start + super::lexicon::MAX_ENTRY_TOKENS).min(words.len()) {
            let run = &cores[start..end];
            // A name runs over capitalised words, and no comma or colon
            // falls inside it.
            let capitalised = run.iter().all(|core| core.starts_with(char::is_uppercase));
            let unbroken = words[start..end - 1]
                .iter()
                .all(|word| !word.ends_with([',', ':', ';']));
            if !(capitalised && unbroken) {
                break;
            }
            if listed_name(run) {
                listed[start..end].fill(true);
            }
        }
    }
    listed
}

/// A word of a line in title case that the article never writes: lower
/// case when the vocabulary knows it so (`Confirms`); as written
/// otherwise, for a capital the vocabulary cannot explain is a name the
/// story gives only in its headline (`Azar`).
fn title_case_form(word: &str, known: &dyn Fn(&str) -> bool) -> String {
    let lower = word.to_ascii_lowercase();
    if known(&lower) {
        lower
    } else {
        word.to_string()
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
        let recased = recase_shouting(
            &[("title", title), ("body", body)],
            &Vocabulary::knowing(&|_| false),
        );
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
        assert_eq!(
            recase_shouting(&fields, &Vocabulary::knowing(&|_| false)),
            vec![None, None]
        );
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
        let recased = recase_shouting(&fields, &Vocabulary::knowing(&|_| false));
        assert_eq!(
            recased[1].as_deref(),
            Some(
                "New York, March 3 - Fluor said.\nSao Paulo (Reuters) - Brazil said.\nU.S. shares rose."
            )
        );
    }

    #[test]
    fn a_headline_in_title_case_is_read_as_a_sentence() {
        let vocabulary = ["approves", "nominee", "after", "long", "debate", "senate"];
        let known = |word: &str| vocabulary.contains(&word);
        let title = "Senate Approves Trade Nominee Ana Velez After Long Republican Debate";
        let body = "The Senate voted 61-38 to confirm Ana Velez. Republicans had sought a delay.";
        let recased = recase_shouting(
            &[("title", title), ("body", body)],
            &Vocabulary::knowing(&known),
        );
        // The story writes "Senate" with its capital mid-sentence; "Trade",
        // "Republican" and "Velez" it never writes in lower case, nor does
        // the vocabulary.
        assert_eq!(
            recased[0].as_deref(),
            Some("Senate approves Trade nominee Ana Velez after long Republican debate")
        );
        assert_eq!(recased[1], None);
        // A surname after a first name keeps its capital, though the
        // vocabulary knows it as a word, and so does a name a gazetteer
        // gives whole.
        let vocabulary = [
            "on", "stone", "baker", "the", "race", "for", "mayor", "at", "white", "house",
        ];
        let known = |word: &str| vocabulary.contains(&word);
        let first_names = ["Maria", "Tom", "Helen"];
        let title = "Maria Quill On Tom Stone, Helen Baker & The Race For Mayor At The White House";
        let listed = |words: &[&str]| words == ["White", "House"];
        let vocabulary = Vocabulary {
            known: &known,
            first_name: &|name| first_names.contains(&name),
            listed_name: &listed,
        };
        let recased = recase_shouting(&[("title", title)], &vocabulary);
        assert_eq!(
            recased[0].as_deref(),
            Some("Maria Quill on Tom Stone, Helen Baker & the race for mayor at the White House")
        );
        // A sentence naming a few things is not a title.
        for sentence in [
            "Premier to meet with Canadian Prime Minister Ana Velez as counting continues",
            "Justice Ministry asks Supreme Court to overturn ETA ruling",
        ] {
            assert_eq!(
                recase_shouting(&[("title", sentence)], &Vocabulary::knowing(&known)),
                vec![None]
            );
        }
    }

    #[test]
    fn a_word_the_story_never_writes_takes_the_vocabulary_s_case() {
        let vocabulary = ["gets", "Fluor", "USDA", "wheat"];
        let known = |word: &str| vocabulary.contains(&word);
        let recased = recase_shouting(
            &[("title", "USDA SAYS FLUOR GETS WHEAT")],
            &Vocabulary::knowing(&known),
        );
        assert_eq!(recased[0].as_deref(), Some("USDA says Fluor gets wheat"));
    }
}
