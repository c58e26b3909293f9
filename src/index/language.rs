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
    whatlang::detect(&sample)
        .filter(whatlang::Info::is_reliable)
        .map_or(DEFAULT_LANGUAGE, |info| iso_639_1(info.lang()))
        .to_string()
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
}
