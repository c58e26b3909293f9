//! The document pass over tagged mentions: titles and roles stripped,
//! possessives and quotes trimmed, one type per name by majority, and a
//! surname (or a first name alone) linked to the full name the article
//! gives elsewhere.

use std::collections::{HashMap, HashSet};

use super::label::{KINDS, LOCATION, MISC, ORG, PERSON};
use super::tokenize::Token;
use super::{FoundEntity, Mention};
use crate::article::EntityKind;

/// A span the tagger labelled, in field `field`.
pub struct RawMention {
    pub kind: usize,
    pub field: usize,
    pub tokens: Vec<Token>,
    /// A name whose commas are its own ("Goldman, Sachs and Co"), not
    /// a list's.
    pub whole: bool,
}

/// Partners' names a firm named for them strings together before its
/// "and" ("Merrill Lynch, Pierce, Fenner and Smith Inc"), at most.
const MAX_PARTNERS: usize = 4;
/// Words of one partner's name ("Smith Barney"), at most.
const MAX_PARTNER_WORDS: usize = 2;
/// Words of the name before "and Co" ("Kohlberg Kravis Roberts and Co"),
/// at most.
const MAX_NAME_WORDS: usize = 4;

/// The words of a sentence that name a firm after its partners: two to
/// [`MAX_PARTNERS`] names in capitals parted by commas, "and" or "&", and
/// names in capitals ending in a legal form ("Goldman, Sachs and Co",
/// "Smith Barney, Harris Upham and Co Inc", "Donaldson, Lufkin and
/// Jenrette Securities Corp"). The tagger, reading commas as a list's,
/// gives such a firm in pieces ("Goldman" and "Sachs and Co"), and so
/// would the commas that part names. A legal form makes it a firm: a list
/// of places ("France, Britain and Canada") has none. Not a firm: a part
/// the tagger read as a place, a month or a day ("In March, Smith and Co"),
/// a sentence's opening word, an abbreviation (a company's: "UBS, Credit
/// Suisse and Swiss Bank Corp" is a list), or a name that ends in a legal
/// form itself (the firm before it in a list). Lists of firms whose names
/// look like partners' remain ("Capital Markets, Lazard Freres and Co"):
/// about one in twenty of the firms found in Reuters-21578. One name before
/// "and Co" is a firm too ("Merck and Co Inc", which the tagger gives as
/// "Merck", sometimes a place, and the debris "Co Inc"), whatever the
/// tagger read the name as.
pub fn partnership_firms(
    words: &[&str],
    read_as: &dyn Fn(usize) -> Option<usize>,
) -> Vec<std::ops::Range<usize>> {
    let is_place = |i: usize| read_as(i) == Some(LOCATION);
    let read_as_name = |i: usize| read_as(i).is_some();
    let capitalised = |word: &str| word.chars().next().is_some_and(char::is_uppercase);
    let mut firms = Vec::new();
    let mut k = 0;
    while k < words.len() {
        if !is_conjunction(words[k]) {
            k += 1;
            continue;
        }
        // The last partner's name ends at its legal form ("and Co Inc"):
        // a name in capitals after it is another's.
        let mut end = None;
        let mut j = k + 1;
        while j < words.len() && capitalised(words[j]) {
            if is_corporate_suffix(words[j]) {
                end = Some(j + 1);
            } else if end.is_some() {
                break;
            }
            j += 1;
        }
        // "and Co" after one name is that name's firm ("Merck and Co
        // Inc", "Bear Stearns and Co"), whatever the tagger read the name
        // as: no list ends in a legal form alone.
        let firm_of_one = end.is_some_and(|end| {
            matches!(words[k + 1].to_lowercase().as_str(), "co" | "co." | "cos")
                && words[k + 1..end]
                    .iter()
                    .all(|word| is_corporate_suffix(word))
        });
        // The partners, from the one before "and" back to the first.
        let mut start = k;
        let mut partners = 0;
        while partners < MAX_PARTNERS {
            let to = if partners == 0 {
                k
            } else if start >= 2 && words[start - 1] == "," {
                start - 1
            } else {
                break;
            };
            let named_before_co = firm_of_one && partners == 0;
            let most = if named_before_co {
                MAX_NAME_WORDS
            } else {
                MAX_PARTNER_WORDS
            };
            let mut from = to;
            while from > 0
                && to - from < most
                && capitalised(words[from - 1])
                // Before "and Co", the words the tagger read as a name
                // ("Kohlberg Kravis Roberts", not "Underwriter Merrill
                // Lynch"), and the one before "and" in any case.
                && (!named_before_co || from == to || read_as_name(from - 1))
            {
                from -= 1;
            }
            let name = &words[from..to];
            let acceptable = !name.is_empty()
                && !name.last().is_some_and(|word| is_corporate_suffix(word))
                && name.iter().all(|word| {
                    !never_alone(word)
                        && !is_sentence_opener(word)
                        && (named_before_co || !is_abbreviation(word))
                })
                && (named_before_co || (from..to).all(|i| !is_place(i)));
            if !acceptable {
                break;
            }
            start = from;
            partners += 1;
        }
        match end {
            Some(end) if partners >= 2 || (partners == 1 && firm_of_one) => {
                firms.push(start..end);
                k = end;
            }
            _ => k += 1,
        }
    }
    firms
}

