//! Brown clustering of words from unlabelled text (Brown et al. 1992, with
//! Liang's 2005 windowed algorithm): words are merged into classes so as to
//! lose the least mutual information between adjacent classes. The first
//! `classes` words by frequency start as classes; each further word joins as
//! a class of its own and the two classes whose merge costs least are
//! merged. The final classes are then merged down to one, and each class's
//! path in that merge tree (0 = left, 1 = right) names it; prefixes of the
//! path are coarser classes.
//!
//! Written here because no maintained crate implements Brown clustering.

use std::collections::HashMap;

/// How to cluster.
#[derive(Debug, Clone)]
pub struct BrownOptions {
    /// Number of classes kept by the windowed pass: 512 by default, as the
    /// shipped clusters (chosen over 256 by cross-validation on CoNLL-2003
    /// `eng.train`; the time grows with the square of it).
    pub classes: usize,
    /// Words seen fewer times are not clustered.
    pub min_count: usize,
}

impl Default for BrownOptions {
    fn default() -> BrownOptions {
        BrownOptions {
            classes: 512,
            min_count: 4,
        }
    }
}

/// Words and their bigram counts.
struct Corpus {
    words: Vec<String>,
    /// Per word: (right neighbour, count) and (left neighbour, count).
    right: Vec<Vec<(u32, u64)>>,
    left: Vec<Vec<(u32, u64)>>,
    left_total: Vec<f64>,
    right_total: Vec<f64>,
    total: f64,
}

fn build_corpus(sentences: &[Vec<String>], min_count: usize) -> Corpus {
    let mut frequency: HashMap<&str, u64> = HashMap::new();
    for sentence in sentences {
        for word in sentence {
            *frequency.entry(word.as_str()).or_default() += 1;
        }
    }
    let mut words: Vec<(&str, u64)> = frequency
        .into_iter()
        .filter(|(_, count)| *count >= min_count as u64)
        .collect();
    // Most frequent first; ties by text so the result is reproducible.
    words.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    let ids: HashMap<&str, u32> = words
        .iter()
        .enumerate()
        .map(|(i, (word, _))| (*word, i as u32))
        .collect();
    let mut pairs: HashMap<(u32, u32), u64> = HashMap::new();
    for sentence in sentences {
        for pair in sentence.windows(2) {
            if let (Some(a), Some(b)) = (ids.get(pair[0].as_str()), ids.get(pair[1].as_str())) {
                *pairs.entry((*a, *b)).or_default() += 1;
            }
        }
    }
    let n = words.len();
    let mut right = vec![Vec::new(); n];
    let mut left = vec![Vec::new(); n];
    let mut left_total = vec![0.0; n];
    let mut right_total = vec![0.0; n];
    let mut total = 0.0;
    let mut sorted: Vec<_> = pairs.into_iter().collect();
    sorted.sort_unstable();
    for ((a, b), count) in sorted {
        right[a as usize].push((b, count));
        left[b as usize].push((a, count));
        left_total[a as usize] += count as f64;
        right_total[b as usize] += count as f64;
        total += count as f64;
    }
    Corpus {
        words: words.iter().map(|(w, _)| w.to_string()).collect(),
        right,
        left,
        left_total,
        right_total,
        total,
    }
}

#[inline]
fn q(joint: f64, left: f64, right: f64) -> f64 {
    if joint > 0.0 && left > 0.0 && right > 0.0 {
        joint * (joint / (left * right)).ln()
    } else {
        0.0
    }
}

/// The clustering state over `slots` class slots (classes + 1 spare).
struct State {
    slots: usize,
    active: Vec<bool>,
    /// Joint probability of class x followed by class y.
    p: Vec<f64>,
    left: Vec<f64>,
    right: Vec<f64>,
    /// Cached q(x, y).
    qs: Vec<f64>,
    /// Loss of merging a and b, for a < b.
    loss: Vec<f64>,
    /// Merge-tree node of each slot.
    node: Vec<usize>,
}

impl State {
    fn p(&self, x: usize, y: usize) -> f64 {
        self.p[x * self.slots + y]
    }

