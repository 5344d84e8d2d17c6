//! A real browser against the guard: headless Chromium (`/usr/bin/chromium`, Debian
//! package `chromium`) loads pages from an axum server behind `HostGuardLayer`, under a
//! rebinding name, under `localhost`, at `0.0.0.0`, and from pages of other origins
//! that send `POST`s with `XMLHttpRequest`. The assertions read the DOM the browser
//! printed (`--dump-dom`), i.e. what the page received.
//!
//! Skips (with a message) when Chromium is not installed. Each browser run is killed
//! after a timeout and gets a fresh profile directory, removed afterwards.

use std::io::Read;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::HeaderValue;
use axum::response::{Html, Response};
use axum::routing::{get, post};
use bind_guard::host_guard::{HostGuard, HostGuardLayer};

const CHROMIUM: &str = "/usr/bin/chromium";
const BROWSER_TIMEOUT: Duration = Duration::from_secs(40);

/// The guarded server and the "other origin" server, on loopback ports.
struct Servers {
    guarded: SocketAddr,
    other: SocketAddr,
    posts: Arc<AtomicUsize>,
    _runtime: tokio::runtime::Runtime,
}

fn start_servers() -> Servers {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let posts = Arc::new(AtomicUsize::new(0));
    let (guarded, other) = runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        // Not `from_listener`: the names in BIND_GUARD_ALLOWED_HOSTS must not leak into
        // the test from the environment.
        let guard = HostGuard::builder()
            .listener(&listener)
            .unwrap()
            .build()
            .unwrap();
        let counter = Arc::clone(&posts);
        let app = Router::new()
            .route("/", get(|| async { "served by the guarded server" }))
            .route(
                "/api",
                post(move || {
                    counter.fetch_add(1, Ordering::SeqCst);
                    async { "posted" }
                }),
            )
            .layer(HostGuardLayer::new(guard))
            // Outside the guard, so that refusals carry it too: the pages of other
            // origins can then read the status, and the test can see it in the DOM.
            .layer(axum::middleware::map_response(
                |mut res: Response| async move {
                    res.headers_mut()
                        .insert("access-control-allow-origin", HeaderValue::from_static("*"));
                    res
                },
            ));
        let guarded = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });

        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let other = listener.local_addr().unwrap();
        let page = other_origin_page(guarded.port());
        let app = Router::new().route("/", get(move || async move { Html(page) }));
        tokio::spawn(async move { axum::serve(listener, app).await });
        (guarded, other)
    });
    Servers {
        guarded,
        other,
        posts,
        _runtime: runtime,
    }
}

/// A page of another origin that sends the guarded server a `POST` (a "simple"
/// request: no preflight) and, as a control, a `GET`, and writes what it got back.
/// Synchronous requests, so the results are in the DOM when the page has loaded.
fn other_origin_page(port: u16) -> String {
    format!(
        r#"<!doctype html><html><body><pre id="out"></pre><script>
function send(method, url) {{
  var xhr = new XMLHttpRequest();
  try {{
    xhr.open(method, url, false);
    xhr.setRequestHeader("Content-Type", "text/plain");
    xhr.send(method === "POST" ? "hello" : null);
    return method + " " + url + " -> " + xhr.status + " " + xhr.responseText.trim();
  }} catch (e) {{
    return method + " " + url + " -> failed: " + e.name;
  }}
}}
document.getElementById("out").textContent = [
  send("POST", "http://localhost:{port}/api"),
  send("GET", "http://localhost:{port}/"),
].join("\n");
</script></body></html>"#
    )
}

/// Runs Chromium on `url` and returns the DOM it printed; kills it after
/// [`BROWSER_TIMEOUT`].
fn dump_dom(url: &str) -> String {
    let profile = fresh_profile();
    let mut child = Command::new(CHROMIUM)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--host-resolver-rules=MAP rebind.test 127.0.0.1, MAP attacker.test 127.0.0.1",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(["--dump-dom", url])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut dom = String::new();
        let _ = stdout.read_to_string(&mut dom);
        dom
    });
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if started.elapsed() > BROWSER_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            let _ = std::fs::remove_dir_all(&profile);
            panic!("chromium did not finish {url} within {BROWSER_TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let dom = reader.join().unwrap();
    let _ = std::fs::remove_dir_all(&profile);
    dom
}

fn fresh_profile() -> PathBuf {
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "bind-guard-browser-{}-{}",
        std::process::id(),
        RUNS.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn chromium_present() -> bool {
    if Path::new(CHROMIUM).exists() {
        return true;
    }
    println!("skipped: {CHROMIUM} is not installed (Debian package `chromium`)");
    false
}

#[test]
fn a_browser_is_served_only_under_names_of_the_server() {
    if !chromium_present() {
        return;
    }
    let servers = start_servers();
    let port = servers.guarded.port();

    let dom = dump_dom(&format!("http://localhost:{port}/"));
    assert!(
        dom.contains("served by the guarded server"),
        "localhost: {dom}"
    );

    // DNS rebinding: the name resolves to 127.0.0.1, the Host header gives it away.
    let dom = dump_dom(&format!("http://rebind.test:{port}/"));
    assert!(
        !dom.contains("served by the guarded server"),
        "rebind.test: {dom}"
    );
    assert!(dom.contains("host_not_allowed"), "rebind.test: {dom}");
    assert!(dom.contains("add `rebind.test` to"), "rebind.test: {dom}");

    // "0.0.0.0 day": Chromium may block the address itself; either way no content.
    let dom = dump_dom(&format!("http://0.0.0.0:{port}/"));
    assert!(
        !dom.contains("served by the guarded server"),
        "0.0.0.0: {dom}"
    );
    if dom.contains("ip_not_reachable") {
        println!("0.0.0.0: refused by the guard");
    } else {
        println!("0.0.0.0: blocked by Chromium before the request was sent");
    }
}

#[test]
fn pages_of_other_origins_cannot_post() {
    if !chromium_present() {
        return;
    }
    let servers = start_servers();
    let port = servers.guarded.port();
    let other = servers.other.port();

    // A page of another site (a name that resolves to loopback, another port).
    let dom = dump_dom(&format!("http://attacker.test:{other}/"));
    let post = format!("POST http://localhost:{port}/api -&gt; 403");
    assert!(dom.contains(&post), "attacker.test: {dom}");
    assert!(dom.contains("origin_not_allowed"), "attacker.test: {dom}");
    // The control: the same page reads the guarded server's answer to a GET, so a
    // 200 for the POST would have shown.
    let get = format!("GET http://localhost:{port}/ -&gt; 200 served by the guarded server");
    assert!(dom.contains(&get), "attacker.test: {dom}");

    // A page on another loopback port, reached by its address: another site than
    // `localhost` to the browser.
    let dom = dump_dom(&format!("http://127.0.0.1:{other}/"));
    assert!(dom.contains(&post), "127.0.0.1:{other}: {dom}");
    assert!(dom.contains(&get), "127.0.0.1:{other}: {dom}");

    assert_eq!(
        servers.posts.load(Ordering::SeqCst),
        0,
        "a POST reached the handler"
    );
}
