//! The language of an article that names none, detected from its text.
//!
//! whatlang (trigram profiles of 69 languages, pure Rust, no model files)
//! was chosen over lingua, which is more accurate on short texts but ships
//! hundreds of megabytes of n-gram models and takes milliseconds per text:
//! an article's title and lead are long enough for trigrams, and indexing
//! runs this on every article that lacks a language. Text too short or
//! too mixed to tell gets the default analysis language, so the language
//! facet and filter always name the analysis the article's words went
//! through.

use crate::analysis::DEFAULT_LANGUAGE;
use crate::article::Article;

/// Characters of an article's text read to detect its language.
const SAMPLE_CHARS: usize = 1_500;

/// The ISO 639-1 code of the language an article is written in: the one
/// it names, else the one detected in its title, summary and body, else
/// [`DEFAULT_LANGUAGE`].
pub fn article_language(article: &Article) -> String {
    if let Some(language) = article.language.as_deref().filter(|code| !code.is_empty()) {
        return language.to_string();
    }
    let mut sample = String::with_capacity(SAMPLE_CHARS + 64);
    for part in [
        article.title.as_str(),
        article.summary.as_deref().unwrap_or_default(),
        article.body.as_str(),
    ] {
        if sample.len() >= SAMPLE_CHARS {
            break;
        }
        sample.extend(part.chars().take(SAMPLE_CHARS));
        sample.push_str(".\n");
    }
    if plainly_english(&sample) {
        return "en".to_string();
    }
    whatlang::detect(&sample)
        .filter(whatlang::Info::is_reliable)
        .map(|info| iso_639_1(info.lang()))
        .filter(|code| writes_its_stop_words(code, &sample))
        .unwrap_or(DEFAULT_LANGUAGE)
        .to_string()
}

/// Share of a sample's words that must be stop words of the language
/// whatlang names, where newsdex has that language's stop words.
const MIN_STOP_WORD_SHARE: f64 = 0.1;

/// Whether a sample writes the stop words of the language detected in it,
/// at [`MIN_STOP_WORD_SHARE`] of its words or more; a language without a
/// stop-word list passes. Prose in any language is a quarter to a half
/// stop words; whatlang, reading trigrams, also names a language for text
/// that is not prose, and wire tables of figures ("Shr 10 cts vs seven
/// cts / Net 3,501,000 vs 2,420,000") came out French, Spanish or Danish
/// with full confidence: 228 of Reuters-21578's 19,043 stories, which
/// then lost English stemming and their entities. The share was chosen on
/// the even-numbered stories of Reuters-21578, AG News and BBC News and
/// French Wikinews (also cut to its first 15 to 80 words); on the odd ones
/// it leaves 3 English stories of 14,436 in another language (119 before)
/// and names French as often as before.
fn writes_its_stop_words(code: &str, sample: &str) -> bool {
    use tantivy::tokenizer::{LowerCaser, SimpleTokenizer, StopWordFilter, TextAnalyzer};
    let Some(stop_words) = crate::analysis::stemmer_language(code).and_then(StopWordFilter::new)
    else {
        return true;
    };
    let words = |analyzer: &mut TextAnalyzer| {
        let mut count = 0usize;
        analyzer.token_stream(sample).process(&mut |token| {
            count += usize::from(token.text.chars().any(char::is_alphabetic));
        });
        count
    };
    let all = words(
        &mut TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .build(),
    );
    let kept = words(
        &mut TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .filter(stop_words)
            .build(),
    );
    all > 0 && (all - kept) as f64 >= all as f64 * MIN_STOP_WORD_SHARE
}

/// Words a sample needs before [`plainly_english`] may answer.
const ENGLISH_MIN_WORDS: usize = 40;

/// Share of a sample's words that must be "the", "of" or "and".
const ENGLISH_MIN_SHARE: f64 = 0.06;