    fn q(&self, x: usize, y: usize) -> f64 {
        self.qs[x * self.slots + y]
    }

    fn refresh_q(&mut self, x: usize) {
        for y in 0..self.slots {
            if self.active[y] {
                self.qs[x * self.slots + y] = q(self.p(x, y), self.left[x], self.right[y]);
                self.qs[y * self.slots + x] = q(self.p(y, x), self.left[y], self.right[x]);
            }
        }
    }

    fn actives(&self) -> Vec<usize> {
        (0..self.slots).filter(|&s| self.active[s]).collect()
    }

    /// How `x` contributes to the loss of merging a and b.
    fn contribution(&self, a: usize, b: usize, x: usize) -> f64 {
        let (la, lb, ra, rb) = (self.left[a], self.left[b], self.right[a], self.right[b]);
        self.q(a, x) + self.q(x, a) + self.q(b, x) + self.q(x, b)
            - q(self.p(a, x) + self.p(b, x), la + lb, self.right[x])
            - q(self.p(x, a) + self.p(x, b), self.left[x], ra + rb)
    }

    /// The loss of merging a and b, from scratch.
    fn full_loss(&self, a: usize, b: usize, actives: &[usize]) -> f64 {
        let mut before = -self.q(a, a) - self.q(b, b) - self.q(a, b) - self.q(b, a);
        let mut after = 0.0;
        let (lm, rm) = (self.left[a] + self.left[b], self.right[a] + self.right[b]);
        for &x in actives {
            before += self.q(a, x) + self.q(x, a) + self.q(b, x) + self.q(x, b);
            if x != a && x != b {
                after += q(self.p(a, x) + self.p(b, x), lm, self.right[x]);
                after += q(self.p(x, a) + self.p(x, b), self.left[x], rm);
            }
        }
        let pmm = self.p(a, a) + self.p(a, b) + self.p(b, a) + self.p(b, b);
        after += q(pmm, lm, rm);
        before - after
    }

    fn set_loss(&mut self, a: usize, b: usize, value: f64) {
        let (a, b) = (a.min(b), a.max(b));
        self.loss[a * self.slots + b] = value;
    }

    fn get_loss(&self, a: usize, b: usize) -> f64 {
        let (a, b) = (a.min(b), a.max(b));
        self.loss[a * self.slots + b]
    }

    fn refresh_losses_of(&mut self, a: usize) {
        let actives = self.actives();
        for &b in &actives {
            if b != a {
                let value = self.full_loss(a, b, &actives);
                self.set_loss(a, b, value);
            }
        }
    }

    fn best_pair(&self) -> Option<(usize, usize)> {
        let actives = self.actives();
        let mut best: Option<(f64, usize, usize)> = None;
        for (i, &a) in actives.iter().enumerate() {
            for &b in &actives[i + 1..] {
                let value = self.get_loss(a, b);
                if best.is_none_or(|(top, _, _)| value < top) {
                    best = Some((value, a, b));
                }
            }
        }
        best.map(|(_, a, b)| (a, b))
    }

    /// Merges slot d into slot c, keeping every other pair's loss current.
    fn merge(&mut self, c: usize, d: usize) {
        let actives: Vec<usize> = self
            .actives()
            .into_iter()
            .filter(|&x| x != c && x != d)
            .collect();
        for (i, &a) in actives.iter().enumerate() {
            for &b in &actives[i + 1..] {
                let value =
                    self.get_loss(a, b) - self.contribution(a, b, c) - self.contribution(a, b, d);
                self.set_loss(a, b, value);
            }
        }
        let n = self.slots;
        let (cc, cd, dc, dd) = (self.p(c, c), self.p(c, d), self.p(d, c), self.p(d, d));
        for &x in &actives {
            self.p[c * n + x] += self.p[d * n + x];
            self.p[x * n + c] += self.p[x * n + d];
        }
        self.p[c * n + c] = cc + cd + dc + dd;
        for x in 0..n {
            self.p[d * n + x] = 0.0;
            self.p[x * n + d] = 0.0;
        }
        self.left[c] += self.left[d];
        self.right[c] += self.right[d];
        self.left[d] = 0.0;
        self.right[d] = 0.0;
        self.active[d] = false;
        self.refresh_q(c);
        for (i, &a) in actives.iter().enumerate() {
            for &b in &actives[i + 1..] {
                let value = self.get_loss(a, b) + self.contribution(a, b, c);
                self.set_loss(a, b, value);
            }
        }
        self.refresh_losses_of(c);
    }

