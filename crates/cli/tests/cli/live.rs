//! Harness for the tests that drive a running `tickler serve` with outside
//! tools (a browser, schemathesis, Python's icalendar): start the real binary
//! on port 0, talk HTTP to it, create the first user and an API token, and
//! find the tools `scripts/test` installs.
//!
//! A missing tool fails the test with the command that installs it; nothing
//! here skips.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;

/// The server's fixed "now": Tuesday 24 November 2026, 10:00 in New York.
pub const NOW: &str = "2026-11-24T10:00:00-05:00";
/// The zone of the demo account and of the users the tests create.
pub const TZ: &str = "America/New_York";
/// The password of the users the tests create.
pub const PASSWORD: &str = "correct horse battery";

/// The workspace's root directory.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().expect("the workspace root exists")
}

/// A `tickler serve` process on a free loopback port, stopped with SIGTERM when dropped.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub url: String,
    /// `127.0.0.1:PORT`.
    pub address: String,
    stderr: Arc<Mutex<String>>,
    /// The thread reading stderr; it ends when the process closes it.
    reading: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    /// Start `tickler --database DATABASE --now NOW --tz TZ serve --listen 127.0.0.1:0 EXTRA`.
    pub fn start(database: &str, extra: &[&str]) -> Server {
        Server::start_env(database, extra, &[])
    }

    /// Start as [`Server::start`] with these environment variables set (`RUST_LOG`, say).
    pub fn start_env(database: &str, extra: &[&str], env: &[(&str, &str)]) -> Server {
        let mut command = Command::new(env!("CARGO_BIN_EXE_tickler"));
        command.args(["--database", database, "--now", NOW, "--tz", TZ, "serve", "--listen", "127.0.0.1:0"]);
        command.args(extra);
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("TICKLER_") || key == "RUST_LOG" {
                command.env_remove(key);
            }
        }
        command.envs(env.iter().copied());
        // No tickler.toml from the working directory.
        command.current_dir(std::env::temp_dir());
        command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = command.spawn().expect("cannot start the tickler binary");
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut err = child.stderr.take().expect("stderr is piped");
        let sink = Arc::clone(&stderr);
        // Line by line, so a test can watch the log while the server runs.
        let reading = std::thread::spawn(move || {
            for line in BufReader::new(&mut err).lines() {
                let Ok(line) = line else { break };
                let mut buffer = sink.lock().expect("stderr buffer");
                buffer.push_str(&line);
                buffer.push('\n');
            }
        });
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
        let mut first = String::new();
        let _ = stdout.read_line(&mut first);
        // Keep reading so the server never blocks on a full pipe.
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        let Some(url) = first.trim().strip_prefix("Tickler is running at ") else {
            let _ = child.kill();
            let _ = child.wait();
            let stderr = stderr.lock().expect("stderr buffer").clone();
            panic!("`tickler serve` did not start: first line {first:?}\n--- stderr ---\n{stderr}");
        };
        let url = url.trim_end_matches('/').to_string();
        let address = url.trim_start_matches("http://").to_string();
        Server { child, url, address, stderr, reading: Some(reading) }
    }

    /// Stop with SIGTERM and return everything the server wrote on stderr.
    pub fn stop(mut self) -> String {
        self.terminate();
        if let Some(reading) = self.reading.take() {
            let _ = reading.join();
        }
        self.stderr()
    }

    /// Stop with SIGTERM; the exit code (`None` when a signal ended it) and everything written on stderr.
    pub fn stop_with_code(mut self) -> (Option<i32>, String) {
        let status = self.terminate();
        if let Some(reading) = self.reading.take() {
            let _ = reading.join();
        }
        (status.and_then(|status| status.code()), self.stderr())
    }

    /// Wait until the server's stderr holds `text` (up to two minutes); panics with the log when it never does.
    pub fn wait_for_log(&self, text: &str) {
        for _ in 0..1200 {
            if self.stderr().contains(text) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("the server never logged {text:?}:\n{}", self.stderr());
    }

    /// SIGTERM, then wait; SIGKILL when the signal cannot be sent.
    fn terminate(&mut self) -> Option<std::process::ExitStatus> {
        if let Ok(Some(status)) = self.child.try_wait() {
            return Some(status);
        }
        let stopped = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        if !stopped.is_ok_and(|status| status.success()) {
            let _ = self.child.kill();
        }
        self.child.wait().ok()
    }

    /// What the server wrote on stderr so far.
    pub fn stderr(&self) -> String {
        self.stderr.lock().expect("stderr buffer").clone()
    }

    /// Send one request; `headers` are extra `(name, value)` pairs.
    pub fn request(&self, method: &str, path: &str, headers: &[(&str, &str)], body: Option<&[u8]>) -> Response {
        http(&self.address, method, path, headers, body)
    }

    /// GET with a bearer token.
    pub fn get(&self, path: &str, token: &str) -> Response {
        self.request("GET", path, &[("Authorization", &format!("Bearer {token}"))], None)
    }

    /// A JSON request with a bearer token.
    pub fn send_json(&self, method: &str, path: &str, token: &str, body: &Value) -> Response {
        let bytes = body.to_string().into_bytes();
        let auth = format!("Bearer {token}");
        self.request(method, path, &[("Authorization", &auth), ("Content-Type", "application/json")], Some(&bytes))
    }

    /// Drive the first-user form like a browser: returns the session cookie (`tickler_session=…`).
    pub fn set_up_first_user(&self, name: &str, email: &str) -> String {
        let page = self.request("GET", "/setup", &[], None).expect(200);
        let form_cookie = page.cookie("tickler_form").expect("the setup page sets its form cookie");
        let csrf = hidden_csrf(&page.text());
        let body = form(&[("csrf", &csrf), ("name", name), ("email", email), ("password", PASSWORD), ("zone", TZ)]);
        let signed_in = self.request(
            "POST",
            "/setup",
            &[("Cookie", &form_cookie), ("Content-Type", "application/x-www-form-urlencoded")],
            Some(body.as_bytes()),
        );
        assert_eq!(signed_in.status, 303, "setup should redirect to Today: {signed_in:?}");
        signed_in.cookie("tickler_session").expect("setup signs the new user in")
    }

    /// Create an API token through the Settings page of a signed-in session; returns its secret.
    pub fn create_token(&self, session: &str, name: &str) -> String {
        let settings = self.request("GET", "/settings", &[("Cookie", session)], None).expect(200);
        let csrf = hidden_csrf(&settings.text());
        let body = form(&[("csrf", &csrf), ("name", name)]);
        let page = self
            .request(
                "POST",
                "/settings/tokens",
                &[("Cookie", session), ("Content-Type", "application/x-www-form-urlencoded")],
                Some(body.as_bytes()),
            )
            .expect(200);
        let text = page.text();
        let start = text.find("value=\"tkl_").unwrap_or_else(|| panic!("no new token on the page:\n{text}")) + 7;
        let end = start + text[start..].find('"').expect("the value attribute closes");
        text[start..end].to_string()
    }

    /// A fresh installation's first user and an API token for them.
    pub fn token(&self) -> String {
        let session = self.set_up_first_user("Tess Tester", "tess@example.com");
        self.create_token(&session, "external tests")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // SIGTERM lets the server finish and close the store; SIGKILL if it is stuck.
        self.terminate();
    }
}

