//! Splits text into sentences of tokens the way the CoNLL-2003 training
//! data is split (Penn Treebank habits: punctuation apart, "'s" and "n't"
//! apart, abbreviations and hyphenated words whole), keeping byte offsets.
//!
//! Written by hand because the tagger's accuracy depends on matching the
//! tokenisation of its training data exactly, and tokenizer crates either
//! follow Unicode word boundaries (which split "U.S." and "1996-08-22") or
//! allocate a string per token.

/// A token: a byte range of the text it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Its first byte.
    pub start: usize,
    /// The byte after its last.
    pub end: usize,
}

impl Token {
    /// Its text within `text`.
    pub fn text<'a>(&self, text: &'a str) -> &'a str {
        &text[self.start..self.end]
    }
}

/// Words whose trailing period belongs to them.
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "col", "lt", "sgt", "capt",
    "cmdr", "adm", "maj", "st", "mt", "ft", "jr", "sr", "inc", "corp", "co", "ltd", "bros", "no",
    "vs", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "rev", "messrs", "ave", "blvd", "dept", "univ", "est", "approx",
];

fn is_opening_punctuation(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '(' | '[' | '{' | '\u{2018}' | '\u{201C}' | '\u{00AB}' | '`' | '<'
    )
}

fn is_closing_punctuation(c: char) -> bool {
    matches!(
        c,
        '"' | '\''
            | ')'
            | ']'
            | '}'
            | ','
            | ';'
            | ':'
            | '!'
            | '?'
            | '\u{2019}'
            | '\u{201D}'
            | '\u{00BB}'
            | '>'
            | '\u{2026}'
    )
}

fn is_dash(c: char) -> bool {
    matches!(c, '\u{2013}' | '\u{2014}')
}

/// Whether a chunk ending in "." keeps its period: "U.S.", "J.", "Inc.".
fn keeps_period(word: &str) -> bool {
    let stem = &word[..word.len() - 1];
    if stem.is_empty() {
        return false;
    }
    if stem.contains('.') {
        return stem.chars().all(|c| c.is_alphabetic() || c == '.');
    }
    let mut chars = stem.chars();
    if let (Some(first), None) = (chars.next(), chars.next()) {
        return first.is_uppercase();
    }
    stem.len() <= 6
        && ABBREVIATIONS
            .iter()
            .any(|abbreviation| abbreviation.eq_ignore_ascii_case(stem))
}

/// Appends the tokens of one whitespace-free chunk starting at `offset`.
fn split_chunk(chunk: &str, offset: usize, tokens: &mut Vec<Token>) {
    let mut start = 0;
    let mut end = chunk.len();
    while let Some(c) = chunk[start..end].chars().next() {
        if (is_opening_punctuation(c) || is_dash(c)) && start + c.len_utf8() < end {
            tokens.push(Token {
                start: offset + start,
                end: offset + start + c.len_utf8(),
            });
            start += c.len_utf8();
        } else {
            break;
        }
    }
    // Trailing punctuation is found from the end; its tokens are pushed
    // after the word's, in order (a run of periods is one).
    while let Some(c) = chunk[start..end].chars().next_back() {
        if end - c.len_utf8() <= start {
            break;
        }
        let closing = is_closing_punctuation(c) || is_dash(c);
        let period = c == '.' && !keeps_period(&chunk[start..end]);
        if closing || period {
            // "...": one token.
            let mut cut = end - c.len_utf8();
            if c == '.' {
                while cut > start && chunk[..cut].ends_with('.') {
                    cut -= 1;
                }
                if cut == start {
                    break;
                }
            }
            end = cut;
        } else {
            break;
        }
    }
    let word = &chunk[start..end];
    // Clitics are their own tokens, as in the training data.
    let lower_tail = |n: usize| word.len() > n && word.is_char_boundary(word.len() - n);
    let mut clitic = None;
    for suffix in ["'s", "\u{2019}s", "'S", "\u{2019}S", "n't", "N'T"] {
        if lower_tail(suffix.len()) && word.ends_with(suffix) {
            clitic = Some(word.len() - suffix.len());
            break;
        }
    }
    if word.len() > 1 && (word.ends_with('\'') || word.ends_with('\u{2019}')) {
        // Plural possessive: "farmers'".
        let quote = word.chars().next_back().map_or(1, char::len_utf8);
        if word[..word.len() - quote].ends_with('s') {
            clitic = Some(word.len() - quote);
        }
    }
    match clitic {
        Some(cut) if cut > 0 => {
            tokens.push(Token {
                start: offset + start,
                end: offset + start + cut,
            });
            tokens.push(Token {
                start: offset + start + cut,
                end: offset + end,
            });
        }
        _ => tokens.push(Token {
            start: offset + start,
            end: offset + end,
        }),
    }
    let mut at = end;
    while let Some(c) = chunk[at..].chars().next() {
        let length = if c == '.' {
            chunk[at..].bytes().take_while(|b| *b == b'.').count()
        } else {
            c.len_utf8()
        };
        tokens.push(Token {
            start: offset + at,
            end: offset + at + length,
        });
        at += length;
    }
}