    /// Puts a word into the free slot `s`.
    fn add(&mut self, s: usize, word: usize, corpus: &Corpus, slot_of: &[Option<usize>]) {
        let n = self.slots;
        for x in 0..n {
            self.p[s * n + x] = 0.0;
            self.p[x * n + s] = 0.0;
        }
        self.active[s] = true;
        self.left[s] = corpus.left_total[word] / corpus.total;
        self.right[s] = corpus.right_total[word] / corpus.total;
        // Bigrams of this word with words already clustered (or itself).
        for &(next, count) in &corpus.right[word] {
            let target = if next as usize == word {
                Some(s)
            } else {
                slot_of[next as usize]
            };
            if let Some(y) = target {
                self.p[s * n + y] += count as f64 / corpus.total;
            }
        }
        for &(previous, count) in &corpus.left[word] {
            if previous as usize == word {
                continue;
            }
            if let Some(x) = slot_of[previous as usize] {
                self.p[x * n + s] += count as f64 / corpus.total;
            }
        }
        self.refresh_q(s);
        let actives: Vec<usize> = self.actives().into_iter().filter(|&x| x != s).collect();
        for (i, &a) in actives.iter().enumerate() {
            for &b in &actives[i + 1..] {
                let value = self.get_loss(a, b) + self.contribution(a, b, s);
                self.set_loss(a, b, value);
            }
        }
        self.refresh_losses_of(s);
    }
}

/// Clusters the words of `sentences`; returns (word, path) for every word
/// seen at least `min_count` times, most frequent first.
pub fn cluster(
    sentences: &[Vec<String>],
    options: &BrownOptions,
    mut progress: impl FnMut(usize, usize),
) -> Vec<(String, String)> {
    let corpus = build_corpus(sentences, options.min_count);
    let words = corpus.words.len();
    if words == 0 || corpus.total == 0.0 {
        return Vec::new();
    }
    let classes = options.classes.clamp(1, words);
    let slots = classes + 1;
    let mut state = State {
        slots,
        active: vec![false; slots],
        p: vec![0.0; slots * slots],
        left: vec![0.0; slots],
        right: vec![0.0; slots],
        qs: vec![0.0; slots * slots],
        loss: vec![0.0; slots * slots],
        node: vec![0; slots],
    };
    // Merge tree: node → (parent, bit).
    let mut parent: Vec<Option<(usize, u8)>> = Vec::new();
    // Class of each word: the tree node its class had when the word joined.
    let mut word_node = vec![0usize; words];
    let mut slot_of: Vec<Option<usize>> = vec![None; words];
    // Words joining a class keep pointing at it through `members`.
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); slots];

    for word in 0..classes {
        state.active[word] = true;
        slot_of[word] = Some(word);
        members[word].push(word);
    }
    let n = slots;
    for word in 0..classes {
        state.left[word] = corpus.left_total[word] / corpus.total;
        state.right[word] = corpus.right_total[word] / corpus.total;
        for &(next, count) in &corpus.right[word] {
            if (next as usize) < classes {
                state.p[word * n + next as usize] += count as f64 / corpus.total;
            }
        }
    }
    for x in 0..classes {
        state.refresh_q(x);
    }
    let actives = state.actives();
    for (i, &a) in actives.iter().enumerate() {
        for &b in &actives[i + 1..] {
            let value = state.full_loss(a, b, &actives);
            state.set_loss(a, b, value);
        }
    }

    let mut free = classes;
    for word in classes..words {
        state.add(free, word, &corpus, &slot_of);
        slot_of[word] = Some(free);
        members[free] = vec![word];
        let Some((c, d)) = state.best_pair() else {
            break;
        };
        // Keep the lower slot: members of d move to c.
        let moved = std::mem::take(&mut members[d]);
        for member in &moved {
            slot_of[*member] = Some(c);
        }
        members[c].extend(moved);
        state.merge(c, d);
        free = d;
        if word % 500 == 0 {
            progress(word, words);
        }
    }

    // The final classes become leaves of the merge tree.
    for slot in state.actives() {
        state.node[slot] = parent.len();
        parent.push(None);
        for member in &members[slot] {
            word_node[*member] = state.node[slot];
        }
    }
    while state.actives().len() > 1 {
        let Some((c, d)) = state.best_pair() else {
            break;
        };
        let joined = parent.len();
        parent.push(None);
        parent[state.node[c]] = Some((joined, 0));
        parent[state.node[d]] = Some((joined, 1));
        state.merge(c, d);
        state.node[c] = joined;
    }

    let path_of = |mut node: usize| {
        let mut bits = Vec::new();
        while let Some((up, bit)) = parent[node] {
            bits.push(if bit == 0 { '0' } else { '1' });
            node = up;
        }
        bits.reverse();
        bits.truncate(63);
        if bits.is_empty() {
            bits.push('0');
        }
        bits.into_iter().collect::<String>()
    };
    corpus
        .words
        .iter()
        .enumerate()
        .map(|(word, text)| (text.clone(), path_of(word_node[word])))
        .collect()
}