/// The value of the first hidden `csrf` field on a page.
pub fn hidden_csrf(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).unwrap_or_else(|| panic!("no csrf field on the page:\n{html}")) + marker.len();
    let end = start + html[start..].find('"').expect("the value attribute closes");
    html[start..end].to_string()
}

/// An `application/x-www-form-urlencoded` body.
pub fn form(pairs: &[(&str, &str)]) -> String {
    pairs.iter().map(|(key, value)| format!("{}={}", encode(key), encode(value))).collect::<Vec<_>>().join("&")
}

fn encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(byte as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// One HTTP response.
pub struct Response {
    pub status: u16,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl std::fmt::Debug for Response {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "HTTP {} {:?}\n{}", self.status, self.headers, self.text())
    }
}

impl Response {
    /// Require this status.
    pub fn expect(self, status: u16) -> Response {
        assert_eq!(self.status, status, "expected HTTP {status}: {self:?}");
        self
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|error| panic!("not JSON ({error}): {self:?}"))
    }

    /// The first value of header `name`.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, value)| value.as_str())
    }

    /// `name=value` of a cookie this response sets.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .iter()
            .filter(|(key, _)| key == "set-cookie")
            .filter_map(|(_, value)| value.split(';').next())
            .find(|pair| pair.split_once('=').is_some_and(|(key, value)| key == name && !value.is_empty()))
            .map(str::to_string)
    }
}

