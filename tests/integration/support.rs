//! Shared helpers: paths, the real binary, a fixture index.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;

pub fn project_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Whether this is a CI run (`CI` set, as `.ci/run` and CI services do).
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| !value.is_empty() && value != "false")
}

/// A test's input or tool is missing: outside CI it skips with a notice;
/// under CI the test fails, so that CI is never green on tests not run.
pub fn skip_unless_ci(reason: &str) {
    assert!(!in_ci(), "{reason}: CI must provide it");
    eprintln!("skipping: {reason}");
}

/// `../shared/<relative>`, or `None` (with a notice) when it is absent
/// outside CI; under CI its absence fails the test.
pub fn shared_path(relative: &str) -> Option<PathBuf> {
    let path = project_dir().join("../shared").join(relative);
    if path.exists() {
        Some(path)
    } else {
        skip_unless_ci(&format!("{} is absent", path.display()));
        None
    }
}

/// The `newsdex` binary with `--index` pointing at `index`.
pub fn newsdex(index: &Path) -> Command {
    let mut command = Command::cargo_bin("newsdex").expect("the newsdex binary is built");
    command
        .current_dir(project_dir())
        .env_remove("NEWSDEX_INDEX")
        .env_remove("NEWSDEX_TZ")
        .env_remove("RUST_LOG")
        .arg("--index")
        .arg(index);
    command
}

/// A fresh index holding every article of `fixtures/articles`.
pub fn fixture_index() -> TempDir {
    index_fixtures(&[])
}

/// The same, indexed with `options` (e.g. `--no-entities`).
pub fn index_fixtures(options: &[&str]) -> TempDir {
    let dir = TempDir::new().expect("temp dir");
    newsdex(dir.path())
        .arg("index")
        .args(options)
        .arg("fixtures/articles")
        .assert()
        .success();
    dir
}

pub const FIXTURE_ARTICLES: u64 = 14;

