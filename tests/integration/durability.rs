//! Faults on the real binary: a server killed with SIGKILL while clients
//! write keeps every write it acknowledged.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::Path;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn free_port() -> u16 {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("binds");
    probe.local_addr().expect("address").port()
}

/// A server process, killed (SIGKILL) when dropped, so that a failing
/// test leaves none behind.
struct Server(Child);

impl Server {
    /// SIGKILL, then reap.
    fn kill(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }

    fn id(&self) -> u32 {
        self.0.id()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// `newsdex serve` on `index`, waited for until it answers.
fn start_server(index: &Path, port: u16, extra: &[&str]) -> Server {
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("newsdex"))
        .arg("--index")
        .arg(index)
        .args([
            "serve",
            "--no-entities",
            "--addr",
            &format!("127.0.0.1:{port}"),
        ])
        .args(extra)
        .env_remove("NEWSDEX_DURABILITY")
        .stderr(Stdio::null())
        .spawn()
        .expect("starts");
    let mut child = child;
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Some((200, _)) = request(port, "GET", "/health", "") {
            return Server(child);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the server did not start on port {port}");
}

/// One HTTP/1.1 request on its own connection: the status and body, or
/// `None` when the server did not answer (it was killed).
pub fn request(port: u16, method: &str, path: &str, body: &str) -> Option<(u16, String)> {
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .ok()?;
    let content_type = if body.contains("\n{") {
        "application/x-ndjson"
    } else {
        "application/json"
    };
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let status = response.split(' ').nth(1)?.parse().ok()?;
    let body = response
        .split_once("\r\n\r\n")
        .map_or(String::new(), |(_, body)| body.to_string());
    Some((status, body))
}

/// What an id holds: absent, or the article of one version.
#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    Absent,
    Version(u32),
}

fn article_json(id: &str, version: u32) -> String {
    format!(
        r#"{{"id":"{id}","title":"Article {id}","body":"Written at version {version} of {id}.","source":"Durability"}}"#
    )
}

/// One client: writes its own ids (so each id's writes are in order) until
/// the server stops answering; returns per id the last acknowledged state
/// and the state of the write in flight when the server died, if any.
fn client(port: u16, client: usize, seed: u64) -> HashMap<String, (State, Option<State>)> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed * 100 + client as u64);
    let mut states: HashMap<String, (State, Option<State>)> = (0..20)
        .map(|n| (format!("c{client}-{n}"), (State::Absent, None)))
        .collect();
    let mut version = 0u32;
    loop {
        version += 1;
        let choice = rng.random_range(0..10);
        let id = format!("c{client}-{}", rng.random_range(0..20));
        if choice < 6 {
            let answer = request(
                port,
                "PUT",
                &format!("/articles/{id}"),
                &article_json(&id, version),
            );
            let entry = states.get_mut(&id).expect("own id");
            match answer {
                Some((200 | 201, _)) => entry.0 = State::Version(version),
                Some((status, body)) => panic!("PUT {id} answered {status}: {body}"),
                None => {
                    entry.1 = Some(State::Version(version));
                    return states;
                }
            }
        } else if choice < 8 {
            let answer = request(port, "DELETE", &format!("/articles/{id}"), "");
            let entry = states.get_mut(&id).expect("own id");
            match answer {
                Some((200 | 404, _)) => entry.0 = State::Absent,
                Some((status, body)) => panic!("DELETE {id} answered {status}: {body}"),
                None => {
                    entry.1 = Some(State::Absent);
                    return states;
                }
            }
        } else {
            let ids: Vec<String> = (0..5)
                .map(|_| format!("c{client}-{}", rng.random_range(0..20)))
                .collect();
            let body: String = ids
                .iter()
                .map(|id| article_json(id, version) + "\n")
                .collect();
            let answer = request(port, "POST", "/articles", &body);
            for id in &ids {
                let entry = states.get_mut(id).expect("own id");
                match &answer {
                    Some((200, _)) => entry.0 = State::Version(version),
                    Some((status, body)) => panic!("POST answered {status}: {body}"),
                    None => entry.1 = Some(State::Version(version)),
                }
            }
            if answer.is_none() {
                return states;
            }
        }
    }
}

/// PUTs the article of `id` at `version`; the server must answer.
fn put_article(port: u16, id: &str, version: u32) -> (u16, String) {
    request(
        port,
        "PUT",
        &format!("/articles/{id}"),
        &article_json(id, version),
    )
    .expect("answers")
}

