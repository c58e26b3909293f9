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
    stem.len() <= 6 && ABBREVIATIONS.contains(&stem.to_ascii_lowercase().as_str())
}

/// Appends the tokens of one whitespace-free chunk starting at `offset`.
fn split_chunk(chunk: &str, offset: usize, tokens: &mut Vec<Token>) {
    let mut start = 0;
    let mut end = chunk.len();
    let mut leading = Vec::new();
    while let Some(c) = chunk[start..end].chars().next() {
        if (is_opening_punctuation(c) || is_dash(c)) && start + c.len_utf8() < end {
            leading.push(Token {
                start: offset + start,
                end: offset + start + c.len_utf8(),
            });
            start += c.len_utf8();
        } else {
            break;
        }
    }
    let mut trailing = Vec::new();
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
            trailing.push(Token {
                start: offset + cut,
                end: offset + end,
            });
            end = cut;
        } else {
            break;
        }
    }
    tokens.extend(leading);
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
    tokens.extend(trailing.into_iter().rev());
}

/// Splits `text` into sentences of tokens. Line breaks always end a
/// sentence; so do ".", "!" and "?" before a capital, a digit or a quote.
pub fn sentences(text: &str) -> Vec<Vec<Token>> {
    let mut sentences = Vec::new();
    for (line_start, line) in lines_with_offsets(text) {
        let mut tokens = Vec::new();
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

fn lines_with_offsets(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut offset = 0;
    text.split('\n').map(move |line| {
        let start = offset;
        offset += line.len() + 1;
        (start, line)
    })
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
