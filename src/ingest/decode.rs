//! Bytes → text: gzip, byte-order marks and legacy encodings.

use std::borrow::Cow;
use std::io::{BufRead, BufReader, Read};

/// Text decoded from an input, and the legacy encoding used if the bytes
/// were not UTF-8.
#[derive(Debug)]
pub struct DecodedText<'a> {
    /// The text.
    pub text: Cow<'a, str>,
    /// The legacy encoding it was decoded from, when it was not UTF-8.
    pub fallback_encoding: Option<&'static str>,
}

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Bounds on what one input may make a reader hold, whatever its size on
/// the wire: a gzip bomb, a giant line or an endless stream is one rejected
/// record with the reason, and the rest of the batch lands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// A whole document (a feed, a JSON array, a page), after inflating.
    pub max_text_bytes: usize,
    /// One NDJSON line (one article), after inflating.
    pub max_line_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_text_bytes: 256 << 20,
            max_line_bytes: 32 << 20,
        }
    }
}

/// Bytes as a size for messages.
pub fn mebibytes(bytes: usize) -> String {
    if bytes >= 1 << 20 {
        format!("{} MiB", bytes >> 20)
    } else {
        format!("{} KiB", bytes >> 10)
    }
}

/// Why an input could not be read as text.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    /// Past [`Limits::max_text_bytes`] (after inflating, for gzip).
    #[error("{}", too_large_message(*max, *inflated))]
    TooLarge {
        /// The limit, in bytes.
        max: usize,
        /// Whether the input was gzip.
        inflated: bool,
    },
    /// The bytes stopped making sense (truncated gzip) or could not be read.
    #[error("{}: {source}", if *inflated { "corrupt gzip data" } else { "cannot read file" })]
    Unreadable {
        /// Whether the input was gzip.
        inflated: bool,
        /// What the read said.
        source: std::io::Error,
    },
    /// NUL bytes without a UTF-16 mark: binary data, not text.
    #[error("binary content, not text")]
    Binary,
}

fn too_large_message(max: usize, inflated: bool) -> String {
    if inflated {
        format!(
            "gzip data inflates to more than {}, the limit for one document",
            mebibytes(max)
        )
    } else {
        format!(
            "larger than {}, the limit for one document (NDJSON is read a line at a time, without this limit)",
            mebibytes(max)
        )
    }
}

/// The one decoding path of every input, read whole or streamed a line at
/// a time: gzip inflated (found by its magic bytes, whatever the file
/// name), then a byte-order mark read and dropped, UTF-16 transcoded to
/// UTF-8 (`encoding_rs_io`). Other bytes pass through unchanged, for the
/// reader to take as UTF-8 or, where they are not, Windows-1252 (see
/// [`utf8_or_windows_1252`]). Also says whether the input was gzip.
pub fn decoded_reader<'a, R: Read + 'a>(
    reader: R,
) -> std::io::Result<(Box<dyn BufRead + 'a>, bool)> {
    let mut buffered = BufReader::with_capacity(BUFFER, reader);
    let gzip = buffered.fill_buf()?.starts_with(&GZIP_MAGIC);
    let inflated: Box<dyn Read + 'a> = if gzip {
        Box::new(flate2::read::MultiGzDecoder::new(buffered))
    } else {
        Box::new(buffered)
    };
    let transcoded = encoding_rs_io::DecodeReaderBytesBuilder::new()
        .bom_sniffing(true)
        .strip_bom(true)
        .utf8_passthru(true)
        .build(inflated);
    Ok((Box::new(BufReader::with_capacity(BUFFER, transcoded)), gzip))
}

/// Read buffer of the decoding path.
pub const BUFFER: usize = 1 << 20;

/// A whole document through [`decoded_reader`], at most `max` bytes of it
/// after inflating (so neither a gzip bomb nor a device such as
/// `/dev/zero` can grow memory without bound).
pub fn read_whole(reader: impl Read, max: usize) -> Result<Vec<u8>, DecodeError> {
    let (decoded, inflated) = decoded_reader(reader).map_err(|source| DecodeError::Unreadable {
        inflated: false,
        source,
    })?;
    let mut bytes = Vec::new();
    decoded
        .take(max as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| DecodeError::Unreadable { inflated, source })?;
    if bytes.len() > max {
        return Err(DecodeError::TooLarge { max, inflated });
    }
    Ok(bytes)
}

