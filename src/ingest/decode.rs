//! Bytes → text: gzip, byte-order marks and legacy encodings.

use std::borrow::Cow;
use std::io::Read;

/// Text decoded from an input, and the legacy encoding used if the bytes
/// were not UTF-8.
#[derive(Debug)]
pub struct DecodedText<'a> {
    pub text: Cow<'a, str>,
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

/// Inflates gzip data (found by its magic bytes, whatever the file name);
/// other data passes through unchanged. Either may hold at most `max`
/// bytes.
pub fn decompress(bytes: &[u8], max: usize) -> Result<Cow<'_, [u8]>, String> {
    if !bytes.starts_with(&GZIP_MAGIC) {
        if bytes.len() > max {
            return Err(too_large(max));
        }
        return Ok(Cow::Borrowed(bytes));
    }
    let mut inflated = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes)
        .take(max as u64 + 1)
        .read_to_end(&mut inflated)
        .map_err(|error| format!("corrupt gzip data: {error}"))?;
    if inflated.len() > max {
        return Err(format!(
            "gzip data inflates to more than {}, the limit for one document",
            mebibytes(max)
        ));
    }
    Ok(Cow::Owned(inflated))
}

/// The error of an input past the limit for one document.
pub fn too_large(max: usize) -> String {
    format!(
        "larger than {}, the limit for one document (NDJSON is read a line at a time, without this limit)",
        mebibytes(max)
    )
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

/// Decodes text: a byte-order mark decides where there is one (UTF-8,
/// UTF-16LE/BE); otherwise UTF-8, and failing that Windows-1252, the usual
/// encoding of older news archives (a superset of Latin-1's printable range).
/// Bytes with NUL in them and no UTF-16 mark are binary, not text.
pub fn decode_text(bytes: &[u8]) -> Result<DecodedText<'_>, String> {
    if let Some((encoding, bom_length)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom_length..]);
        if had_errors {
            return Err(format!("invalid {} text", encoding.name()));
        }
        return Ok(DecodedText {
            text: Cow::Owned(text.into_owned()),
            fallback_encoding: None,
        });
    }
    if bytes.contains(&0) {
        return Err("binary content, not text".to_string());
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

    fn decode(bytes: &[u8]) -> Result<(String, Option<&'static str>), String> {
        let bytes = decompress(bytes, Limits::default().max_text_bytes)?;
        decode_text(&bytes).map(|decoded| (decoded.text.into_owned(), decoded.fallback_encoding))
    }

    #[test]
    fn boms_are_removed_and_legacy_bytes_decoded() {
        assert_eq!(decode(b"\xEF\xBB\xBFtitle").unwrap().0, "title");
        assert_eq!(decode(b"\xFF\xFEt\x00i\x00").unwrap().0, "ti");
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
        assert!(decode(&compressed[..compressed.len() / 2]).is_err());
    }

    #[test]
    fn a_gzip_bomb_stops_at_the_limit() {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(&vec![b' '; 4 << 20]).unwrap();
        let member = encoder.finish().unwrap();
        let bomb: Vec<u8> = member.repeat(4);
        let error = decompress(&bomb, 8 << 20).unwrap_err();
        assert!(error.contains("inflates to more than 8 MiB"), "{error}");
        assert_eq!(decompress(&bomb, 16 << 20).unwrap().len(), 16 << 20);
    }
}
