//! JSON and NDJSON: newsdex's own shape, news API shapes, bad records.

use std::io::Write;

use newsdex::ingest::{Format, ReadOptions, read_bytes, read_file, read_file_records};

use crate::support::project_dir;

fn options() -> ReadOptions {
    ReadOptions::default()
}

#[test]
fn news_api_response_reads_unchanged() {
    let results = read_file(
        &project_dir().join("fixtures/articles/json/newsapi.json"),
        &options(),
    );
    let articles: Vec<_> = results
        .into_iter()
        .map(|result| result.expect("reads").article)
        .collect();
    assert_eq!(articles.len(), 2);
    assert_eq!(articles[0].source.as_deref(), Some("Example Tech Daily"));
    assert_eq!(articles[0].authors, ["Priya Raman", "Tom Becker"]);
    assert_eq!(
        articles[0].summary.as_deref(),
        Some("The new processor cuts energy use per query by a third, the company says.")
    );
    assert!(articles[0].body.starts_with("A chipmaker unveiled"));
    // The id comes from the URL without its tracking parameter.
    let mut same_article = articles[0].clone();
    same_article.id.clear();
    same_article.url = Some("https://tech.example.test/2024/09/low-power-processor".into());
    same_article.assign_id().expect("valid id");
    assert_eq!(same_article.id, articles[0].id);
}

#[test]
fn schema_org_ndjson_reads_with_languages() {
    let results = read_file(
        &project_dir().join("fixtures/articles/ndjson/wire.ndjson"),
        &options(),
    );
    let articles: Vec<_> = results
        .into_iter()
        .map(|result| result.expect("reads").article)
        .collect();
    assert_eq!(articles.len(), 3, "the blank line is skipped");
    assert_eq!(articles[0].language.as_deref(), Some("en"));
    assert_eq!(articles[0].authors, ["Helen Park"]);
    assert_eq!(articles[0].source.as_deref(), Some("Example Wire"));
    assert_eq!(articles[1].language.as_deref(), Some("de"));
    assert_eq!(articles[1].tags, ["Wirtschaft", "Zinsen"]);
    assert_eq!(
        articles[1]
            .published_at
            .map(|time| time.to_rfc3339())
            .as_deref(),
        Some("2025-02-06T13:15:00+01:00"),
        "the original offset is kept"
    );
}

#[test]
fn bad_records_name_line_field_and_reason_and_the_rest_read() {
    // Tests run in the project directory, so the location is relative.
    let results = read_file(
        std::path::Path::new("fixtures/invalid/mixed.ndjson"),
        &options(),
    );
    assert_eq!(results.len(), 5);
    let errors: Vec<String> = results
        .iter()
        .filter_map(|result| result.as_ref().err().map(ToString::to_string))
        .collect();
    assert_eq!(errors.len(), 3);
    assert_eq!(
        errors[0],
        "fixtures/invalid/mixed.ndjson:2: invalid JSON: EOF while parsing an object at line 1 column 62"
    );
    assert_eq!(
        errors[1],
        "fixtures/invalid/mixed.ndjson:3: field `published_at`: unparsable date \"the day after tomorrow\""
    );
    assert_eq!(
        errors[2],
        "fixtures/invalid/mixed.ndjson:4: field `title`: missing: a record needs a title or a body"
    );
    assert!(results[0].is_ok() && results[4].is_ok());
}

#[test]
fn gzip_files_read_transparently_and_format_can_be_forced() {
    let plain =
        std::fs::read(project_dir().join("fixtures/articles/ndjson/wire.ndjson")).expect("fixture");
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(&plain).expect("compresses");
    let compressed = encoder.finish().expect("compresses");
    let from_gzip = read_bytes(&compressed, "wire.ndjson.gz", &options());
    let from_plain = read_bytes(&plain, "wire.ndjson", &options());
    assert_eq!(from_gzip.len(), 3);
    for (gz, plain) in from_gzip.iter().zip(&from_plain) {
        assert_eq!(
            gz.as_ref().expect("reads").article,
            plain.as_ref().expect("reads").article
        );
    }
    // An unknown name is sniffed; --format overrides a misleading one.
    assert_eq!(read_bytes(&plain, "upload.bin", &options()).len(), 3);
    let forced = ReadOptions {
        format: Some(Format::Ndjson),
        ..options()
    };
    assert_eq!(read_bytes(&plain, "wire.txt", &forced).len(), 3);
}

#[test]
fn binary_input_is_rejected_with_its_name() {
    let results = read_bytes(b"\x00\x01\x02 not text", "image.txt", &options());
    assert_eq!(results.len(), 1);
    assert_eq!(
        results[0].as_ref().expect_err("binary").to_string(),
        "image.txt: binary content, not text"
    );
}

