//! `/health`, `/ready`, unknown routes, and a real socket.

use std::io::{Read, Write};

use crate::support::{call, demo_app};

#[tokio::test]
async fn health_ready_and_unknown_routes() {
    let app = demo_app(None, None);
    let (status, body) = call(&app, "GET", "/health", None, &[]).await;
    assert_eq!((status, body["status"].as_str()), (200, Some("ok")));
    let (status, body) = call(&app, "GET", "/ready", None, &[]).await;
    assert_eq!(status, 200);
    assert_eq!(body["documents"], crate::support::FIXTURE_ARTICLES);
    let (status, body) = call(&app, "GET", "/nowhere", None, &[]).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("not_found"))
    );
}

/// The real binary on a real socket: start `newsdex serve --demo`, talk
/// HTTP/1.1 to it, stop it with SIGINT.
#[test]
fn serves_http_on_a_real_socket() {
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("binds");
        probe.local_addr().expect("address").port()
    };
    let server = std::process::Command::new(assert_cmd::cargo::cargo_bin("newsdex"))
        .args([
            "-v",
            "serve",
            "--demo",
            "--addr",
            &format!("127.0.0.1:{port}"),
        ])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("starts");
    let mut response = String::new();
    for _ in 0..100 {
        if let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            write!(
                stream,
                "GET /search?q=marathon HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
            )
            .expect("writes");
            stream.read_to_string(&mut response).expect("reads");
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let _ = std::process::Command::new("kill")
        .args(["-INT", &server.id().to_string()])
        .status();
    let output = server.wait_with_output().expect("exits");
    assert!(response.starts_with("HTTP/1.1 200 OK"), "{response}");
    assert!(response.contains("Marathon record falls in Valencia"));
    assert!(output.status.success(), "graceful shutdown exits 0");
    // The log went to a pipe: plain text, no terminal colour codes.
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(log.contains("INFO"), "{log}");
    assert!(
        !log.contains('\x1b'),
        "colour codes in a piped log: {log:?}"
    );
}

/// The paths `schema/openapi.yaml` documents, each with its methods.
fn documented_routes() -> Vec<(String, Vec<String>)> {
    let openapi = std::fs::read_to_string("schema/openapi.yaml").expect("openapi file");
    let paths = openapi.split("\npaths:\n").nth(1).expect("a paths section");
    let mut routes: Vec<(String, Vec<String>)> = Vec::new();
    for line in paths.lines() {
        if let Some(path) = line
            .strip_prefix("  /")
            .and_then(|rest| rest.strip_suffix(':'))
        {
            routes.push((format!("/{path}"), Vec::new()));
        } else if let Some(method) = line
            .strip_prefix("    ")
            .and_then(|rest| rest.strip_suffix(':'))
            .filter(|method| ["get", "post", "put", "delete", "patch"].contains(method))
            && let Some((_, methods)) = routes.last_mut()
        {
            methods.push(method.to_uppercase());
        } else if !line.starts_with(' ') && !line.is_empty() {
            break;
        }
    }
    routes
}

/// Every path and method the OpenAPI file documents is one the real
/// router serves, and every method the router serves on those paths is
/// documented: each is asked of the router, which answers an unknown path
/// 404 "no such endpoint" and a method a path lacks 405.
#[tokio::test]
async fn the_openapi_file_describes_every_route() {
    let app = crate::support::demo_app(None, None);
    let routes = documented_routes();
    assert!(routes.len() >= 15, "{routes:?}");
    for (path, documented) in &routes {
        let concrete = path
            .replace("{uid}", "articles")
            .replace("{id}", "no-such-article")
            .replace("{field}", "tag");
        for method in ["GET", "POST", "PUT", "DELETE", "PATCH"] {
            let body = (method != "GET" && method != "DELETE").then_some("{}");
            let (status, answer) = crate::support::call(&app, method, &concrete, body, &[]).await;
            let unknown_path = status == 404 && answer["error"]["message"] == "no such endpoint";
            let served = status != 405 && !unknown_path;
            assert_eq!(
                served,
                documented.iter().any(|known| known == method),
                "{method} {path}: the router answers {status} {answer}; schema/openapi.yaml documents {documented:?}"
            );
        }
    }
    // A path the file does not document is not served either.
    let (status, _) = crate::support::call(&app, "GET", "/no-such-route", None, &[]).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn cors_preflight_and_compression() {
    use tower::ServiceExt;
    let index = newsdex::demo::demo_index().expect("demo");
    let config = newsdex::http::ServeConfig {
        cors_origins: vec!["https://news.example".to_string()],
        ..Default::default()
    };
    let app = newsdex::http::router(newsdex::http::AppState::new(index, config).expect("state"));
    let preflight = axum::http::Request::builder()
        .method("OPTIONS")
        .uri("/search")
        .header("origin", "https://news.example")
        .header("access-control-request-method", "POST")
        .body(axum::body::Body::empty())
        .expect("request");
    let response = app.clone().oneshot(preflight).await.expect("response");
    assert_eq!(
        response
            .headers()
            .get("access-control-allow-origin")
            .map(|value| value.as_bytes()),
        Some(&b"https://news.example"[..])
    );
    let stranger = axum::http::Request::builder()
        .uri("/search?q=x")
        .header("origin", "https://elsewhere.example")
        .body(axum::body::Body::empty())
        .expect("request");
    let response = app.clone().oneshot(stranger).await.expect("response");
    assert!(
        response
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );

    let compressed = axum::http::Request::builder()
        .uri("/search?limit=20")
        .header("accept-encoding", "gzip")
        .body(axum::body::Body::empty())
        .expect("request");
    let response = app.oneshot(compressed).await.expect("response");
    assert_eq!(
        response
            .headers()
            .get("content-encoding")
            .map(|value| value.as_bytes()),
        Some(&b"gzip"[..])
    );
}

/// Writes not yet committed when SIGTERM arrives are committed on the way
/// out.
#[test]
fn shutdown_commits_pending_writes() {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("binds");
        probe.local_addr().expect("address").port()
    };
    let mut server = std::process::Command::new(assert_cmd::cargo::cargo_bin("newsdex"))
        .arg("--index")
        .arg(dir.path())
        .args([
            "serve",
            "--commit-interval-ms",
            "600000",
            "--addr",
            &format!("127.0.0.1:{port}"),
        ])
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("starts");
    let body = r#"{"title":"Lighthouse keeper retires","body":"After forty years the keeper handed over the keys."}"#;
    let mut response = String::new();
    for _ in 0..100 {
        if let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            write!(
                stream,
                "PUT /articles/lh-1 HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            )
            .expect("writes");
            stream.read_to_string(&mut response).expect("reads");
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert!(response.starts_with("HTTP/1.1 201"), "{response}");
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &server.id().to_string()])
        .status();
    assert!(server.wait().expect("exits").success());
    let found = crate::support::search_json(dir.path(), &["lighthouse"]);
    assert_eq!(found["total"], 1);
}