/// Words naming a role or a form of address, not part of a person's name:
/// "NATO Secretary General Mark Rutte" is Mark Rutte.
const ROLE_WORDS: &[&str] = &[
    "mr",
    "mr.",
    "mrs",
    "mrs.",
    "ms",
    "ms.",
    "dr",
    "dr.",
    "sir",
    "dame",
    "lord",
    "lady",
    "madam",
    "president",
    "president-elect",
    "vice",
    "prime",
    "minister",
    "secretary",
    "general",
    "chancellor",
    "senator",
    "sen.",
    "rep.",
    "representative",
    "congressman",
    "congresswoman",
    "governor",
    "gov.",
    "mayor",
    "king",
    "queen",
    "prince",
    "princess",
    "pope",
    "judge",
    "justice",
    "ambassador",
    "envoy",
    "special",
    "foreign",
    "defence",
    "defense",
    "deputy",
    "chief",
    "commissioner",
    "chairman",
    "chairwoman",
    "chair",
    "ceo",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "sheikh",
    "colonel",
    "col.",
    "lieutenant",
    "lt.",
    "captain",
    "capt.",
    "admiral",
    "adm.",
    "sergeant",
    "sgt.",
    "director",
    "leader",
    "speaker",
    "archbishop",
    "bishop",
    "father",
    "rev.",
    "reverend",
    "professor",
    "prof.",
    "coach",
    "former",
    "premier",
    "finance",
    "treasury",
    "interior",
    "national",
    "security",
    "adviser",
    "advisor",
    "officer",
    "executive",
    "gen.",
    "maj.",
    "major",
    "commander",
    "marshal",
    "emir",
    "sultan",
    "crown",
    "cardinal",
    "rabbi",
    "imam",
    "state",
    "u.s.",
    "us",
];

/// Words besides corporate suffixes (`Corp`, `Inc`, a name was split
/// from) that are never an entity alone, though the tagger may take them
/// for one: the abbreviations of wire earnings tables (`Shr`, `Avg`,
/// `Revs`), and the months and days (CoNLL types no dates; "May" stays, a
/// surname too).
const NEVER_ALONE: &[&str] = &[
    "avg",
    "shr",
    "shrs",
    "revs",
    "qtr",
    "oper",
    "mths",
    "pct",
    "cts",
    "dlrs",
    "mln",
    "vs",
    "vs.",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
];

/// Words that open a sentence, and so take a capital, but never a name:
/// "Besides Baker" is Baker.
const SENTENCE_OPENERS: &[&str] = &[
    "besides",
    "however",
    "meanwhile",
    "but",
    "and",
    "also",
    "although",
    "though",
    "after",
    "before",
    "while",
    "when",
    "whereas",
    "if",
    "since",
    "despite",
    "unlike",
    "including",
    "according",
    "under",
    "as",
    "yesterday",
    "today",
    "tomorrow",
    "last",
    "next",
    "dear",
    "thanks",
    "like",
    "following",
    "earlier",
    "later",
    "separately",
    "still",
    "then",
    "so",
];

/// Words that say a company's legal form, lower-cased.
const CORPORATE_SUFFIXES: &[&str] = &[
    "corp", "corp.", "co", "co.", "inc", "inc.", "ltd", "ltd.", "plc", "llc", "cos", "bhd", "ag",
    "nv",
];

/// A word that says a company's legal form: never a name alone, and no
/// letter of the company's abbreviation ("MCI" is not "Manor Care Inc").
pub(crate) fn is_corporate_suffix(word: &str) -> bool {
    CORPORATE_SUFFIXES.contains(&word.to_lowercase().as_str())
}

fn never_alone(word: &str) -> bool {
    is_corporate_suffix(word) || NEVER_ALONE.contains(&word.to_lowercase().as_str())
}

fn is_sentence_opener(word: &str) -> bool {
    SENTENCE_OPENERS.contains(&word.to_lowercase().as_str())
}

fn is_bracket(word: &str) -> bool {
    matches!(word, "(" | ")" | "[" | "]" | "{" | "}" | "<" | ">")
}

fn is_role_word(word: &str) -> bool {
    let lower = word.to_lowercase();
    ROLE_WORDS.contains(&lower.as_str())
}

fn is_trimmable(word: &str) -> bool {
    word.chars().all(|c| !c.is_alphanumeric())
        || matches!(word, "'s" | "\u{2019}s" | "'S" | "\u{2019}S")
}

/// An abbreviation with a plural's "s": "MPs", "MSCPs".
fn is_plural_abbreviation(word: &str) -> bool {
    word.strip_suffix('s').is_some_and(is_abbreviation)
}

/// A number written as an ordinal ("3rd", "21ST").
fn is_ordinal(word: &str) -> bool {
    let letters = word.trim_start_matches(|c: char| c.is_ascii_digit());
    letters.len() < word.len()
        && ["st", "nd", "rd", "th"]
            .iter()
            .any(|suffix| letters.eq_ignore_ascii_case(suffix))
}

fn has_letter(word: &str) -> bool {
    word.chars().any(char::is_alphabetic)
}

fn is_all_capitals(text: &str) -> bool {
    text.chars().any(char::is_alphabetic)
        && text
            .chars()
            .filter(|c| c.is_alphabetic())
            .all(char::is_uppercase)
}

/// A mention after trimming, with its tokens' texts.
struct Clean {
    kind: usize,
    field: usize,
    start: usize,
    end: usize,
    words: Vec<String>,
    text: String,
}

