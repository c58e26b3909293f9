//! A deterministic synthetic news corpus: a Zipfian vocabulary, planted
//! multi-word names (people, organisations, places) so that entity and
//! phrase queries have real hits, and tags, authors, sources and dates over
//! ten years. The same seed always yields the same articles.

use chrono::{FixedOffset, TimeZone};
use newsdex::Article;

/// SplitMix64: a tiny, well-studied generator; the bench needs only
/// reproducible, well-spread numbers.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, bound: usize) -> usize {
        (self.next_u64() % bound as u64) as usize
    }

    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Samples ranks 0..n with probability ∝ 1 / (rank + 1)^s.
pub struct Zipf {
    cumulative: Vec<f64>,
}

impl Zipf {
    pub fn new(n: usize, s: f64) -> Zipf {
        let mut cumulative = Vec::with_capacity(n);
        let mut total = 0.0;
        for rank in 0..n {
            total += 1.0 / ((rank + 1) as f64).powf(s);
            cumulative.push(total);
        }
        for value in &mut cumulative {
            *value /= total;
        }
        Zipf { cumulative }
    }

    pub fn sample(&self, rng: &mut Rng) -> usize {
        let target = rng.unit();
        self.cumulative
            .partition_point(|value| *value < target)
            .min(self.cumulative.len() - 1)
    }
}

const SYLLABLES: &[&str] = &[
    "ka", "lo", "mi", "ran", "te", "vo", "sun", "del", "ir", "ba", "no", "qui", "fe", "tor", "al",
    "ges", "pa", "ul", "ven", "ri", "mo", "chi", "das", "er", "lin", "ow", "sta", "be", "nu",
    "gar",
];
pub const FIRST_NAMES: &[&str] = &[
    "Anna", "Boris", "Carla", "David", "Elena", "Farid", "Greta", "Hugo", "Ines", "Jonas", "Keiko",
    "Luis", "Maria", "Nadia", "Omar", "Petra", "Quentin", "Rosa", "Samir", "Tomas",
];
pub const LAST_NAMES: &[&str] = &[
    "Keller",
    "Novak",
    "Santos",
    "Okafor",
    "Lindqvist",
    "Moreau",
    "Tanaka",
    "Haddad",
    "Kowalski",
    "Ortega",
    "Brennan",
    "Ivanova",
    "Dubois",
    "Mensah",
    "Rossi",
    "Weber",
    "Park",
    "Costa",
    "Nilsen",
    "Petrov",
];
pub const ORGANISATIONS: &[&str] = &[
    "Northern Rail Authority",
    "Global Shipping Council",
    "Central Bank of Veldia",
    "United Grain Exchange",
    "Harbor Energy Group",
    "Open Health Alliance",
    "Atlas Motors",
    "Meridian Telecom",
    "Blue River Mining",
    "Civic Data Trust",
];
pub const PLACES: &[&str] = &[
    "Port Avalon",
    "New Veldia",
    "Lake Serin",
    "Mount Kessel",
    "East Harbor",
    "Red Valley",
    "Saint Oren",
    "Upper Falls",
    "Cold Bay",
    "Green Hollow",
];
pub const SOURCES: &[&str] = &[
    "Daily Ledger",
    "Evening Courier",
    "Metro Wire",
    "Coastal Times",
    "Capital Post",
    "Northern Herald",
    "Global Dispatch",
    "Valley Tribune",
];

pub struct Generator {
    rng: Rng,
    vocabulary: Vec<String>,
    words: Zipf,
    tags: Vec<String>,
    tag_ranks: Zipf,
    start: i64,
}

impl Generator {
    pub fn new(seed: u64) -> Generator {
        let mut rng = Rng::new(seed);
        let mut vocabulary = Vec::with_capacity(50_000);
        let mut seen = std::collections::HashSet::new();
        while vocabulary.len() < 50_000 {
            let syllables = 1 + rng.below(4);
            let word: String = (0..syllables)
                .map(|_| SYLLABLES[rng.below(SYLLABLES.len())])
                .collect();
            if seen.insert(word.clone()) {
                vocabulary.push(word);
            }
        }
        let tags: Vec<String> = vocabulary
            .iter()
            .skip(2_000)
            .take(300)
            .map(|word| format!("{}{}", word[..1].to_uppercase(), &word[1..]))
            .collect();
        Generator {
            rng,
            words: Zipf::new(vocabulary.len(), 1.07),
            vocabulary,
            tag_ranks: Zipf::new(300, 1.0),
            tags,
            // 2015-01-01T00:00:00Z
            start: 1_420_070_400,
        }
    }

    pub fn word(&mut self, rank: usize) -> &str {
        &self.vocabulary[rank]
    }

    fn sentence(&mut self, words: usize) -> String {
        let mut sentence = String::new();
        for index in 0..words {
            if index > 0 {
                sentence.push(' ');
            }
            let rank = self.words.sample(&mut self.rng);
            sentence.push_str(&self.vocabulary[rank]);
        }
        sentence
    }

    fn person(&mut self) -> String {
        format!(
            "{} {}",
            FIRST_NAMES[self.rng.below(FIRST_NAMES.len())],
            LAST_NAMES[self.rng.below(LAST_NAMES.len())]
        )
    }

    /// Article number `number`; about 2.35 KB of text.
    pub fn article(&mut self, number: usize) -> Article {
        let mut title = self.sentence(8);
        if let Some(first) = title.get(..1) {
            title = format!("{}{}", first.to_uppercase(), &title[1..]);
        }
        let mut paragraphs = Vec::new();
        for _ in 0..5 {
            let mut paragraph = String::new();
            for _ in 0..4 {
                let length = 16 + self.rng.below(8);
                let mut sentence = self.sentence(length);
                // Plant a name in about a third of the sentences.
                if self.rng.below(3) == 0 {
                    let name = match self.rng.below(3) {
                        0 => self.person(),
                        1 => ORGANISATIONS[self.rng.below(ORGANISATIONS.len())].to_string(),
                        _ => PLACES[self.rng.below(PLACES.len())].to_string(),
                    };
                    sentence = format!("{name} {sentence}");
                }
                paragraph.push_str(&sentence);
                paragraph.push_str(". ");
            }
            paragraphs.push(paragraph.trim_end().to_string());
        }
        let tag_count = 1 + self.rng.below(3);
        let mut tags: Vec<String> = Vec::new();
        for _ in 0..tag_count {
            let tag = self.tags[self.tag_ranks.sample(&mut self.rng)].clone();
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        let seconds = self.start + (self.rng.unit() * 10.0 * 365.25 * 86_400.0) as i64;
        let utc = FixedOffset::east_opt(0).expect("UTC is a valid offset");
        Article {
            id: format!("synthetic-{number}"),
            source: Some(SOURCES[self.rng.below(SOURCES.len())].to_string()),
            language: Some("en".to_string()),
            title,
            body: paragraphs.join("\n\n"),
            authors: vec![self.person()],
            tags,
            published_at: utc.timestamp_opt(seconds, 0).single(),
            ..Article::default()
        }
    }
}

/// `count` articles from a fixed seed.
pub fn corpus(count: usize) -> Vec<Article> {
    articles().take(count).collect()
}

/// The articles of the fixed seed, one after another, without end.
pub fn articles() -> impl Iterator<Item = Article> {
    let mut generator = Generator::new(0x006e_6577_7364_6578);
    (0..).map(move |number| generator.article(number))
}
