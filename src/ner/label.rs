//! Tags of the sequence tagger: BILOU (begin, inside, last, outside, unit)
//! over the four CoNLL entity types, and conversion from and to spans.

use crate::article::EntityKind;

/// Entity types, in the order of CoNLL's labels.
pub const TYPES: usize = 4;
/// The entity types' CoNLL names, by type number.
pub const TYPE_NAMES: [&str; TYPES] = ["PER", "ORG", "LOC", "MISC"];
/// Type numbers, as [`TYPE_NAMES`] and [`KINDS`] order them.
pub const PERSON: usize = 0;
pub const ORG: usize = 1;
pub const LOCATION: usize = 2;
pub const MISC: usize = 3;
pub const KINDS: [EntityKind; TYPES] = [
    EntityKind::Person,
    EntityKind::Org,
    EntityKind::Location,
    EntityKind::Misc,
];

/// Number of labels: outside, then begin/inside/last/unit of each type.
pub const LABELS: usize = 1 + 4 * TYPES;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Label(u8);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Position {
    Begin,
    Inside,
    Last,
    Unit,
}

impl Label {
    pub const OUTSIDE: Label = Label(0);

    pub fn from_index(index: usize) -> Label {
        Label(index.min(LABELS - 1) as u8)
    }

    pub fn index(self) -> usize {
        usize::from(self.0)
    }

    fn new(kind: usize, position: Position) -> Label {
        let offset = match position {
            Position::Begin => 0,
            Position::Inside => 1,
            Position::Last => 2,
            Position::Unit => 3,
        };
        Label((1 + 4 * kind + offset) as u8)
    }

    fn position(self) -> Option<Position> {
        if self.0 == 0 {
            return None;
        }
        Some(match (self.0 - 1) % 4 {
            0 => Position::Begin,
            1 => Position::Inside,
            2 => Position::Last,
            _ => Position::Unit,
        })
    }

    /// The entity type index, or `None` for outside.
    pub fn entity_type(self) -> Option<usize> {
        (self.0 != 0).then(|| usize::from(self.0 - 1) / 4)
    }

    /// Whether this label may follow `previous` in a well-formed sequence.
    pub fn may_follow(self, previous: Label) -> bool {
        let open = matches!(
            previous.position(),
            Some(Position::Begin | Position::Inside)
        );
        match self.position() {
            None | Some(Position::Begin | Position::Unit) => !open,
            Some(Position::Inside | Position::Last) => {
                open && self.entity_type() == previous.entity_type()
            }
        }
    }

    /// Whether a sentence may end after this label.
    pub fn may_end(self) -> bool {
        !matches!(self.position(), Some(Position::Begin | Position::Inside))
    }

    pub fn name(self) -> String {
        match (self.position(), self.entity_type()) {
            (Some(position), Some(kind)) => {
                let letter = match position {
                    Position::Begin => 'B',
                    Position::Inside => 'I',
                    Position::Last => 'L',
                    Position::Unit => 'U',
                };
                format!("{letter}-{}", TYPE_NAMES[kind])
            }
            _ => "O".to_string(),
        }
    }
}

/// An entity span over token positions `start..end` of a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Span {
    /// Its type number (see [`TYPE_NAMES`]).
    pub kind: usize,
    /// Its first token.
    pub start: usize,
    /// The token after its last.
    pub end: usize,
}

/// The BILOU labels of tokens `0..length` holding `spans`.
pub fn labels_of_spans(spans: &[Span], length: usize) -> Vec<Label> {
    let mut labels = vec![Label::OUTSIDE; length];
    for span in spans {
        if span.end - span.start == 1 {
            labels[span.start] = Label::new(span.kind, Position::Unit);
            continue;
        }
        labels[span.start] = Label::new(span.kind, Position::Begin);
        for label in &mut labels[span.start + 1..span.end - 1] {
            *label = Label::new(span.kind, Position::Inside);
        }
        labels[span.end - 1] = Label::new(span.kind, Position::Last);
    }
    labels
}

/// The spans of a BILOU sequence; an unfinished span ends where its type does.
pub fn spans_of_labels(labels: &[Label]) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut open: Option<Span> = None;
    for (i, label) in labels.iter().enumerate() {
        let kind = label.entity_type();
        if let Some(span) = open.take() {
            let continues = kind == Some(span.kind)
                && matches!(label.position(), Some(Position::Inside | Position::Last));
            if continues {
                let span = Span { end: i + 1, ..span };
                if label.position() == Some(Position::Last) {
                    spans.push(span);
                } else {
                    open = Some(span);
                }
                continue;
            }
            spans.push(span);
        }
        if let Some(kind) = kind {
            let span = Span {
                kind,
                start: i,
                end: i + 1,
            };
            match label.position() {
                Some(Position::Unit | Position::Last) => spans.push(span),
                _ => open = Some(span),
            }
        }
    }
    spans.extend(open);
    spans
}

/// A tag a CoNLL file should not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TagError {
    #[error("tag {0:?} is neither O nor PREFIX-TYPE")]
    Shape(String),
    #[error("unknown entity type {kind:?} in tag {tag:?}")]
    Kind { kind: String, tag: String },
    #[error("unknown tag prefix {prefix:?} in {tag:?}")]
    Prefix { prefix: String, tag: String },
}

/// Spans of IOB1 or IOB2 tags ("I-PER", "B-ORG", "O"), as CoNLL files
/// write them; an error for a tag of no known shape, type or prefix.
pub fn spans_of_iob<'a>(tags: impl IntoIterator<Item = &'a str>) -> Result<Vec<Span>, TagError> {
    let mut spans: Vec<Span> = Vec::new();
    let mut open: Option<Span> = None;
    for (i, tag) in tags.into_iter().enumerate() {
        if tag == "O" {
            spans.extend(open.take());
            continue;
        }
        let (prefix, name) = tag
            .split_once('-')
            .ok_or_else(|| TagError::Shape(tag.to_string()))?;
        let kind = TYPE_NAMES
            .iter()
            .position(|known| *known == name)
            .ok_or_else(|| TagError::Kind {
                kind: name.to_string(),
                tag: tag.to_string(),
            })?;
        let begins = match prefix {
            "B" | "S" | "U" => true,
            "I" | "E" | "L" => false,
            _ => {
                return Err(TagError::Prefix {
                    prefix: prefix.to_string(),
                    tag: tag.to_string(),
                });
            }
        };
        match open.as_mut() {
            Some(span) if span.kind == kind && !begins => span.end = i + 1,
            _ => {
                spans.extend(open.take());
                open = Some(Span {
                    kind,
                    start: i,
                    end: i + 1,
                });
            }
        }
    }
    spans.extend(open);
    Ok(spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iob1_spans_round_trip_through_bilou() {
        let tags = ["I-PER", "I-PER", "O", "I-LOC", "B-LOC", "I-LOC", "I-ORG"];
        let spans = spans_of_iob(tags).unwrap();
        assert_eq!(
            spans,
            vec![
                Span {
                    kind: 0,
                    start: 0,
                    end: 2
                },
                Span {
                    kind: 2,
                    start: 3,
                    end: 4
                },
                Span {
                    kind: 2,
                    start: 4,
                    end: 6
                },
                Span {
                    kind: 1,
                    start: 6,
                    end: 7
                },
            ]
        );
        let labels = labels_of_spans(&spans, tags.len());
        assert_eq!(spans_of_labels(&labels), spans);
        assert!(labels.windows(2).all(|pair| pair[1].may_follow(pair[0])));
        assert!(labels.last().unwrap().may_end());
    }
}