fn clean(kind: usize, field: usize, tokens: &[Token], text: &str) -> Option<Clean> {
    let mut tokens = tokens;
    while let Some(first) = tokens.first() {
        if is_trimmable(first.text(text)) {
            tokens = &tokens[1..];
        } else {
            break;
        }
    }
    while let Some(last) = tokens.last() {
        if is_trimmable(last.text(text)) {
            tokens = &tokens[..tokens.len() - 1];
        } else {
            break;
        }
    }
    // A capital that opens the sentence makes no name: "Besides Baker".
    if tokens.len() > 1 && is_sentence_opener(tokens[0].text(text)) {
        tokens = &tokens[1..];
    }
    let (first, last) = (tokens.first()?, tokens.last()?);
    let words: Vec<String> = tokens.iter().map(|t| t.text(text).to_string()).collect();
    // An ordinal is no name, nor is one a shouted headline opens with
    // ("3RD QTR"), where "42nd Street" may be.
    if !words
        .iter()
        .any(|word| has_letter(word) && !is_ordinal(word))
        || (is_ordinal(&words[0]) && is_all_capitals(&words[0]))
    {
        return None;
    }
    if words.len() == 1 && (never_alone(&words[0]) || is_sentence_opener(&words[0])) {
        return None;
    }
    // An abbreviation (of five capitals at most: a name in capitals, as
    // the sign-off "REUTER" quoted in a story, has six or more), or its
    // plural, names no person: "TV", "DNA", a ticker left alone ("MER"),
    // "MPs", "DVDs", "PCs".
    if kind == PERSON
        && words.len() == 1
        && ((is_abbreviation(&words[0]) && words[0].len() <= 5)
            || is_plural_abbreviation(&words[0]))
    {
        return None;
    }
    let display = text[first.start..last.end]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if display.chars().count() < 2 {
        return None;
    }
    Some(Clean {
        kind,
        field,
        start: first.start,
        end: last.end,
        words,
        text: display,
    })
}

/// Connecting words a run of role words may hold: "Secretary of State".
fn is_connector(word: &str) -> bool {
    matches!(word, "of" | "for" | "the" | "and")
}

fn is_lowercase_word(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_lowercase)
}

/// Cleans one mention: split at commas ("Adviser Mike Waltz, and Envoy
/// Steve Witkoff" is two), lowercase words trimmed from the ends, and role
/// words taken off a name: "NATO Secretary General Mark Rutte" gives the
/// person "Mark Rutte" and, as what comes before the role is an acronym, the
/// organisation "NATO". A mention of another type that ends in a role and a
/// first name and surname ("Middle East Envoy Steve Witkoff") is a person.
fn split_roles(
    raw: &RawMention,
    text: &str,
    is_first_name: &dyn Fn(&str) -> bool,
    out: &mut Vec<Clean>,
) {
    // Commas and semicolons part names in a list; a bracket parts a name
    // from what it encloses ("Paul) Volcker" is Volcker). What angle
    // brackets enclose is a ticker, never a name: "Merrill Lynch <MER>"
    // is Merrill Lynch, and a word with a bracket inside ("Corp>'s",
    // "PAINEWEBBER<PWJ") ends the name before it.
    if raw.whole {
        out.extend(clean(raw.kind, raw.field, &raw.tokens, text));
        return;
    }
    let parts =
        |token: &Token| matches!(token.text(text), "," | ";") || is_bracket(token.text(text));
    let mut start = 0;
    for segment in raw.tokens.split(parts) {
        let end = start + segment.len();
        let ticker = (start > 0 && raw.tokens[start - 1].text(text) == "<")
            || raw.tokens.get(end).is_some_and(|t| t.text(text) == ">");
        start = end + 1;
        if ticker {
            continue;
        }
        let glued = segment
            .iter()
            .position(|t| t.text(text).contains(['<', '>']))
            .unwrap_or(segment.len());
        let mut tokens = &segment[..glued];
        while tokens
            .first()
            .is_some_and(|t| is_lowercase_word(t.text(text)))
        {
            tokens = &tokens[1..];
        }
        while tokens
            .last()
            .is_some_and(|t| is_lowercase_word(t.text(text)))
        {
            tokens = &tokens[..tokens.len() - 1];
        }
        let words: Vec<&str> = tokens.iter().map(|t| t.text(text)).collect();
        let roles: Vec<bool> = words.iter().map(|w| is_role_word(w)).collect();
        let Some(first_role) = roles.iter().position(|role| *role) else {
            out.extend(clean(raw.kind, raw.field, tokens, text));
            continue;
        };
        let mut after_roles = first_role;
        while after_roles < words.len() && (roles[after_roles] || is_connector(words[after_roles]))
        {
            after_roles += 1;
        }
        let rest = &tokens[after_roles..];
        let acronym_before = first_role == 1 && is_all_capitals(words[0]) && words[0].len() > 1;
        // A person's mention keeps the name after the roles, whatever
        // qualifies them ("Treasury Secretary James Baker").
        let person = if raw.kind == PERSON {
            !rest.is_empty()
        } else {
            (2..=4).contains(&rest.len())
                && is_first_name(rest[0].text(text))
                && rest.iter().all(|t| !is_lowercase_word(t.text(text)))
        };
        if person {
            out.extend(clean(PERSON, raw.field, rest, text));
            if acronym_before {
                out.extend(clean(ORG, raw.field, &tokens[..1], text));
            }
        } else if raw.kind == PERSON {
            // A role without a name ("NATO Secretary General").
            if acronym_before {
                out.extend(clean(ORG, raw.field, &tokens[..1], text));
            }
        } else {
            out.extend(clean(raw.kind, raw.field, tokens, text));
        }
    }
}

fn key(text: &str) -> String {
    text.replace('\u{2019}', "'").to_lowercase()
}

#[derive(Default)]
struct Group {
    votes: [usize; 4],
    first: (usize, usize),
    mentions: Vec<Clean>,
    /// An abbreviation was merged in: the name is written in full.
    spelled_out: bool,
    /// A mention follows a word naming a kind of organisation.
    described_as_organisation: bool,
    /// A place's mention follows a preposition of time and "the".
    named_as_time: bool,
    /// A mention is followed by a lower-case "administration".
    heads_an_administration: bool,
}