fn state_after_restart(port: u16, id: &str) -> State {
    match request(port, "GET", &format!("/articles/{id}"), "") {
        Some((404, _)) => State::Absent,
        Some((200, body)) => {
            let article: serde_json::Value = serde_json::from_str(&body).expect("JSON article");
            let text = article["body"].as_str().expect("body");
            let version = text
                .strip_prefix("Written at version ")
                .and_then(|rest| rest.split(' ').next())
                .and_then(|number| number.parse().ok())
                .expect("a version in the body");
            State::Version(version)
        }
        other => panic!("GET {id} answered {other:?}"),
    }
}

/// kill -9 during a stream of acknowledged PUT, POST and DELETE requests
/// from four clients; after a restart every acknowledged change is there
/// (an id may also show the one write that was in flight).
#[test]
fn a_killed_server_keeps_every_acknowledged_write() {
    for seed in [1u64, 2, 3] {
        let dir = tempfile::tempdir().expect("temp dir");
        let port = free_port();
        let mut server = start_server(dir.path(), port, &[]);
        let clients: Vec<_> = (0..4)
            .map(|number| std::thread::spawn(move || client(port, number, seed)))
            .collect();
        // Kill at a different moment each time, across commits (the server
        // commits every second).
        std::thread::sleep(Duration::from_millis(700 + 400 * seed));
        server.kill();
        let mut expected = HashMap::new();
        for handle in clients {
            expected.extend(handle.join().expect("client thread"));
        }
        let acknowledged = expected
            .values()
            .filter(|(state, _)| *state != State::Absent)
            .count();
        assert!(acknowledged > 10, "seed {seed}: only {acknowledged} writes");

        let port = free_port();
        let mut server = start_server(dir.path(), port, &[]);
        let mut lost = Vec::new();
        for (id, (acked, in_flight)) in &expected {
            let found = state_after_restart(port, id);
            if found != *acked && Some(found) != *in_flight {
                lost.push(format!(
                    "{id}: acknowledged {acked:?}, in flight {in_flight:?}, found {found:?}"
                ));
            }
        }
        server.kill();
        assert!(lost.is_empty(), "seed {seed}: {lost:#?}");
    }
}

