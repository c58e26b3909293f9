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

/// Inflates gzip data (found by its magic bytes, whatever the file name);
/// other data passes through unchanged.
pub fn decompress(bytes: &[u8]) -> Result<Cow<'_, [u8]>, String> {
    if !bytes.starts_with(&GZIP_MAGIC) {
        return Ok(Cow::Borrowed(bytes));
    }
    let mut inflated = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes)
        .read_to_end(&mut inflated)
        .map_err(|error| format!("corrupt gzip data: {error}"))?;
    Ok(Cow::Owned(inflated))
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
        Err(_) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            Ok(DecodedText {
                text: Cow::Owned(text.into_owned()),
                fallback_encoding: Some("windows-1252"),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8]) -> Result<(String, Option<&'static str>), String> {
        let bytes = decompress(bytes)?;
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
}