/// Prepositions that set what follows in time: "after the Big Bang",
/// "since the Armistice".
const TIME_PREPOSITIONS: &[&str] = &["after", "before", "since", "until", "during"];

/// A place's mention after a preposition of time and "the" names an event,
/// unless it qualifies a word after it: "since the Tokyo summit" is a
/// place.
fn named_as_time(mention: &Clean, text: &str) -> bool {
    if mention.kind != LOCATION
        || text[mention.end..]
            .split_whitespace()
            .next()
            .is_some_and(|word| word.starts_with(char::is_lowercase))
    {
        return false;
    }
    let mut before = text[..mention.start].split_whitespace().rev();
    before
        .next()
        .is_some_and(|word| word.eq_ignore_ascii_case("the"))
        && before
            .next()
            .is_some_and(|word| TIME_PREPOSITIONS.contains(&word.to_lowercase().as_str()))
}

/// An organisation's mention of one or two capitalised words before a
/// lower-case "administration" names the person who leads it: "the Reagan
/// administration", "the Aquino administration" (the tagger, reading
/// "administration", gave Reagan as an organisation in 124 Reuters-21578
/// stories). A place's ("the U.S. administration"), an abbreviation's and
/// a capitalised "Administration" ("Food and Drug Administration") are not.
fn heads_an_administration(mention: &Clean, text: &str) -> bool {
    mention.kind == ORG
        && mention.words.len() <= 2
        && mention.words.iter().all(|word| {
            word.starts_with(char::is_uppercase)
                && !is_all_capitals(word)
                && word.chars().all(char::is_alphabetic)
        })
        && text[mention.end..]
            .split_whitespace()
            .next()
            .is_some_and(|word| {
                word.trim_end_matches(|c: char| !c.is_alphabetic())
                    .trim_end_matches("'s")
                    == "administration"
            })
}

/// Words naming a kind of organisation, set before its name in news
/// ("grid operator Ukrenergo", "tech giant Google", "the lender Barclays").
const ORGANISATION_DESCRIPTORS: &[&str] = &[
    "operator",
    "company",
    "firm",
    "group",
    "agency",
    "carrier",
    "airline",
    "broadcaster",
    "insurer",
    "lender",
    "bank",
    "retailer",
    "carmaker",
    "automaker",
    "manufacturer",
    "maker",
    "producer",
    "utility",
    "regulator",
    "watchdog",
    "newspaper",
    "startup",
    "conglomerate",
    "supermarket",
    "giant",
    "miner",
    "refiner",
    "publisher",
    "developer",
    "distributor",
    "supplier",
];

/// A person's mention right after a word naming a kind of organisation,
/// its first word no first name: "grid operator Ukrenergo" is a company,
/// "company chairman" is no descriptor and "developer John Smith" stays
/// a person.
fn described_as_organisation(
    mention: &Clean,
    text: &str,
    is_first_name: &dyn Fn(&str) -> bool,
) -> bool {
    // A first name or an initial ("Dutch firm F. Van Lanschot") opens a
    // person's name, not a company's.
    let opens_a_name = |word: &str| {
        is_first_name(word)
            || (word.ends_with('.') && word.chars().filter(|c| c.is_alphabetic()).count() == 1)
    };
    if mention.kind != PERSON || mention.words.first().is_some_and(|w| opens_a_name(w)) {
        return false;
    }
    // The word before as written: "the company, Touche Ross" keeps its
    // comma and describes nothing.
    text[..mention.start]
        .split_whitespace()
        .next_back()
        .is_some_and(|word| ORGANISATION_DESCRIPTORS.contains(&word.to_lowercase().as_str()))
}

impl Group {
    fn kind(&self) -> usize {
        // Ties go to the type seen first.
        let first_kind = self.mentions.first().map_or(0, |m| m.kind);
        let mut best = first_kind;
        for (kind, votes) in self.votes.iter().enumerate() {
            if *votes > self.votes[best] {
                best = kind;
            }
        }
        best
    }

    /// The display form: the most common way of writing it, preferring
    /// one that is not all capitals (headlines shout); for a person, the
    /// fullest name first ("James Baker" over the "Baker" that follows).
    fn name(&self) -> String {
        let fullest = self.spelled_out || self.kind() == PERSON;
        let mut counts: HashMap<&str, (usize, bool)> = HashMap::new();
        for mention in &self.mentions {
            let entry = counts.entry(mention.text.as_str()).or_insert((
                0,
                !is_all_capitals(&mention.text) || mention.text.len() <= 5,
            ));
            entry.0 += 1;
        }
        let words = |text: &str| {
            if fullest {
                text.split_whitespace().count()
            } else {
                0
            }
        };
        let mut forms: Vec<(&str, (usize, bool))> = counts.into_iter().collect();
        forms.sort_by(|a, b| (b.1.1, words(b.0), b.1.0, a.0).cmp(&(a.1.1, words(a.0), a.1.0, b.0)));
        forms
            .first()
            .map_or_else(String::new, |(text, _)| text.to_string())
    }
}

/// The letters of a name's capitalised words, lower-cased: "Organization
/// of the Petroleum Exporting Countries" gives "opec". Empty for a name of
/// one word.
pub(crate) fn initials<S: AsRef<str>>(words: &[S]) -> String {
    if words.len() < 2 {
        return String::new();
    }
    words
        .iter()
        .filter_map(|word| word.as_ref().chars().next())
        .filter(|first| first.is_uppercase())
        .flat_map(char::to_lowercase)
        .collect()
}

/// A word written as an abbreviation: two to six capital letters.
pub(crate) fn is_abbreviation(word: &str) -> bool {
    (2..=6).contains(&word.chars().count()) && word.chars().all(|c| c.is_ascii_uppercase())
}