/// The sentences of a file of unlabelled text, as words: CoNLL and
/// CoNLL-U files give their word column; anything else is text whose markup
/// tags and character entities are dropped.
pub fn text_sentences(text: &str) -> Vec<Vec<String>> {
    let conll = text.starts_with("-DOCSTART-") || text.starts_with("# ");
    if conll {
        let mut sentences = Vec::new();
        let mut sentence = Vec::new();
        for line in text.lines() {
            let columns: Vec<&str> = line.split(['\t', ' ']).collect();
            if line.trim().is_empty() || line.starts_with("-DOCSTART-") {
                if !sentence.is_empty() {
                    sentences.push(std::mem::take(&mut sentence));
                }
            } else if line.starts_with('#') {
                continue;
            } else if columns.len() >= 2 {
                // CoNLL-U puts the word second, after a numeric id.
                let numbered = columns[0]
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == '-' || c == '.');
                if numbered && columns.len() >= 4 {
                    if columns[0].chars().all(|c| c.is_ascii_digit()) {
                        sentence.push(columns[1].to_string());
                    }
                } else {
                    sentence.push(columns[0].to_string());
                }
            }
        }
        if !sentence.is_empty() {
            sentences.push(sentence);
        }
        return sentences;
    }
    let mut plain = String::with_capacity(text.len());
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                plain.push(' ');
            }
            _ if !in_tag => plain.push(c),
            _ => {}
        }
    }
    let plain = plain
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
        .replace("&quot;", "\"");
    super::tokenize::sentences(&plain)
        .into_iter()
        .map(|sentence| {
            sentence
                .iter()
                .map(|token| token.text(&plain).to_string())
                .filter(|word| !word.starts_with("&#"))
                .collect::<Vec<_>>()
        })
        .filter(|sentence| !sentence.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_of_like_contexts_share_a_class() {
        let mut sentences = Vec::new();
        for (name, city) in [
            ("Smith", "Paris"),
            ("Jones", "London"),
            ("Brown", "Berlin"),
            ("Smith", "London"),
            ("Jones", "Berlin"),
            ("Brown", "Paris"),
        ] {
            for _ in 0..20 {
                sentences.push(
                    format!("Mr {name} flew to {city} on Monday")
                        .split(' ')
                        .map(String::from)
                        .collect(),
                );
            }
        }
        let options = BrownOptions {
            classes: 4,
            min_count: 1,
        };
        let paths: HashMap<String, String> = cluster(&sentences, &options, |_, _| {})
            .into_iter()
            .collect();
        assert_eq!(paths["Smith"], paths["Jones"]);
        assert_eq!(paths["Paris"], paths["Berlin"]);
        assert_ne!(paths["Smith"], paths["Paris"]);
    }
}
