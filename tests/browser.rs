//! A real browser against the guard: headless Chromium (`/usr/bin/chromium`, Debian
//! package `chromium`) loads pages from an axum server behind `HostGuardLayer`, under a
//! rebinding name, under `localhost`, at `0.0.0.0`, at `[::ffff:127.0.0.1]`, and from
//! pages of other origins that send `POST`s with `XMLHttpRequest`, open WebSockets to
//! `127.0.0.1` and `localhost`, and include the server's script with `<script src>`.
//! The assertions read the DOM the browser printed (`--dump-dom`, after the page's
//! asynchronous work: `--virtual-time-budget`), i.e. what the page received, and the
//! server's own count of what reached its handlers.
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
use axum::extract::ws::{Message, WebSocketUpgrade};
use axum::http::HeaderValue;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use bind_guard::host_guard::{HostGuard, HostGuardLayer};

const CHROMIUM: &str = "/usr/bin/chromium";
const BROWSER_TIMEOUT: Duration = Duration::from_secs(40);

/// The guarded server and the "other origin" server, on loopback ports.
struct Servers {
    guarded: SocketAddr,
    other: SocketAddr,
    posts: Arc<AtomicUsize>,
    /// WebSocket handshakes that reached the handler (that the guard let through).
    upgrades: Arc<AtomicUsize>,
    /// Requests for the script that reached the handler.
    scripts: Arc<AtomicUsize>,
    _runtime: tokio::runtime::Runtime,
}

/// What the guarded server's WebSocket sends first, and what its script sets: a page
/// that shows either has read the server.
const WS_SECRET: &str = "ws-secret-4711";
const JS_SECRET: &str = "js-secret-0815";

fn start_servers() -> Servers {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let posts = Arc::new(AtomicUsize::new(0));
    let upgrades = Arc::new(AtomicUsize::new(0));
    let scripts = Arc::new(AtomicUsize::new(0));
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
        let upgraded = Arc::clone(&upgrades);
        let scripted = Arc::clone(&scripts);
        let app = Router::new()
            .route("/", get(|| async { "served by the guarded server" }))
            .route(
                "/ws",
                get(move |ws: WebSocketUpgrade| {
                    upgraded.fetch_add(1, Ordering::SeqCst);
                    async move {
                        ws.on_upgrade(|mut socket| async move {
                            let _ = socket.send(Message::Text(WS_SECRET.into())).await;
                        })
                    }
                }),
            )
            .route(
                "/app.js",
                get(move || {
                    scripted.fetch_add(1, Ordering::SeqCst);
                    async {
                        (
                            [("content-type", "text/javascript")],
                            format!("window.guardedSecret = {JS_SECRET:?};"),
                        )
                            .into_response()
                    }
                }),
            )
            .route("/own", get(|| async { Html(reader_page("", "")) }))
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
        let port = guarded.port();
        let page = other_origin_page(port);
        let ws_page = reader_page(
            &format!("ws://127.0.0.1:{port}/ws"),
            &format!("ws://localhost:{port}/ws"),
        );
        let script_page = |host: &str| script_page(&format!("http://{host}:{port}/app.js"));
        let (script_localhost, script_ip) = (script_page("localhost"), script_page("127.0.0.1"));
        let app = Router::new()
            .route("/", get(move || async move { Html(page) }))
            .route("/ws", get(move || async move { Html(ws_page) }))
            .route(
                "/script",
                get(move || async move { Html(script_localhost) }),
            )
            .route("/script-ip", get(move || async move { Html(script_ip) }));
        tokio::spawn(async move { axum::serve(listener, app).await });
        (guarded, other)
    });
    Servers {
        guarded,
        other,
        posts,
        upgrades,
        scripts,
        _runtime: runtime,
    }
}

/// A page that opens a WebSocket to each URL (the server's own `/ws` when empty:
/// the same-origin control) and writes what it read: `read <message>`, or how it
/// failed. It also includes `/app.js` when served by the guarded server itself.
fn reader_page(first: &str, second: &str) -> String {
    format!(
        r#"<!doctype html><html><body><pre id="out">pending</pre>
<script>
function own(path) {{ return "ws://" + location.host + path; }}
var urls = [{first:?} || own("/ws"), {second:?} || own("/ws?again")];
function open(url) {{
  return new Promise(function (resolve) {{
    var done = false;
    function finish(text) {{ if (!done) {{ done = true; resolve(url + " -> " + text); }} }}
    try {{
      var ws = new WebSocket(url);
      ws.onmessage = function (ev) {{ finish("read " + ev.data); ws.close(); }};
      ws.onerror = function () {{ finish("error"); }};
      ws.onclose = function (ev) {{ finish("closed " + ev.code); }};
    }} catch (e) {{ finish("failed: " + e.name); }}
  }});
}}
Promise.all(urls.map(open)).then(function (lines) {{
  document.getElementById("out").textContent = lines.join("\n");
}});
</script>
<script src="/app.js" onerror="void 0"></script>
<p id="own-script"></p>
<script>
document.getElementById("own-script").textContent =
  "own script: " + (typeof guardedSecret === "string" ? guardedSecret : "unread");
</script>
</body></html>"#
    )
}