/// Whether `short` is a contraction of the name `words`: its letters, in
/// order, are letters of the name, the first being the name's first, and
/// they reach past its first word. "Petroleos Mexicanos" gives "Pemex",
/// "London Interbank Offered Rate" "LIBOR", "International Cocoa
/// Organization" "ICCO" and "European Currency Units" "ECUs", none of
/// which is its initials; "Yamaichi International" does not give
/// "Europe", nor "Chrysler Corp" "Chrysler". Letters are matched leftmost
/// first, so a short form that fits in the first word counts as not
/// reaching past it.
fn is_contraction<S: AsRef<str>>(short: &str, words: &[S]) -> bool {
    let letters = |word: &str| -> Vec<char> {
        word.chars()
            .filter(|c| c.is_alphabetic())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let words: Vec<Vec<char>> = words.iter().map(|word| letters(word.as_ref())).collect();
    let short = letters(short);
    if words.len() < 2 || short.len() < 2 || words[0].first() != short.first() {
        return false;
    }
    let (mut word, mut at) = (0, 0);
    for letter in &short {
        loop {
            let Some(current) = words.get(word) else {
                return false;
            };
            if let Some(found) = current[at.min(current.len())..]
                .iter()
                .position(|c| c == letter)
            {
                at += found + 1;
                break;
            }
            word += 1;
            at = 0;
        }
    }
    word > 0
}

/// A short form of one word that could stand for a name the article
/// writes in full: capitalised letters only ("ICO", "Pemex", "ECUs").
fn may_be_short_form(word: &str) -> bool {
    word.chars().count() >= 2
        && word.chars().all(char::is_alphabetic)
        && word.chars().next().is_some_and(char::is_uppercase)
}

/// The words an article writes alone in brackets, lower-cased: "(ICO)"
/// gives "ico". Only these may be short forms it spells out.
fn bracketed_words(fields: &[(&str, &str)]) -> HashSet<String> {
    let mut words = HashSet::new();
    for (_, text) in fields {
        let mut rest = *text;
        while let Some(open) = rest.find('(') {
            rest = &rest[open + 1..];
            // Up to the first space or bracket, so that a scan stays short.
            let end = rest
                .find(|c: char| c == ')' || c == '(' || c.is_whitespace())
                .unwrap_or(rest.len());
            if end > 0 && rest[end..].starts_with(')') {
                words.insert(rest[..end].to_lowercase());
            }
        }
    }
    words
}

/// Puts the mentions of the group `short` (a surname, a short form, a
/// name's head) under the group `full`, as votes for `kind` (`None`: the
/// full name's votes decide its type); the group they joined, or `None`
/// when either is not a group of the article (nothing moves).
fn merge_group<'a>(
    groups: &'a mut HashMap<String, Group>,
    short: &str,
    full: &str,
    kind: Option<usize>,
) -> Option<&'a mut Group> {
    if short == full || !groups.contains_key(full) {
        return None;
    }
    let group = groups.remove(short)?;
    let named = groups.get_mut(full)?;
    if let Some(kind) = kind {
        named.votes[kind] += group.mentions.len();
    }
    named.first = named.first.min(group.first);
    named.mentions.extend(group.mentions);
    Some(named)
}

/// The word a name of several words is a kind of: its last, or its last
/// before "of" or "for" ("Bank of England", "Ministry for Trade"), a legal
/// form and the "and" before it left out ("Merck and Co Inc" is a Merck).
fn head(words: &[String]) -> Option<&str> {
    let before = words
        .iter()
        .position(|word| matches!(word.as_str(), "of" | "for"))
        .unwrap_or(words.len());
    words[..before]
        .iter()
        .rev()
        .map(String::as_str)
        .find(|word| has_letter(word) && !is_corporate_suffix(word) && !is_conjunction(word))
}

fn is_conjunction(word: &str) -> bool {
    matches!(word, "and" | "&")
}

/// Legal forms written in full, which a name's initials keep ("CCC" is
/// the Commodity Credit Corporation) but its stem leaves out.
const LEGAL_FORMS_IN_FULL: &[&str] = &["corporation", "company", "incorporated", "limited"];

/// An organisation's name without the legal form it ends in, lower-cased:
/// "Jefferies and Co Inc" and "JEFFERIES AND CO" are both "jefferies";
/// `None` when the name ends in no legal form (or is one).
pub(crate) fn legal_stem<S: AsRef<str>>(words: &[S]) -> Option<String> {
    let mut end = words.len();
    let mut legal_form = false;
    while end > 0 {
        let word = words[end - 1].as_ref();
        if is_corporate_suffix(word) || LEGAL_FORMS_IN_FULL.contains(&key(word).as_str()) {
            legal_form = true;
        } else if !(is_conjunction(word) || is_trimmable(word)) {
            break;
        }
        end -= 1;
    }
    (legal_form && end > 0).then(|| {
        key(&words[..end]
            .iter()
            .map(AsRef::as_ref)
            .collect::<Vec<_>>()
            .join(" "))
    })
}