/// Splits `text` into sentences of tokens. A line break ends a sentence
/// unless the text is hard-wrapped and the break is the wrap's (see
/// [`lines`]); ".", "!" and "?" before a capital, a digit or a quote end
/// one too.
pub fn sentences(text: &str) -> Vec<Vec<Token>> {
    let mut sentences = Vec::new();
    let mut tokens = Vec::new();
    for (line_start, line) in lines(text) {
        tokens.clear();
        let mut chunk_start = None;
        for (i, c) in line.char_indices() {
            if c.is_whitespace() {
                if let Some(start) = chunk_start.take() {
                    split_chunk(&line[start..i], line_start + start, &mut tokens);
                }
            } else if chunk_start.is_none() {
                chunk_start = Some(i);
            }
        }
        if let Some(start) = chunk_start {
            split_chunk(&line[start..], line_start + start, &mut tokens);
        }
        // A capital and a period ending a line ("on X.") end a sentence;
        // elsewhere they are an initial ("J. Smith").
        if let Some(last) = tokens.last().copied() {
            let word = last.text(text);
            if word.len() == 2 && word.ends_with('.') && word.starts_with(char::is_uppercase) {
                tokens.pop();
                tokens.push(Token {
                    start: last.start,
                    end: last.end - 1,
                });
                tokens.push(Token {
                    start: last.end - 1,
                    end: last.end,
                });
            }
        }
        let mut sentence_start = 0;
        for i in 0..tokens.len() {
            let token = tokens[i].text(text);
            let ends = matches!(token, "." | "!" | "?" | "..." | "\u{2026}");
            let next_opens = tokens.get(i + 1).is_some_and(|next| {
                next.text(text).chars().next().is_some_and(|c| {
                    c.is_uppercase() || c.is_ascii_digit() || is_opening_punctuation(c)
                })
            });
            if ends && next_opens {
                sentences.push(tokens[sentence_start..=i].to_vec());
                sentence_start = i + 1;
            }
        }
        if sentence_start < tokens.len() {
            sentences.push(tokens[sentence_start..].to_vec());
        }
    }
    sentences
}

/// Whether `text` is hard-wrapped: some of its line breaks are the wrap's
/// (see [`lines`]).
pub fn is_hard_wrapped(text: &str) -> bool {
    lines(text).len() < text.split('\n').count()
}

/// The widest a hard-wrapped text's lines run, in characters: wire copy,
/// e-mail and plain-text archives wrap at 60 to 80 columns. A text with a
/// longer line writes a paragraph (or a heading) per line.
const MAX_WRAP_WIDTH: usize = 100;
/// The narrowest: a text whose lines are all shorter is a list (of
/// headings, of names), not a wrapped paragraph.
const MIN_WRAP_WIDTH: usize = 40;