/// A page of another site that includes the guarded server's script and writes the
/// global it sets, if it ran.
fn script_page(src: &str) -> String {
    format!(
        r#"<!doctype html><html><body><pre id="out"></pre>
<script src="{src}"></script>
<script>
document.getElementById("out").textContent = "included {src}: " +
  (typeof guardedSecret === "string" ? "read " + guardedSecret : "unread");
</script>
</body></html>"#
    )
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

/// The DOM of `url` once its scripts are done. A page that writes its results
/// asynchronously (the WebSocket pages) may still say `pending` when Chromium's
/// virtual time runs out on a loaded machine (WebSocket I/O does not hold virtual time
/// back): it is loaded again with a larger budget, up to three times, so that what the
/// tests assert is what the page finished with.
fn dump_dom(url: &str) -> String {
    let mut dom = String::new();
    for budget in [5_000, 15_000, 30_000] {
        dom = dump_dom_within(url, budget);
        if !dom.contains(">pending</pre>") {
            break;
        }
    }
    dom
}

/// Runs Chromium on `url` with `budget_ms` of virtual time and returns the DOM it
/// printed; kills it after [`BROWSER_TIMEOUT`].
fn dump_dom_within(url: &str, budget_ms: u32) -> String {
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
        // Run the pages' timers and sockets to completion before the DOM is printed
        // (the WebSocket pages write their results asynchronously).
        .arg(format!("--virtual-time-budget={budget_ms}"))
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
    bind_guard_test_support::env::unavailable(
        "browser",
        &format!("{CHROMIUM} is not installed (Debian package `chromium`)"),
    );
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

#[test]
fn pages_of_other_sites_cannot_read_a_websocket() {
    if !chromium_present() {
        return;
    }
    let servers = start_servers();
    let port = servers.guarded.port();
    let other = servers.other.port();

    // The control: the server's own page reads both of its WebSockets (so a
    // refusal below is the guard's, not a broken socket or page).
    let dom = dump_dom(&format!("http://localhost:{port}/own"));
    assert_eq!(
        dom.matches(&format!("read {WS_SECRET}")).count(),
        2,
        "own page: {dom}"
    );
    assert!(
        dom.contains(&format!("own script: {JS_SECRET}")),
        "own page: {dom}"
    );
    // At least two: a page loaded again (see `dump_dom`) may have connected twice.
    let served = servers.upgrades.load(Ordering::SeqCst);
    assert!(served >= 2, "{served}");

    // Cross-site WebSocket hijacking: a page of another site opens
    // ws://127.0.0.1:PORT/ws and ws://localhost:PORT/ws; the Host is right, the
    // Origin is not.
    let page = format!("http://attacker.test:{other}/ws");
    let dom = dump_dom(&page);
    assert!(
        !dom.contains("pending"),
        "{page}: the page did not finish: {dom}"
    );
    assert!(!dom.contains(WS_SECRET), "{page}: {dom}");
    assert!(
        dom.contains(&format!("ws://127.0.0.1:{port}/ws -&gt; ")),
        "{page}: {dom}"
    );
    assert!(
        dom.contains(&format!("ws://localhost:{port}/ws -&gt; ")),
        "{page}: {dom}"
    );
    assert_eq!(
        servers.upgrades.load(Ordering::SeqCst),
        served,
        "a cross-site WebSocket handshake reached the handler"
    );

    // A page on another port of 127.0.0.1 is a page of an accepted host, as every
    // other port of the server's hosts is unless ports are matched: such a page is
    // served by another local program, which can connect to the server anyway.
    // (Chromium sends no `Sec-Fetch-Site` on a WebSocket handshake, so even the
    // handshake to `localhost`, another site to the browser, is judged by its
    // Origin alone.)
    let page = format!("http://127.0.0.1:{other}/ws");
    let dom = dump_dom(&page);
    assert_eq!(
        dom.matches(&format!("read {WS_SECRET}")).count(),
        2,
        "{page}: {dom}"
    );
    // At least: a page that was loaded again (see `dump_dom`) may have connected twice.
    assert!(servers.upgrades.load(Ordering::SeqCst) >= served + 2);
}

#[test]
fn pages_of_other_sites_cannot_include_the_script() {
    if !chromium_present() {
        return;
    }
    let servers = start_servers();
    let port = servers.guarded.port();
    let other = servers.other.port();
    for path in ["script", "script-ip"] {
        for host in ["attacker.test", "127.0.0.1"] {
            let page = format!("http://{host}:{other}/{path}");
            let dom = dump_dom(&page);
            assert!(dom.contains("included http://"), "{page}: {dom}");
            assert!(dom.contains(": unread"), "{page}: {dom}");
            assert!(!dom.contains(JS_SECRET), "{page}: {dom}");
        }
    }
    // The requests did arrive (the guard refused them), and none reached the
    // handler; the server's own page still runs the script.
    assert_eq!(servers.scripts.load(Ordering::SeqCst), 0);
    let dom = dump_dom(&format!("http://localhost:{port}/own"));
    assert!(
        dom.contains(&format!("own script: {JS_SECRET}")),
        "own page: {dom}"
    );
    assert!(servers.scripts.load(Ordering::SeqCst) >= 1);
}

#[test]
fn the_ipv4_mapped_address_is_served() {
    if !chromium_present() {
        return;
    }
    let servers = start_servers();
    let port = servers.guarded.port();
    // Chromium sends `Host: [::ffff:7f00:1]:PORT` for this URL; the connection
    // reaches the 127.0.0.1 listener.
    let dom = dump_dom(&format!("http://[::ffff:127.0.0.1]:{port}/"));
    assert!(
        dom.contains("served by the guarded server"),
        "[::ffff:127.0.0.1]: {dom}"
    );
    // Another address of the same family, which the listener is not bound to, stays
    // refused: the browser reaches 127.0.0.1 only through the mapping.
    let dom = dump_dom(&format!("http://[::ffff:127.0.0.2]:{port}/"));
    assert!(
        !dom.contains("served by the guarded server"),
        "[::ffff:127.0.0.2]: {dom}"
    );
}