/// An organisation's names that differ by their legal form alone are one
/// organisation, under its fullest name: "Bear Stearns", "Bear Stearns
/// and Co" and "Bear Stearns and Co Inc" of one story.
fn link_legal_forms(groups: &mut HashMap<String, Group>) {
    let mut by_stem: HashMap<String, Vec<String>> = HashMap::new();
    for (name, group) in groups.iter() {
        if group.kind() != ORG {
            continue;
        }
        let stem = group
            .mentions
            .first()
            .and_then(|mention| legal_stem(&mention.words))
            .unwrap_or_else(|| name.clone());
        by_stem.entry(stem).or_default().push(name.clone());
    }
    for mut names in by_stem.into_values().filter(|names| names.len() > 1) {
        // The fullest name, then the most mentioned, then the first in
        // order (for the same result on every run).
        let words = |name: &String| name.split_whitespace().count();
        names.sort_by(|a, b| {
            words(b)
                .cmp(&words(a))
                .then_with(|| groups[b].mentions.len().cmp(&groups[a].mentions.len()))
                .then_with(|| a.cmp(b))
        });
        let Some((full, others)) = names.split_first() else {
            continue;
        };
        for other in others {
            if let Some(named) = merge_group(groups, other, full, Some(ORG)) {
                named.spelled_out = true;
            }
        }
    }
}

/// An organisation named by one word (after "The" or not) that is the
/// head of exactly one longer organisation name of the article is that
/// organisation: "The Bank" of a story about the Bank of England, "the Exchange" of one about
/// the New York Stock Exchange. Only the head: the "Senate" is not the
/// "Senate Agriculture Committee", and "Texaco" not "Texaco Canada"; and
/// a word two names share the head of ("World Bank", "Bank of Japan")
/// stays apart.
fn link_heads(groups: &mut HashMap<String, Group>) {
    // A word alone, or after "The" that opened its sentence ("The Bank
    // said").
    let single_word = |words: &[String]| match words {
        [word] => Some(key(word)),
        [the, word] if the == "The" => Some(key(word)),
        _ => None,
    };
    let mut by_head: HashMap<String, Vec<String>> = HashMap::new();
    let mut single_words: Vec<(String, String)> = Vec::new();
    for (name, group) in groups.iter() {
        let Some(mention) = group.mentions.first().filter(|_| group.kind() == ORG) else {
            continue;
        };
        if let Some(word) = single_word(&mention.words) {
            single_words.push((name.clone(), word));
        } else if let Some(word) = head(&mention.words) {
            by_head.entry(key(word)).or_default().push(name.clone());
        }
    }
    for (short, word) in single_words {
        // With no name it heads, "The Post" is the story's "Post".
        let full = match by_head.get(&word).map(Vec::as_slice) {
            Some([full]) => full.clone(),
            None if short != word && groups.contains_key(&word) => word.clone(),
            _ => continue,
        };
        if let Some(named) = merge_group(groups, &short, &full, Some(ORG)) {
            named.spelled_out |= full != word;
        }
    }
}

/// A short form the article spells out is that name. "International
/// Coffee Organization (ICO)" makes every "ICO" of the article that
/// organisation, under the full name, and "Petroleos Mexicanos (Pemex)"
/// every "Pemex". The short form must follow the name in brackets at least
/// once and be its initials ("Organization of the Petroleum Exporting
/// Countries (OPEC)"), no other name of the article having those initials,
/// or a contraction of it ([`is_contraction`]), no other name being
/// followed by it in brackets; a person's name takes none. The kind stays
/// the full name's: it is the better read of the two.
fn link_abbreviations(groups: &mut HashMap<String, Group>, fields: &[(&str, &str)]) {
    let bracketed_words = bracketed_words(fields);
    if bracketed_words.is_empty() {
        return;
    }
    let mut by_initials: HashMap<String, Vec<String>> = HashMap::new();
    for (key, group) in groups.iter() {
        if group.kind() == PERSON {
            continue;
        }
        if let Some(mention) = group.mentions.first() {
            let letters = initials(&mention.words);
            if letters.len() >= 2 {
                by_initials.entry(letters).or_default().push(key.clone());
            }
        }
    }
    // Written in brackets right after one of the full name's mentions.
    let spelled_out = |group: &Group, bracketed: &str| {
        group.mentions.iter().any(|mention| {
            fields[mention.field].1[mention.end..]
                .trim_start()
                .get(..bracketed.len())
                .is_some_and(|after| after.eq_ignore_ascii_case(bracketed))
        })
    };
    let short_forms: Vec<(String, String)> = groups
        .iter()
        .filter_map(|(key, group)| {
            let mention = group.mentions.first()?;
            (group.kind() != PERSON
                && mention.words.len() == 1
                && may_be_short_form(&mention.text)
                && bracketed_words.contains(&mention.text.to_lowercase()))
            .then(|| (key.clone(), mention.text.clone()))
        })
        .collect();
    for (short, written) in short_forms {
        let bracketed = format!("({written})");
        let by_its_initials = match by_initials.get(&short).map(Vec::as_slice) {
            Some([full]) if is_abbreviation(&written) => groups
                .get(full)
                .is_some_and(|named| spelled_out(named, &bracketed))
                .then(|| full.clone()),
            _ => None,
        };
        // The bracket test first: it is a comparison, and most one-word
        // names are never written in brackets.
        let full = by_its_initials.or_else(|| {
            let mut contracted = groups.iter().filter(|(key, group)| {
                *key != &short
                    && group.kind() != PERSON
                    && spelled_out(group, &bracketed)
                    && group
                        .mentions
                        .first()
                        .is_some_and(|mention| is_contraction(&written, &mention.words))
            });
            match (contracted.next(), contracted.next()) {
                (Some((key, _)), None) => Some(key.clone()),
                _ => None,
            }
        });
        if let Some(full) = full
            && let Some(named) = merge_group(groups, &short, &full, None)
        {
            named.spelled_out = true;
        }
    }
}

