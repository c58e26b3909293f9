//! JSON and NDJSON: newsdex's own shape, news API shapes, bad records.

use std::io::Write;

use newsdex::ingest::{Format, ReadOptions, read_bytes, read_file};

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
    same_article.assign_id();
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