/// Whether a sample is English beyond doubt, without whatlang: at least
/// [`ENGLISH_MIN_SHARE`] of its words are "the", "of" and "and", which
/// no other language writes as words of its own text (in English news
/// they are 6 to 20%; in the French Wikinews articles of `../shared/corpus`
/// 2% at most, in English quotes). whatlang measures every text against
/// the 300 commonest trigrams of each of its 45 Latin-script languages
/// whatever the text's length: that was a fifth of the CPU time of
/// indexing Reuters-21578 with entities (perf), and this answers for 85%
/// of its articles and 97% of BBC News's.
fn plainly_english(sample: &str) -> bool {
    let mut words = 0usize;
    let mut markers = 0usize;
    for word in sample
        .split(|c: char| !c.is_alphabetic())
        .filter(|word| !word.is_empty())
    {
        words += 1;
        if ["the", "of", "and"]
            .iter()
            .any(|marker| word.eq_ignore_ascii_case(marker))
        {
            markers += 1;
        }
    }
    words >= ENGLISH_MIN_WORDS && markers as f64 >= words as f64 * ENGLISH_MIN_SHARE
}

/// whatlang's languages by their two-letter ISO 639-1 codes (every one
/// it detects has one).
fn iso_639_1(lang: whatlang::Lang) -> &'static str {
    use whatlang::Lang;
    match lang {
        Lang::Afr => "af",
        Lang::Aka => "ak",
        Lang::Amh => "am",
        Lang::Ara => "ar",
        Lang::Aze => "az",
        Lang::Bel => "be",
        Lang::Ben => "bn",
        Lang::Bul => "bg",
        Lang::Cat => "ca",
        Lang::Ces => "cs",
        Lang::Cmn => "zh",
        Lang::Cym => "cy",
        Lang::Dan => "da",
        Lang::Deu => "de",
        Lang::Ell => "el",
        Lang::Eng => "en",
        Lang::Epo => "eo",
        Lang::Est => "et",
        Lang::Fin => "fi",
        Lang::Fra => "fr",
        Lang::Guj => "gu",
        Lang::Heb => "he",
        Lang::Hin => "hi",
        Lang::Hrv => "hr",
        Lang::Hun => "hu",
        Lang::Hye => "hy",
        Lang::Ind => "id",
        Lang::Ita => "it",
        Lang::Jav => "jv",
        Lang::Jpn => "ja",
        Lang::Kan => "kn",
        Lang::Kat => "ka",
        Lang::Khm => "km",
        Lang::Kor => "ko",
        Lang::Lat => "la",
        Lang::Lav => "lv",
        Lang::Lit => "lt",
        Lang::Mal => "ml",
        Lang::Mar => "mr",
        Lang::Mkd => "mk",
        Lang::Mya => "my",
        Lang::Nep => "ne",
        Lang::Nld => "nl",
        Lang::Nob => "nb",
        Lang::Ori => "or",
        Lang::Pan => "pa",
        Lang::Pes => "fa",
        Lang::Pol => "pl",
        Lang::Por => "pt",
        Lang::Ron => "ro",
        Lang::Rus => "ru",
        Lang::Sin => "si",
        Lang::Slk => "sk",
        Lang::Slv => "sl",
        Lang::Sna => "sn",
        Lang::Spa => "es",
        Lang::Srp => "sr",
        Lang::Swe => "sv",
        Lang::Tam => "ta",
        Lang::Tel => "te",
        Lang::Tgl => "tl",
        Lang::Tha => "th",
        Lang::Tuk => "tk",
        Lang::Tur => "tr",
        Lang::Ukr => "uk",
        Lang::Urd => "ur",
        Lang::Uzb => "uz",
        Lang::Vie => "vi",
        Lang::Yid => "yi",
        Lang::Zul => "zu",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn untagged(title: &str, body: &str) -> Article {
        Article {
            id: "x".to_string(),
            title: title.to_string(),
            body: body.to_string(),
            ..Article::default()
        }
    }

    #[test]
    fn an_article_without_a_language_gets_the_one_its_text_is_in() {
        let english = untagged(
            "Central bank holds interest rates steady",
            "The central bank kept its main interest rate unchanged on Thursday, saying inflation was falling more slowly than expected.",
        );
        assert_eq!(article_language(&english), "en");
        let french = untagged(
            "Les élections municipales reportées dans trois communes",
            "Les inondations ont contraint les autorités à reporter le scrutin dans trois communes du département.",
        );
        assert_eq!(article_language(&french), "fr");
        // Too little text to tell: the default analysis.
        assert_eq!(article_language(&untagged("Ok", "")), DEFAULT_LANGUAGE);
        // A named language is kept.
        let named = Article {
            language: Some("de".to_string()),
            ..english
        };
        assert_eq!(article_language(&named), "de");
    }

    /// The files of `../shared/corpus/DIR`, sorted; a missing corpus fails
    /// under CI and is skipped elsewhere.
    fn corpus_files(dir: &str) -> Vec<std::path::PathBuf> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/corpus")
            .join(dir);
        let mut files: Vec<_> = std::fs::read_dir(&path)
            .map(|entries| {
                entries
                    .filter_map(|entry| entry.ok().map(|e| e.path()))
                    .collect()
            })
            .unwrap_or_default();
        assert!(
            !files.is_empty() || std::env::var_os("CI").is_none(),
            "{} is absent",
            path.display()
        );
        files.sort();
        files
    }

    /// Reuters-21578 is English throughout, its tables of figures too
    /// ("Shr 10 cts vs seven cts"), which whatlang alone read as French,
    /// Spanish or Danish in 228 stories.
    #[test]
    fn wire_tables_of_figures_are_english() {
        let mut stories = 0;
        let mut misread = Vec::new();
        for path in corpus_files("reuters21578") {
            if path.extension().is_none_or(|extension| extension != "sgm") {
                continue;
            }
            let bytes = std::fs::read(&path).expect("a readable Reuters file");
            let text = String::from_utf8_lossy(&bytes);
            for story in text.split("<REUTERS ").skip(1) {
                let between = |open: &str, close: &str| {
                    story
                        .split_once(open)
                        .and_then(|(_, rest)| rest.split_once(close))
                        .map(|(inner, _)| inner.to_string())
                        .unwrap_or_default()
                };
                let article = untagged(
                    &between("<TITLE>", "</TITLE>"),
                    &between("<BODY>", "</BODY>"),
                );
                if article.body.is_empty() {
                    continue;
                }
                stories += 1;
                let language = article_language(&article);
                if language != "en" {
                    misread.push((language, article.title));
                }
            }
        }
        assert!(stories >= 19_000 || stories == 0, "{stories} stories");
        assert!(misread.len() <= 5, "{} misread: {misread:?}", misread.len());
    }

    /// The shortcut never answers for another language, and where it
    /// answers on English news, whatlang says English too: French
    /// Wikinews pages and BBC News business articles.
    #[test]
    fn plainly_english_text_is_what_whatlang_calls_english() {
        for path in corpus_files("wikinews-fr-keyphrase/documents") {
            let page = std::fs::read_to_string(&path).expect("a readable page");
            let article = crate::ingest::html::parse_html(&page, None, chrono_tz::UTC)
                .expect("a French Wikinews page reads");
            let sample = format!("{}.\n{}", article.title, article.body);
            assert!(!plainly_english(&sample), "{}", path.display());
            assert_eq!(article_language(&article), "fr", "{}", path.display());
        }
        let mut answered = 0;
        let business = corpus_files("bbc-news/business");
        for path in &business {
            let text = std::fs::read_to_string(path).unwrap_or_default();
            let sample: String = text.chars().take(1_500).collect();
            if plainly_english(&sample) {
                answered += 1;
                let detected = whatlang::detect(&sample).map(|info| info.lang());
                assert_eq!(detected, Some(whatlang::Lang::Eng), "{}", path.display());
            }
        }
        assert!(
            answered * 10 >= business.len() * 9,
            "{answered} of {}",
            business.len()
        );
    }
}