/// The lines of `text` with their byte offsets, a hard-wrapped paragraph's
/// lines joined into one.
///
/// Reuters-21578 and most plain-text wire copy wrap at a fixed width, so a
/// line break falls mid-sentence and often mid-name ("Nippon Gakki\nCo
/// Ltd"); pages scraped to text write a paragraph or a heading per line,
/// where a break is a boundary the tagger must keep. A text is read as
/// hard-wrapped when its widest line is between [`MIN_WRAP_WIDTH`] and
/// [`MAX_WRAP_WIDTH`] characters and at least a third of its lines (and
/// two or more) run on: they are *full* (the next line's first word would
/// not have fitted after them within the text's widest line, which is how
/// a wrapping editor breaks) or the next line goes on in lower case. In
/// such a text those lines run on into the next; a short line (a table
/// row, a paragraph's last line, a dateline) still ends where it ends.
fn lines(text: &str) -> Vec<(usize, &str)> {
    let mut physical = Vec::new();
    let mut offset = 0;
    for line in text.split('\n') {
        physical.push((offset, line));
        offset += line.len() + 1;
    }
    let width = |line: &str| line.trim_end().chars().count();
    let widest = physical
        .iter()
        .map(|(_, line)| width(line))
        .max()
        .unwrap_or(0);
    if !(MIN_WRAP_WIDTH..=MAX_WRAP_WIDTH).contains(&widest) || physical.len() < 3 {
        return physical;
    }
    // Whether the break after line `i` is the wrap's.
    let runs_on: Vec<bool> = physical
        .windows(2)
        .map(|pair| {
            let (this, next) = (pair[0].1, pair[1].1);
            let Some(first_word) = next.split_whitespace().next() else {
                return false;
            };
            if this.trim().is_empty() {
                return false;
            }
            let full = width(this) + 1 + first_word.chars().count() > widest;
            full || first_word.starts_with(char::is_lowercase)
        })
        .collect();
    let non_blank = physical
        .iter()
        .filter(|(_, line)| !line.trim().is_empty())
        .count();
    let running_on = runs_on.iter().filter(|runs_on| **runs_on).count();
    if running_on < 2 || running_on * 3 < non_blank {
        return physical;
    }
    let mut joined: Vec<(usize, &str)> = Vec::with_capacity(physical.len());
    let mut continues = false;
    for (i, (start, line)) in physical.iter().enumerate() {
        match joined.last_mut() {
            Some((first, span)) if continues => {
                *span = &text[*first..start + line.len()];
            }
            _ => joined.push((*start, line)),
        }
        continues = runs_on.get(i).copied().unwrap_or(false);
    }
    joined
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<Vec<&str>> {
        sentences(text)
            .iter()
            .map(|sentence| sentence.iter().map(|t| t.text(text)).collect())
            .collect()
    }

    #[test]
    fn splits_like_the_training_data() {
        assert_eq!(
            words("NATO's chief, Mark Rutte, met U.S. envoys (in Paris). They didn't agree."),
            vec![
                vec![
                    "NATO", "'s", "chief", ",", "Mark", "Rutte", ",", "met", "U.S.", "envoys", "(",
                    "in", "Paris", ")", "."
                ],
                vec!["They", "did", "n't", "agree", "."],
            ]
        );
        assert_eq!(
            words("\u{201C}Europe\u{201D} \u{2014} said Mr. Tusk on 1996-08-22..."),
            vec![vec![
                "\u{201C}",
                "Europe",
                "\u{201D}",
                "\u{2014}",
                "said",
                "Mr.",
                "Tusk",
                "on",
                "1996-08-22",
                "..."
            ]]
        );
    }

    #[test]
    fn a_hard_wrapped_paragraph_is_read_across_its_line_breaks() {
        // Wire copy's layout: a short first line after the dateline, a
        // paragraph wrapped at a fixed width, a table of figures, the
        // sign-off.
        let text = "Acme Holdings\n\
                    Group <ACME.L> said it had agreed with Northwind Electric\n\
                    Industrial Co Ltd <NW.T> and also with Blue Harbour Trading\n\
                    Co Ltd <BHT.T> of Japan to build the parts of a new wind\n\
                    turbine for the European market next year.\n    \
                    Shr 12 cts vs 15 cts\n    Net 1.2 mln vs 1.5 mln\n Reuter\n";
        let read = words(text);
        assert_eq!(read[0], vec!["Acme", "Holdings"], "a short first line ends");
        assert!(
            read[1]
                .windows(5)
                .any(|w| w == ["Blue", "Harbour", "Trading", "Co", "Ltd"]),
            "{read:?}"
        );
        assert_eq!(read[1].last(), Some(&"."), "{read:?}");
        assert_eq!(read[2], vec!["Shr", "12", "cts", "vs", "15", "cts"]);
        assert_eq!(read[3], vec!["Net", "1.2", "mln", "vs", "1.5", "mln"]);
    }

    #[test]
    fn a_paragraph_or_heading_per_line_keeps_its_breaks() {
        let text = "Live: Ukraine war latest\nZelensky meets Trump in Washington as talks on a ceasefire resume after weeks of strikes on the grid\nKyiv\nUkrenergo said power was restored";
        assert_eq!(words(text).len(), 4);
        // Short lines, none of them full: headings, not a wrapped text.
        let text = "Markets\nOil rises\nGold falls\nStocks mixed";
        assert_eq!(words(text).len(), 4);
    }

    #[test]
    fn offsets_point_into_the_text() {
        let text = "Zelensky\u{2019}s aides\nflew to Brussels.";
        for sentence in sentences(text) {
            for token in sentence {
                assert!(text.is_char_boundary(token.start) && text.is_char_boundary(token.end));
                assert!(token.start < token.end);
            }
        }
        assert_eq!(words(text)[0], vec!["Zelensky", "\u{2019}s", "aides"]);
    }
}