/// A small tmpfs mounted for one test, unmounted when dropped.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    /// `None` (with the reason) where this process may not mount.
    fn mount(megabytes: u32) -> Result<SmallDisk, String> {
        let dir = tempfile::tempdir().map_err(|error| error.to_string())?;
        let output = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={megabytes}m"), "tmpfs"])
            .arg(dir.path())
            .output()
            .map_err(|error| format!("cannot run mount: {error}"))?;
        if !output.status.success() {
            return Err(format!(
                "cannot mount a tmpfs: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            ));
        }
        Ok(SmallDisk { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Fills the disk with 256 KiB files; returns them.
    fn fill(&self) -> Vec<std::path::PathBuf> {
        let chunk = vec![7u8; 256 * 1024];
        let mut files = Vec::new();
        for n in 0.. {
            let path = self.path().join(format!("filler-{n}"));
            let written = std::fs::File::create(&path).and_then(|mut file| {
                file.write_all(&chunk)?;
                file.sync_all()
            });
            files.push(path);
            if written.is_err() {
                break;
            }
        }
        files
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

fn big_article(id: &str, version: u32) -> String {
    let filler = "Sentence about the markets and the weather. ".repeat(400);
    format!(
        r#"{{"id":"{id}","title":"Article {id}","body":"Written at version {version} of {id}. {filler}","source":"Durability"}}"#
    )
}

/// A full disk pauses writes with 507 and `/ready` 503, loses nothing
/// acknowledged, and writes resume by themselves once space is freed.
#[test]
fn a_full_disk_pauses_writes_and_loses_nothing() {
    let disk = match SmallDisk::mount(48) {
        Ok(disk) => disk,
        Err(reason) => {
            crate::support::skip_unless_ci(&reason);
            return;
        }
    };
    let index = disk.path().join("index");
    let port = free_port();
    let mut server = start_server(&index, port, &["--commit-interval-ms", "300"]);
    let mut acknowledged: HashMap<String, u32> = HashMap::new();
    for n in 0..5 {
        let id = format!("before-{n}");
        let (status, body) = request(
            port,
            "PUT",
            &format!("/articles/{id}"),
            &big_article(&id, 1),
        )
        .expect("answers");
        assert_eq!(status, 201, "{body}");
        acknowledged.insert(id, 1);
    }
    std::thread::sleep(Duration::from_millis(800));
    let mut fillers = disk.fill();
    // Room for the log to take a few writes that the commits then cannot.
    for path in fillers.drain(..4) {
        std::fs::remove_file(path).expect("frees a filler");
    }
    let mut refused = None;
    for n in 0..400 {
        let id = format!("during-{n}");
        match request(
            port,
            "PUT",
            &format!("/articles/{id}"),
            &big_article(&id, 1),
        ) {
            Some((201, _)) => {
                acknowledged.insert(id, 1);
            }
            Some((status, body)) => {
                refused = Some((status, body));
                break;
            }
            None => panic!("the server died on a full disk"),
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let (status, body) = refused.expect("a full disk refuses writes");
    assert!(status == 507 || status == 503, "{status}: {body}");
    // Within a few commit ticks, a commit fails and /ready says so.
    let mut ready = (200, String::new());
    for _ in 0..40 {
        ready = request(port, "GET", "/ready", "").expect("answers");
        if ready.0 == 503 {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(ready.0, 503, "{}", ready.1);
    let (status, body) =
        request(port, "PUT", "/articles/refused", &big_article("refused", 1)).expect("answers");
    assert_eq!(status, 507, "{body}");
    assert!(
        body.contains("no space") || body.contains("No space"),
        "{body}"
    );

    for path in fillers {
        let _ = std::fs::remove_file(path);
    }
    let mut resumed = false;
    for _ in 0..50 {
        if request(port, "GET", "/ready", "").is_some_and(|(status, _)| status == 200) {
            resumed = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(resumed, "writes did not resume after space was freed");
    let (status, body) = request(
        port,
        "PUT",
        "/articles/after?refresh=true",
        &big_article("after", 2),
    )
    .expect("answers");
    assert_eq!(status, 201, "{body}");
    acknowledged.insert("after".to_string(), 2);
    let check = |port: u16, when: &str| {
        for (id, version) in &acknowledged {
            let found = state_after_restart(port, id);
            assert_eq!(found, State::Version(*version), "{id} {when}");
        }
    };
    check(port, "before the restart");
    server.kill();
    let port = free_port();
    let mut server = start_server(&index, port, &[]);
    check(port, "after the restart");
    server.kill();
}

/// A second process on one index: `serve --read-only` beside the writing
/// server sees its commits; a second writer is told who holds the index.
#[test]
fn a_read_only_server_beside_a_writer_sees_its_commits() {
    let dir = tempfile::tempdir().expect("temp dir");
    let writer_port = free_port();
    let mut writer = start_server(dir.path(), writer_port, &["--commit-interval-ms", "200"]);
    let reader_port = free_port();
    let mut reader = start_server(
        dir.path(),
        reader_port,
        &["--read-only", "--commit-interval-ms", "200"],
    );
    let (status, body) = put_article(writer_port, "beside", 7);
    assert_eq!(status, 201, "{body}");
    let mut seen = State::Absent;
    for _ in 0..50 {
        seen = state_after_restart(reader_port, "beside");
        if seen != State::Absent {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(
        seen,
        State::Version(7),
        "the read-only server sees the commit"
    );
    let (status, body) = put_article(reader_port, "refused", 1);
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("read_only"), "{body}");

    let output = crate::support::newsdex(dir.path())
        .args(["index", "fixtures/articles"])
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("process {}", writer.id())) && stderr.contains("HTTP API"),
        "{stderr}"
    );
    for server in [&mut writer, &mut reader] {
        server.kill();
    }
}

fn total(index: &Path) -> u64 {
    crate::support::search_json(index, &["--limit", "0"])["total"]
        .as_u64()
        .expect("a total")
}

/// `POST /snapshots` while a client writes: the snapshot holds every write
/// acknowledged before it, opens as an index, and `newsdex restore` puts
/// exactly its documents back.
#[test]
fn a_snapshot_taken_during_writes_restores_its_documents() {
    let dir = tempfile::tempdir().expect("temp dir");
    let index = dir.path().join("index");
    let snapshots = dir.path().join("snapshots");
    let port = free_port();
    let mut server = start_server(
        &index,
        port,
        &["--snapshot-dir", snapshots.to_str().expect("path")],
    );
    for n in 0..30 {
        assert_eq!(put_article(port, &format!("before-{n}"), 1).0, 201);
    }
    let writing = std::thread::spawn(move || {
        for n in 0..60 {
            put_article(port, &format!("during-{n}"), 1);
        }
    });
    let (status, body) = request(port, "POST", "/snapshots", r#"{"name":"one"}"#).expect("answers");
    assert_eq!(status, 201, "{body}");
    let report: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    let documents = report["documents"].as_u64().expect("documents");
    assert!(documents >= 30, "{report}");
    writing.join().expect("writer thread");
    let (status, _) = request(port, "POST", "/snapshots", r#"{"name":"../out"}"#).expect("answers");
    assert_eq!(status, 400, "names stay inside the snapshot folder");
    server.kill();

    let snapshot = snapshots.join("one");
    assert_eq!(
        total(&snapshot),
        documents,
        "the snapshot opens as an index"
    );
    crate::support::newsdex(&index)
        .arg("restore")
        .arg(&snapshot)
        .assert()
        .success();
    assert_eq!(total(&index), documents);
    crate::support::newsdex(&index)
        .arg("check")
        .assert()
        .success();
}

#[test]
fn the_cli_snapshot_is_an_index_with_the_same_documents() {
    let source = crate::support::fixture_index();
    let dir = tempfile::tempdir().expect("temp dir");
    let snapshot = dir.path().join("snap");
    crate::support::newsdex(source.path())
        .arg("snapshot")
        .arg(&snapshot)
        .assert()
        .success()
        .stderr(predicates::str::contains("14 documents"));
    assert_eq!(total(&snapshot), crate::support::FIXTURE_ARTICLES);
    crate::support::newsdex(source.path())
        .arg("snapshot")
        .arg(&snapshot)
        .assert()
        .code(1)
        .stderr(predicates::str::contains("a new or empty directory"));
    let restored = dir.path().join("restored");
    crate::support::newsdex(&restored)
        .arg("restore")
        .arg(&snapshot)
        .assert()
        .success();
    assert_eq!(total(&restored), crate::support::FIXTURE_ARTICLES);
}

/// Waits for the server to close `stream`; returns how long it took, or
/// `None` if it stayed open past `limit`.
fn closed_within(stream: &mut std::net::TcpStream, limit: Duration) -> Option<Duration> {
    let started = Instant::now();
    stream.set_read_timeout(Some(limit)).expect("timeout");
    let mut buffer = [0u8; 1024];
    loop {
        match stream.read(&mut buffer) {
            Ok(0) => return Some(started.elapsed()),
            Ok(_) => continue,
            Err(error) if error.kind() == std::io::ErrorKind::ConnectionReset => {
                return Some(started.elapsed());
            }
            Err(_) => return None,
        }
    }
}

/// A half-sent request was still open after 45 s, and idle connections
/// had no bound: headers must arrive within the header timeout, and
/// connections past the limit are closed as they arrive.
#[test]
fn half_sent_requests_time_out_and_connections_are_bounded() {
    let dir = tempfile::tempdir().expect("temp dir");
    let port = free_port();
    let _server = start_server(
        dir.path(),
        port,
        &["--header-timeout-s", "1", "--max-connections", "4"],
    );
    let mut half = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connects");
    half.write_all(b"GET /search?q=harbour HTTP/1.1\r\nHost: loc")
        .expect("writes");
    let closed = closed_within(&mut half, Duration::from_secs(10));
    assert!(closed.is_some(), "a half-sent request stayed open");

    let mut idle: Vec<std::net::TcpStream> = (0..4)
        .map(|_| std::net::TcpStream::connect(("127.0.0.1", port)).expect("connects"))
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    let mut over = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connects");
    let closed = closed_within(&mut over, Duration::from_millis(800));
    assert!(
        closed.is_some(),
        "a fifth connection was served past the limit of 4"
    );
    for stream in &mut idle {
        assert!(
            closed_within(stream, Duration::from_secs(10)).is_some(),
            "an idle connection stayed open"
        );
    }
    // Once they are gone, the server answers again.
    assert_eq!(
        request(port, "GET", "/health", "").map(|(status, _)| status),
        Some(200)
    );
}

/// A request whose body stops arriving is answered 408 within the request
/// timeout, in the API's error shape, rather than holding its handler.
#[test]
fn a_stalled_body_is_a_408_in_the_error_shape() {
    let dir = tempfile::tempdir().expect("temp dir");
    let port = free_port();
    let _server = start_server(dir.path(), port, &["--timeout-s", "1"]);
    let mut stalled = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connects");
    stalled
        .write_all(
            b"POST /articles HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n{\"title\": \"Half",
        )
        .expect("writes");
    stalled
        .set_read_timeout(Some(Duration::from_secs(20)))
        .expect("timeout");
    let mut answer = Vec::new();
    let mut buffer = [0u8; 4096];
    while let Ok(read) = stalled.read(&mut buffer) {
        if read == 0 {
            break;
        }
        answer.extend_from_slice(&buffer[..read]);
        if answer.windows(4).any(|window| window == b"\r\n\r\n")
            && String::from_utf8_lossy(&answer).contains("}}")
        {
            break;
        }
    }
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("\"code\":\"request_timeout\""), "{answer}");
}
