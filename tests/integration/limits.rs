//! Memory bounded by configuration, not by input: the real binary on a
//! gzip bomb, a 100 MB line and an endless stream, its peak resident memory
//! read from the kernel while it runs.

use std::io::Write;
use std::path::Path;

/// Peak resident memory the binary reached, in MiB (the kernel's high
/// water mark of its address space, `VmHWM`, read until it exits: the
/// `ru_maxrss` of `wait4` would count the test process it was forked
/// from); also its stderr and exit code.
fn run_measured(index: &Path, args: &[&str]) -> (u64, String, i32) {
    let stderr_path = index.with_extension("stderr");
    let stderr = std::fs::File::create(&stderr_path).expect("stderr file");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("newsdex"))
        .arg("--index")
        .arg(index)
        .args(args)
        .env_remove("RUST_LOG")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(stderr)
        .spawn()
        .expect("starts");
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kib = 0u64;
    let status = loop {
        if let Ok(text) = std::fs::read_to_string(&status_file)
            && let Some(kib) = text
                .lines()
                .find_map(|line| line.strip_prefix("VmHWM:"))
                .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        {
            peak_kib = peak_kib.max(kib);
        }
        if let Some(status) = child.try_wait().expect("waits") {
            break status;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    };
    let stderr = std::fs::read_to_string(&stderr_path).unwrap_or_default();
    (peak_kib >> 10, stderr, status.code().unwrap_or(-1))
}

/// A gzip stream of `megabytes` MiB of spaces after `prefix`, in about a
/// thousandth of that: one compressed MiB repeated (gzip members chain).
fn gzip_bomb(prefix: &[u8], megabytes: usize) -> Vec<u8> {
    let member = |bytes: &[u8]| {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        encoder.write_all(bytes).expect("compresses");
        encoder.finish().expect("finishes")
    };
    let mut bomb = member(prefix);
    let spaces = member(&vec![b' '; 1 << 20]);
    for _ in 0..megabytes {
        bomb.extend_from_slice(&spaces);
    }
    bomb
}

const GOOD_LINE: &str = r#"{"id":"good","title":"Harbour reopens after storm","body":"The harbour reopened on Monday after a storm closed it for three days."}"#;

/// Peak memory the tests allow: the binary with its entity model loaded
/// and a 32 MiB line held, far below what the inputs would take whole.
const BOUND_MB: u64 = 400;

#[test]
fn a_100_mb_line_is_rejected_in_bounded_memory_and_the_rest_lands() {
    let dir = tempfile::tempdir().expect("temp dir");
    let input = dir.path().join("giant.ndjson");
    let mut file = std::fs::File::create(&input).expect("input");
    writeln!(file, "{GOOD_LINE}").expect("writes");
    write!(file, r#"{{"id":"giant","title":"Giant","body":""#).expect("writes");
    let chunk = "word ".repeat(1 << 18);
    for _ in 0..(100 << 20) / chunk.len() {
        file.write_all(chunk.as_bytes()).expect("writes");
    }
    writeln!(file, r#""}}"#).expect("writes");
    writeln!(file, "{}", GOOD_LINE.replace("good", "after")).expect("writes");
    drop(file);
    let index = dir.path().join("index");
    let (peak, stderr, code) =
        run_measured(&index, &["index", "--quiet", input.to_str().expect("path")]);
    assert!(
        stderr.contains("giant.ndjson:2: the line is longer than 32 MiB"),
        "{stderr}"
    );
    assert!(stderr.contains("indexed 2 "), "{stderr}");
    assert_eq!(
        code, 3,
        "exit code of a run with rejected records: {stderr}"
    );
    assert!(peak < BOUND_MB, "peak RSS {peak} MiB");
    eprintln!("100 MB line: peak RSS {peak} MiB");
}

#[test]
fn gzip_bombs_are_rejected_in_bounded_memory() {
    let dir = tempfile::tempdir().expect("temp dir");
    // Streamed NDJSON: the bomb is one endless line after a good one.
    let ndjson = dir.path().join("bomb.ndjson.gz");
    std::fs::write(&ndjson, gzip_bomb(format!("{GOOD_LINE}\n").as_bytes(), 400)).expect("writes");
    // A whole document (JSON): inflating stops at the document limit.
    let json = dir.path().join("bomb.json.gz");
    std::fs::write(&json, gzip_bomb(b"[", 400)).expect("writes");
    let index = dir.path().join("index");
    let (peak, stderr, _) = run_measured(
        &index,
        &[
            "index",
            "--quiet",
            ndjson.to_str().expect("path"),
            json.to_str().expect("path"),
        ],
    );
    assert!(
        stderr.contains("bomb.ndjson.gz:2: the line is longer than"),
        "{stderr}"
    );
    assert!(
        stderr.contains("bomb.json.gz: gzip data inflates to more than 256 MiB"),
        "{stderr}"
    );
    assert!(stderr.contains("indexed 1 "), "{stderr}");
    eprintln!("gzip bombs: peak RSS {peak} MiB");
    assert!(peak < BOUND_MB, "peak RSS {peak} MiB");
}

/// Reading `/dev/zero` grew without limit.
#[test]
fn an_endless_input_is_cut_at_the_document_limit() {
    let dir = tempfile::tempdir().expect("temp dir");
    let index = dir.path().join("index");
    let (peak, stderr, code) = run_measured(
        &index,
        &[
            "index",
            "--quiet",
            "--max-text-mb",
            "64",
            "--format",
            "json",
            "/dev/zero",
        ],
    );
    assert!(stderr.contains("/dev/zero: larger than 64 MiB"), "{stderr}");
    assert_ne!(code, 0);
    assert!(peak < BOUND_MB, "peak RSS {peak} MiB");
}