/// Groups mentions into entities with one canonical name and type each.
pub fn resolve(
    raw: Vec<RawMention>,
    fields: &[(&str, &str)],
    is_first_name: &dyn Fn(&str) -> bool,
) -> Vec<FoundEntity> {
    let mut cleaned = Vec::new();
    for mention in &raw {
        split_roles(
            mention,
            fields[mention.field].1,
            is_first_name,
            &mut cleaned,
        );
    }
    let mut groups: HashMap<String, Group> = HashMap::new();
    for mention in cleaned {
        let described = described_as_organisation(&mention, fields[mention.field].1, is_first_name);
        let group = groups.entry(key(&mention.text)).or_insert_with(|| Group {
            first: (mention.field, mention.start),
            ..Group::default()
        });
        group.described_as_organisation |= described;
        group.named_as_time |= named_as_time(&mention, fields[mention.field].1);
        group.heads_an_administration |= heads_an_administration(&mention, fields[mention.field].1);
        group.votes[mention.kind] += 1;
        group.first = group.first.min((mention.field, mention.start));
        group.mentions.push(mention);
    }

    // A name the text introduces as a company or an agency is one, each of
    // its mentions with it: "grid operator Ukrenergo said … Ukrenergo". A
    // place the text names as a point in time is an event: "650 million
    // years after the Big Bang". A name that heads an administration is
    // its leader's: "the Reagan administration".
    for group in groups.values_mut() {
        if group.described_as_organisation {
            group.votes[ORG] += std::mem::take(&mut group.votes[PERSON]);
        }
        if group.named_as_time {
            group.votes[MISC] += std::mem::take(&mut group.votes[LOCATION]);
        }
        if group.heads_an_administration {
            group.votes[PERSON] += std::mem::take(&mut group.votes[ORG]);
        }
    }

    // A name that is the last word of exactly one full person name, or of
    // the most mentioned of several, is that person: "Rutte" is "Mark
    // Rutte". Places keep their own reading ("Washington").
    let mut people: Vec<(String, Vec<String>, usize)> = groups
        .iter()
        .filter(|(_, group)| group.kind() == PERSON)
        .filter_map(|(key, group)| {
            let words = group.mentions.first()?.words.clone();
            (words.len() >= 2).then(|| (key.clone(), words, group.mentions.len()))
        })
        .collect();
    people.sort_by(|a, b| b.2.cmp(&a.2).then_with(|| a.0.cmp(&b.0)));
    let short: Vec<String> = groups
        .iter()
        .filter(|(_, group)| {
            group.kind() != LOCATION && group.mentions.first().is_some_and(|m| m.words.len() == 1)
        })
        .map(|(key, _)| key.clone())
        .collect();
    for name in short {
        let target = people
            .iter()
            .find(|(_, words, _)| words.last().is_some_and(|surname| key(surname) == name));
        if let Some((full, _, _)) = target {
            merge_group(&mut groups, &name, full, Some(PERSON));
        }
    }
    // A first name alone, read as a person, that opens exactly one full
    // person name of the article is that person, as sports and
    // entertainment stories write them ("Kree Harrison … Kree"); a first
    // name two people of the story share stays apart.
    let first_names: Vec<String> = groups
        .iter()
        .filter(|(_, group)| {
            group.kind() == PERSON && group.mentions.first().is_some_and(|m| m.words.len() == 1)
        })
        .map(|(key, _)| key.clone())
        .collect();
    for name in first_names {
        let mut opening = people
            .iter()
            .filter(|(_, words, _)| words.first().is_some_and(|first| key(first) == name));
        if let (Some((full, _, _)), None) = (opening.next(), opening.next()) {
            merge_group(&mut groups, &name, full, Some(PERSON));
        }
    }

    link_abbreviations(&mut groups, fields);
    link_legal_forms(&mut groups);
    link_heads(&mut groups);

    let mut entities: Vec<((usize, usize), FoundEntity)> = groups
        .into_values()
        .map(|group| {
            let kind: EntityKind = KINDS[group.kind()];
            let name = group.name();
            let mut mentions: Vec<Mention> = group
                .mentions
                .into_iter()
                .map(|m| Mention {
                    field: fields[m.field].0.to_string(),
                    start: m.start,
                    end: m.end,
                    text: fields[m.field].1[m.start..m.end].to_string(),
                })
                .collect();
            mentions.sort_by(|a, b| (&a.field, a.start).cmp(&(&b.field, b.start)));
            (
                group.first,
                FoundEntity {
                    kind,
                    name,
                    mentions,
                },
            )
        })
        .collect();
    entities.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.name.cmp(&b.1.name)));
    entities.into_iter().map(|(_, entity)| entity).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(name: &str) -> Vec<&str> {
        name.split_whitespace().collect()
    }

    #[test]
    fn a_legal_form_is_no_part_of_the_name_s_stem() {
        let stem = |name: &str| legal_stem(&name.split_whitespace().collect::<Vec<_>>());
        assert_eq!(stem("Hale and Co Inc").as_deref(), Some("hale"));
        assert_eq!(stem("Hale & Co.").as_deref(), Some("hale"));
        assert_eq!(stem("HALE MARSH CORP").as_deref(), Some("hale marsh"));
        assert_eq!(
            stem("Hale Marsh Holdings Ltd").as_deref(),
            Some("hale marsh holdings")
        );
        assert_eq!(stem("Hale Marsh"), None);
        assert_eq!(stem("Co Inc"), None);
    }

    #[test]
    fn a_plural_abbreviation_is_no_person() {
        for word in ["MPs", "DVDs", "MSCPs"] {
            assert!(is_plural_abbreviation(word), "{word}");
        }
        for word in ["MP", "Mrs", "Ms", "OPECS", "s"] {
            assert!(!is_plural_abbreviation(word), "{word}");
        }
    }

    #[test]
    fn an_ordinal_is_no_name() {
        for ordinal in ["3RD", "21st", "2nd", "4TH", "1ST"] {
            assert!(is_ordinal(ordinal), "{ordinal}");
        }
        for word in ["3M", "Q3", "RD", "1987", "7-Eleven"] {
            assert!(!is_ordinal(word), "{word}");
        }
    }

    #[test]
    fn a_name_is_a_kind_of_its_head() {
        let owned =
            |name: &str| -> Vec<String> { words(name).into_iter().map(String::from).collect() };
        assert_eq!(head(&owned("Bank of England")), Some("Bank"));
        assert_eq!(head(&owned("New York Stock Exchange")), Some("Exchange"));
        assert_eq!(
            head(&owned("Senate Agriculture Committee")),
            Some("Committee")
        );
        assert_eq!(head(&owned("Chrysler Corp .")), Some("Chrysler"));
        assert_eq!(head(&owned("Ministry for Trade")), Some("Ministry"));
        assert_eq!(head(&owned("Hale and Co Inc")), Some("Hale"));
    }

    /// The firms [`partnership_firms`] finds in a sentence of tokens
    /// parted by spaces, none of them read as a place but `places`.
    fn firms(sentence: &str, places: &[&str]) -> Vec<String> {
        firms_read(sentence, places, &[])
    }

    /// [`firms`], with the words of `names` read as an organisation's.
    fn firms_read(sentence: &str, places: &[&str], names: &[&str]) -> Vec<String> {
        let tokens = words(sentence);
        let read_as = |i: usize| {
            if places.contains(&tokens[i]) {
                Some(LOCATION)
            } else {
                names.contains(&tokens[i]).then_some(ORG)
            }
        };
        partnership_firms(&tokens, &read_as)
            .into_iter()
            .map(|firm| tokens[firm].join(" "))
            .collect()
    }

    #[test]
    fn a_firm_named_for_its_partners_is_one_name() {
        assert_eq!(
            firms(
                "Bonds were sold by Hale , Marsh and Co Inc and Ames Grey , Tull and Co .",
                &[]
            ),
            ["Hale , Marsh and Co Inc", "Ames Grey , Tull and Co"]
        );
        assert_eq!(
            firms(
                "Orr Lamb , Pike , Vance and Dunn Securities Corp Bell Inc said",
                &[]
            ),
            ["Orr Lamb , Pike , Vance and Dunn Securities Corp"]
        );
        // No legal form: a list.
        assert!(firms("Talks in Hale , Marsh and Tull began", &[]).is_empty());
        assert!(firms("Hale and Marsh Inc agreed", &[]).is_empty());
        // A place, a month, an abbreviation or a firm of its own before is
        // not a partner: the firm is the one name before "and Co".
        assert_eq!(
            firms("Ministers of Ruritania , Hale and Co met", &["Ruritania"]),
            ["Hale and Co"]
        );
        assert_eq!(firms("In March , Hale and Co said", &[]), ["Hale and Co"]);
        assert_eq!(firms("ABC , Marsh and Co said", &[]), ["Marsh and Co"]);
        assert_eq!(
            firms("Pike Inc , Hale , Marsh and Co said", &[]),
            ["Hale , Marsh and Co"]
        );
        assert!(firms("ABC , Marsh and Tull Inc said", &[]).is_empty());
    }

    /// One name before "and Co" is a firm, whatever the tagger read it as;
    /// its words before the last are those the tagger read as a name.
    #[test]
    fn a_name_and_co_is_a_firm() {
        assert_eq!(
            firms_read(
                "Shares of Hale and Co Inc and Ames Grey and Co rose",
                &[],
                &["Ames"]
            ),
            ["Hale and Co Inc", "Ames Grey and Co"]
        );
        assert_eq!(firms("UBS and Co said", &["UBS"]), ["UBS and Co"]);
        assert_eq!(
            firms_read(
                "The Orr Lamb Pike Vance and Co bid",
                &[],
                &["Orr", "Lamb", "Pike"]
            ),
            ["Orr Lamb Pike Vance and Co"]
        );
        assert_eq!(
            firms_read("Underwriter Pike Vance and Co Inc said", &[], &["Pike"]),
            ["Pike Vance and Co Inc"]
        );
        assert_eq!(
            firms("Underwriter Pike Vance and Co Inc said", &[]),
            ["Vance and Co Inc"]
        );
    }

    /// Short forms Reuters-21578 spells out in brackets that are not the
    /// name's initials, and bracketed words that are not short forms.
    #[test]
    fn a_contraction_takes_the_name_s_letters_in_order_past_its_first_word() {
        for (short, name) in [
            ("Pemex", "Petroleos Mexicanos"),
            ("PEMEX", "Petroleos Mexicanos"),
            ("LIBOR", "London Interbank Offered Rate"),
            ("ICCO", "International Cocoa Organization"),
            ("ECUs", "European Currency Units"),
            ("WestLB", "Westdeutsche Landesbank Girozentrale"),
            ("IBJ", "Industrial Bank of Japan Ltd"),
        ] {
            assert!(is_contraction(short, &words(name)), "{short} of {name}");
        }
        for (short, name) in [
            // Another name in brackets: a branch, a place.
            ("Europe", "Yamaichi International"),
            ("Holdings", "Cheung Kong"),
            ("Pacific", "Industrial Equity"),
            // Within the first word: the company's own short name.
            ("Chrysler", "Chrysler Corp"),
            // Letters out of the name's order, or not in it.
            ("MPE", "Petroleos Mexicanos"),
            ("Pemexz", "Petroleos Mexicanos"),
            // A one-word name has no contraction.
            ("Pem", "Pemex"),
        ] {
            assert!(!is_contraction(short, &words(name)), "{short} of {name}");
        }
    }
}