/// A minimal HTTP/1.1 client: one request per connection, enough for these tests.
pub fn http(address: &str, method: &str, path: &str, headers: &[(&str, &str)], body: Option<&[u8]>) -> Response {
    let mut stream = TcpStream::connect(address).unwrap_or_else(|error| panic!("cannot connect to {address}: {error}"));
    stream.set_read_timeout(Some(Duration::from_secs(60))).expect("a read timeout");
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    let body = body.unwrap_or_default();
    if !body.is_empty() || !matches!(method, "GET" | "HEAD") {
        request.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).and_then(|()| stream.write_all(body)).expect("cannot send the request");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("cannot read the response");
    parse_response(&raw)
        .unwrap_or_else(|| panic!("{method} {path}: malformed response {:?}", String::from_utf8_lossy(&raw)))
}

fn parse_response(raw: &[u8]) -> Option<Response> {
    let split = raw.windows(4).position(|window| window == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..split]).ok()?;
    let mut lines = head.split("\r\n");
    let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_string()))
        .collect();
    let mut body = raw[split + 4..].to_vec();
    let chunked = headers.iter().any(|(name, value)| name == "transfer-encoding" && value.contains("chunked"));
    if chunked {
        body = dechunk(&body)?;
    }
    Some(Response { status, headers, body })
}

fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|window| window == b"\r\n")?;
        let size_text = std::str::from_utf8(&data[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(data.get(..size)?);
        data = data.get(size + 2..)?;
    }
}

/// The Python virtual environment `scripts/test` fills (`TICKLER_TEST_VENV`,
/// default `~/.cache/tickler/test-venv`).
pub fn venv() -> PathBuf {
    if let Some(path) = std::env::var_os("TICKLER_TEST_VENV") {
        return PathBuf::from(path);
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))
        .expect("HOME or XDG_CACHE_HOME is set");
    cache.join("tickler/test-venv")
}

/// A program of the test virtual environment, failing the test when it is not installed.
pub fn venv_program(name: &str) -> PathBuf {
    let path = venv().join("bin").join(name);
    assert!(
        path.exists(),
        "{} is missing: run scripts/test once (it creates the virtual environment {} with the pinned \
         schemathesis and icalendar), or set TICKLER_TEST_VENV",
        path.display(),
        venv().display()
    );
    path
}

/// Run a command to completion with `input` on stdin; returns (success, stdout, stderr).
pub fn run(command: &mut Command, input: Option<&str>) -> (bool, String, String) {
    command.stdin(if input.is_some() { Stdio::piped() } else { Stdio::null() });
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = command.spawn().unwrap_or_else(|error| panic!("cannot run {command:?}: {error}"));
    if let Some(input) = input {
        let mut stdin = child.stdin.take().expect("stdin is piped");
        let input = input.to_string();
        std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    }
    let output = child.wait_with_output().expect("cannot wait for the command");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The `id` of a JSON object in a response.
pub fn id_of(response: &Response) -> i64 {
    let value = response.json();
    value["id"].as_i64().unwrap_or_else(|| panic!("no id in {value}"))
}