/// What the streaming reader gives, as strings: each article's JSON or
/// each error's message.
fn outcomes(results: impl IntoIterator<Item = newsdex::ingest::RecordResult>) -> Vec<String> {
    results
        .into_iter()
        .map(|result| match result {
            Ok(record) => format!(
                "{} @ {}",
                serde_json::to_string(&record.article).expect("serialises"),
                record.location
            ),
            Err(error) => error.to_string(),
        })
        .collect()
}

#[test]
fn ndjson_streams_the_same_records_as_the_whole_file_reader() {
    let dir = tempfile::tempdir().expect("temp dir");
    let wire =
        std::fs::read(project_dir().join("fixtures/articles/ndjson/wire.ndjson")).expect("fixture");
    let mixed =
        std::fs::read(project_dir().join("fixtures/invalid/mixed.ndjson")).expect("fixture");
    // Windows line endings and a Windows-1252 line; a byte-order mark.
    let mut awkward = b"{\"title\": \"One\", \"body\": \"x\"}\r\n\r\n".to_vec();
    awkward.extend_from_slice(b"{\"title\": \"Caf\xE9 prices\", \"body\": \"y\"}\r\n");
    let mut marked = b"\xEF\xBB\xBF".to_vec();
    marked.extend_from_slice(&wire);
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gzip.write_all(&mixed).expect("compresses");
    // UTF-16 (little-endian plain, big-endian inside gzip) takes the same
    // decoding path as UTF-8.
    let text = String::from_utf8(wire.clone()).expect("UTF-8 fixture");
    let mut utf16le = vec![0xFF, 0xFE];
    utf16le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let mut utf16be = vec![0xFE, 0xFF];
    utf16be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    let mut gzip16 = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gzip16.write_all(&utf16be).expect("compresses");
    let utf16_gzip = gzip16.finish().expect("compresses");
    let cases = [
        ("utf16.ndjson", utf16le),
        ("utf16.ndjson.gz", utf16_gzip),
        ("wire.ndjson", wire.clone()),
        ("mixed.jsonl", mixed),
        ("awkward.ndjson", awkward),
        ("marked.ndjson", marked),
        ("mixed.ndjson.gz", gzip.finish().expect("compresses")),
    ];
    for (name, bytes) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, &bytes).expect("writes");
        let streamed = outcomes(read_file_records(&path, &options()));
        assert_eq!(streamed, outcomes(read_file(&path, &options())), "{name}");
        assert!(!streamed.is_empty(), "{name}");
    }
    let wire_path = dir.path().join("wire.ndjson");
    let plain = outcomes(read_file_records(&wire_path, &options()));
    for name in ["utf16.ndjson", "utf16.ndjson.gz"] {
        let decoded = outcomes(read_file_records(&dir.path().join(name), &options()));
        let articles = |outcomes: &[String]| {
            outcomes
                .iter()
                .map(|outcome| outcome.split(" @ ").next().unwrap_or_default().to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(articles(&decoded), articles(&plain), "{name}");
    }
    let awkward = outcomes(read_file_records(
        &dir.path().join("awkward.ndjson"),
        &options(),
    ));
    assert!(awkward[1].contains("Café prices") && awkward[1].ends_with(":3"));
}

#[test]
fn a_truncated_gzip_stream_keeps_the_records_before_the_cut() {
    let mut lines = String::new();
    for number in 0..2_000 {
        lines.push_str(&format!(
            "{{\"id\": \"a{number}\", \"title\": \"Article {number}\", \"body\": \"Text of article {number} with words {}\"}}\n",
            number * 7919 % 10_007
        ));
    }
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gzip.write_all(lines.as_bytes()).expect("compresses");
    let compressed = gzip.finish().expect("compresses");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("cut.ndjson.gz");
    std::fs::write(&path, &compressed[..compressed.len() * 2 / 3]).expect("writes");
    let results: Vec<_> = read_file_records(&path, &options()).collect();
    let read = results.iter().filter(|result| result.is_ok()).count();
    assert!(read > 500 && read < 2_000, "{read} records before the cut");
    let errors: Vec<String> = results
        .iter()
        .filter_map(|result| result.as_ref().err().map(ToString::to_string))
        .collect();
    // The line cut in two may fail as JSON before the stream's own error.
    let last = errors.last().expect("the cut is reported");
    assert!(
        last.starts_with(&format!("{}:", path.display())) && last.contains("cannot read further"),
        "{last}"
    );
    assert!(errors.len() <= 2, "{errors:?}");
}