/// Text of bytes that are mostly UTF-8: valid runs as they are, each
/// invalid byte read as Windows-1252, so one stray byte in a UTF-8 file
/// leaves the rest intact ("café" stays "café") while a file in
/// Windows-1252 decodes whole.
pub fn utf8_or_windows_1252(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        text.push_str(chunk.valid());
        if !chunk.invalid().is_empty() {
            text.push_str(&encoding_rs::WINDOWS_1252.decode(chunk.invalid()).0);
        }
    }
    text
}

/// Text of what [`read_whole`] gave: UTF-8, and failing that Windows-1252,
/// the usual encoding of older news archives (a superset of Latin-1's
/// printable range). Bytes with NUL in them (and no UTF-16 mark, which the
/// decoding path has already transcoded) are binary, not text.
pub fn decode_text(bytes: &[u8]) -> Result<DecodedText<'_>, DecodeError> {
    if bytes.contains(&0) {
        return Err(DecodeError::Binary);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(DecodedText {
            text: Cow::Borrowed(text),
            fallback_encoding: None,
        }),
        Err(_) => Ok(DecodedText {
            text: Cow::Owned(utf8_or_windows_1252(bytes)),
            fallback_encoding: Some("windows-1252"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8]) -> Result<(String, Option<&'static str>), DecodeError> {
        let bytes = read_whole(bytes, Limits::default().max_text_bytes)?;
        decode_text(&bytes).map(|decoded| (decoded.text.into_owned(), decoded.fallback_encoding))
    }

    #[test]
    fn boms_are_removed_and_legacy_bytes_decoded() {
        assert_eq!(decode(b"\xEF\xBB\xBFtitle").unwrap().0, "title");
        assert_eq!(decode(b"\xFF\xFEt\x00i\x00").unwrap().0, "ti");
        assert_eq!(decode(b"\xFE\xFF\x00t\x00i").unwrap().0, "ti");
        assert_eq!(
            decode(b"price \xA3600m").unwrap(),
            ("price £600m".to_string(), Some("windows-1252"))
        );
        assert!(decode(b"\x00\x01binary").is_err());
        assert_eq!(
            decode(
                "café \u{2014} prix"
                    .as_bytes()
                    .iter()
                    .copied()
                    .chain(*b" \x80")
                    .collect::<Vec<u8>>()
                    .as_slice()
            )
            .unwrap()
            .0,
            "café \u{2014} prix \u{20ac}",
            "one stray byte leaves the UTF-8 around it intact"
        );
    }

    #[test]
    fn gzip_is_inflated() {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(b"hello news").unwrap();
        let compressed = encoder.finish().unwrap();
        assert_eq!(decode(&compressed).unwrap().0, "hello news");
        // UTF-16 inside gzip takes the same path.
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(b"\xFF\xFEn\x00e\x00w\x00s\x00").unwrap();
        assert_eq!(decode(&encoder.finish().unwrap()).unwrap().0, "news");
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(b"hello news").unwrap();
        let compressed = encoder.finish().unwrap();
        assert_eq!(decode(&compressed).unwrap().0, "hello news");
        assert!(decode(&compressed[..compressed.len() / 2]).is_err());
    }

    #[test]
    fn a_gzip_bomb_stops_at_the_limit() {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(&vec![b' '; 4 << 20]).unwrap();
        let member = encoder.finish().unwrap();
        let bomb: Vec<u8> = member.repeat(4);
        let error = read_whole(bomb.as_slice(), 8 << 20)
            .unwrap_err()
            .to_string();
        assert!(error.contains("inflates to more than 8 MiB"), "{error}");
        assert_eq!(
            read_whole(bomb.as_slice(), 16 << 20).unwrap().len(),
            16 << 20
        );
        let error = read_whole(&b"plain"[..], 4).unwrap_err().to_string();
        assert!(error.starts_with("larger than 0 KiB"), "{error}");
    }
}