#[tokio::test]
async fn the_search_page_is_served_from_the_binary() {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let app = crate::support::demo_app(None, None);
    let request = axum::http::Request::builder()
        .uri("/")
        .body(axum::body::Body::empty())
        .expect("request");
    let response = app.oneshot(request).await.expect("response");
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/html")
    );
    assert!(response.headers().contains_key("content-security-policy"));
    let body = response
        .into_body()
        .collect()
        .await
        .expect("body")
        .to_bytes();
    let page = String::from_utf8_lossy(&body);
    assert!(page.contains("role=\"search\""));
    // It calls the API's own endpoints and nothing outside.
    for endpoint in ["/search?", "/facets/", "/articles/"] {
        assert!(page.contains(endpoint), "{endpoint}");
    }
    let addresses = page.matches("http").count();
    let svg_namespace = page.matches("http://www.w3.org/2000/svg").count();
    assert_eq!(
        addresses, svg_namespace,
        "the page loads nothing from elsewhere"
    );
}

/// Every error code the API can answer is listed where clients read them:
/// the OpenAPI file's error schema and the README's table.
#[test]
fn every_error_code_is_documented_with_its_status() {
    let openapi = std::fs::read_to_string("schema/openapi.yaml").expect("openapi file");
    let enum_line = openapi
        .lines()
        .find(|line| line.trim_start().starts_with("enum: [bad_query"))
        .expect("the error code enum");
    let readme = std::fs::read_to_string("README.md").expect("README");
    let errors = readme
        .split("Errors are `{\"error\": {\"code\", \"message\"}}`")
        .nth(1)
        .and_then(|rest| rest.split("\n\n").next())
        .expect("the README's error paragraph");
    for code in newsdex::http::error::ErrorCode::ALL {
        let name = code.as_str();
        let listed = enum_line
            .split(['[', ',', ']'])
            .any(|item| item.trim() == name);
        assert!(listed, "schema/openapi.yaml lacks {name}");
        assert!(errors.contains(&format!("`{name}`")), "README lacks {name}");
        assert!(
            errors.contains(&code.status().as_u16().to_string()),
            "README lacks {name}'s status"
        );
    }
}

/// axum answers a path without the method 405 itself: it comes in the
/// API's error shape.
#[tokio::test]
async fn a_method_a_path_lacks_is_405_in_the_error_shape() {
    let app = crate::support::demo_app(None, None);
    let (status, body) = crate::support::call(&app, "DELETE", "/search", None, &[]).await;
    assert_eq!(status, 405, "{body}");
    assert_eq!(body["error"]["code"], "method_not_allowed");
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("does not take that method"), "{message}");
    // The methods the path takes are still in `Allow`.
    use tower::ServiceExt;
    let request = axum::http::Request::builder()
        .method("DELETE")
        .uri("/search")
        .body(axum::body::Body::empty())
        .expect("request");
    let response = app.clone().oneshot(request).await.expect("answers");
    let allow = response
        .headers()
        .get("allow")
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    assert!(allow.contains("GET") && allow.contains("POST"), "{allow:?}");
}