/// Runs `newsdex search ARGS --json` and returns the parsed response.
pub fn search_json(index: &Path, args: &[&str]) -> serde_json::Value {
    let output = newsdex(index)
        .arg("search")
        .args(args)
        .arg("--json")
        .output()
        .expect("newsdex runs");
    assert!(
        output.status.success(),
        "search {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("search prints JSON")
}

/// Titles of the hits of a search, in order.
pub fn titles(response: &serde_json::Value) -> Vec<String> {
    response["hits"]
        .as_array()
        .map(|hits| {
            hits.iter()
                .map(|hit| hit["title"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// The HTTP app over a fresh in-memory demo index, with the given keys.
pub fn demo_app(api_key: Option<&str>, read_key: Option<&str>) -> axum::Router {
    let index = newsdex::demo::demo_index().expect("demo index");
    let config = newsdex::http::ServeConfig {
        api_key: api_key.map(str::to_string),
        read_key: read_key.map(str::to_string),
        max_body_bytes: 64 * 1024,
        ..Default::default()
    };
    newsdex::http::router(newsdex::http::AppState::new(index, config).expect("state"))
}

/// One request to the router in-process: method, path, optional body and
/// headers; returns the status and the JSON body.
pub async fn call(
    app: &axum::Router,
    method: &str,
    path: &str,
    body: Option<&str>,
    headers: &[(&str, &str)],
) -> (u16, serde_json::Value) {
    call_bytes(app, method, path, body.map(str::as_bytes), headers).await
}

/// [`call`] with a body of any bytes (gzip, say).
pub async fn call_bytes(
    app: &axum::Router,
    method: &str,
    path: &str,
    body: Option<&[u8]>,
    headers: &[(&str, &str)],
) -> (u16, serde_json::Value) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let mut request = axum::http::Request::builder().method(method).uri(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    if body.is_some()
        && !headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case("content-type"))
    {
        request = request.header("content-type", "application/json");
    }
    let request = request
        .body(axum::body::Body::from(body.unwrap_or_default().to_vec()))
        .expect("request");
    let response = app.clone().oneshot(request).await.expect("response");
    let status = response.status().as_u16();
    let bytes = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let json = if bytes.is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap_or_else(|_| {
            serde_json::Value::String(String::from_utf8_lossy(&bytes).into_owned())
        })
    };
    (status, json)
}

/// Why a Node script cannot run here, if it cannot: node or one of the npm
/// packages (`npm ci` installs them) is missing.
pub fn missing_node_packages(packages: &[&str]) -> Option<String> {
    if std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_err()
    {
        return Some("node is absent".to_string());
    }
    packages
        .iter()
        .find(|package| !project_dir().join("node_modules").join(package).exists())
        .map(|package| format!("node_modules/{package} is absent (npm ci)"))
}

/// Runs a Node script of `tests/browser` with arguments, and asserts it
/// succeeded; returns what it printed.
pub fn run_node_script(script: &str, args: &[&std::ffi::OsStr]) -> String {
    let output = std::process::Command::new("node")
        .current_dir(project_dir())
        .arg(format!("tests/browser/{script}"))
        .args(args)
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{script} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// `newsdex serve --demo` on a free loopback port, stopped when dropped.
pub struct DemoServer {
    child: std::process::Child,
    port: u16,
}

impl DemoServer {
    pub fn start() -> DemoServer {
        DemoServer::start_with(&[])
    }

    /// `serve --demo` with further arguments (`--read-key K`).
    pub fn start_with(arguments: &[&str]) -> DemoServer {
        let port = {
            let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("binds");
            probe.local_addr().expect("address").port()
        };
        let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("newsdex"))
            .args(["serve", "--demo", "--addr", &format!("127.0.0.1:{port}")])
            .args(arguments)
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("starts");
        for _ in 0..200 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        DemoServer { child, port }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for DemoServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A golden comparison: on a difference, the failure shows a unified diff
/// (expected → actual) and how to accept the change, not two long values.
pub fn assert_same_text(expected: &str, actual: &str, what: &str) {
    if expected == actual {
        return;
    }
    let diff = similar::TextDiff::from_lines(expected, actual)
        .unified_diff()
        .context_radius(3)
        .header("expected", "actual")
        .to_string();
    panic!("{what} changed (NEWSDEX_UPDATE_GOLDEN=1 accepts it):\n{diff}");
}

/// A web site on 127.0.0.1 for fetch and polling tests: paths answered
/// from a table the test changes as it goes, `ETag`s honoured with 304,
/// every request counted.
pub struct Site {
    port: u16,
    pages: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, SitePage>>>,
    requests: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

/// One path's answer.
#[derive(Clone)]
pub struct SitePage {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    pub etag: Option<String>,
}

impl SitePage {
    /// A 200 of `content_type`.
    pub fn ok(content_type: &'static str, body: impl Into<Vec<u8>>) -> SitePage {
        SitePage {
            status: 200,
            content_type,
            body: body.into(),
            etag: None,
        }
    }
}

impl Site {
    /// Starts the site on a free port, on a thread of its own.
    pub fn start() -> Site {
        use axum::http::{HeaderMap, StatusCode, Uri, header};
        use axum::response::IntoResponse;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("binds");
        listener.set_nonblocking(true).expect("non-blocking");
        let port = listener.local_addr().expect("address").port();
        let pages = std::sync::Arc::new(std::sync::Mutex::new(std::collections::HashMap::<
            String,
            SitePage,
        >::new()));
        let requests = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let (table, log) = (pages.clone(), requests.clone());
        let handler = move |uri: Uri, headers: HeaderMap| {
            let (table, log) = (table.clone(), log.clone());
            async move {
                let path = uri.path().to_string();
                let conditional = headers
                    .get(header::IF_NONE_MATCH)
                    .and_then(|value| value.to_str().ok())
                    .map(str::to_string);
                log.lock()
                    .expect("log")
                    .push(format!("{path} {}", conditional.as_deref().unwrap_or("-")));
                let page = table.lock().expect("pages").get(&path).cloned();
                let Some(page) = page else {
                    return (StatusCode::NOT_FOUND, "not found").into_response();
                };
                if page.etag.is_some() && page.etag == conditional {
                    return StatusCode::NOT_MODIFIED.into_response();
                }
                let mut response = (
                    StatusCode::from_u16(page.status).expect("status"),
                    [(header::CONTENT_TYPE, page.content_type)],
                    page.body,
                )
                    .into_response();
                if let Some(etag) = page.etag {
                    response
                        .headers_mut()
                        .insert(header::ETAG, etag.parse().expect("etag"));
                }
                response
            }
        };
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                let app = axum::Router::new().fallback(handler);
                let _ = axum::serve(listener, app).await;
            });
        });
        Site {
            port,
            pages,
            requests,
        }
    }

    /// Answers `path` with `page` from now on.
    pub fn put(&self, path: &str, page: SitePage) {
        self.pages
            .lock()
            .expect("pages")
            .insert(path.to_string(), page);
    }

    /// The URL of `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// The requests of `path` so far, each with the `If-None-Match` sent
    /// (`-` for none).
    pub fn requests_of(&self, path: &str) -> Vec<String> {
        self.requests
            .lock()
            .expect("log")
            .iter()
            .filter(|request| request.split(' ').next() == Some(path))
            .cloned()
            .collect()
    }
}
