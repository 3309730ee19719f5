//! `tickler token create`: an API token made from the command line works
//! against the running server and is scoped to its user.

#[macro_use]
mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

/// A `tickler serve` on port 0, stopped when dropped.
struct Server {
    child: Child,
    address: String,
}

impl Server {
    fn start(database: &str) -> Server {
        let mut command = Command::new(env!("CARGO_BIN_EXE_tickler"));
        command.args(["--database", database, "serve", "--listen", "127.0.0.1:0"]);
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("TICKLER_") {
                command.env_remove(key);
            }
        }
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("cannot start tickler serve");
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
        let mut line = String::new();
        stdout.read_line(&mut line).expect("tickler serve prints its address");
        // Keep reading what it prints: a closed pipe would stop the server.
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        let address = line
            .trim()
            .strip_prefix("Tickler is running at http://")
            .and_then(|rest| rest.strip_suffix('/'))
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_string();
        Server { child, address }
    }

    /// `GET path` with a bearer token: the status line and the body.
    fn get(&self, path: &str, token: &str) -> (String, String) {
        let mut stream = TcpStream::connect(&self.address).expect("the server accepts connections");
        write!(
            stream,
            "GET {path} HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n",
            self.address
        )
        .expect("the request is sent");
        let mut response = String::new();
        stream.read_to_string(&mut response).expect("the response is read");
        let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
        (head.lines().next().unwrap_or_default().to_string(), body.to_string())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

both!(token_create_gives_a_working_bearer_token, |t| {
    t.run_with_stdin(&["user", "add", "ann@example.com", "--admin"], Some("longpassword1")).success();
    t.run_with_stdin(&["user", "add", "bob@example.com"], Some("longpassword2")).success();

    let created = t.json(&["token", "create", "--user", "ann@example.com", "scripts"]);
    let secret = created["secret"].as_str().expect("the secret is returned").to_string();
    assert!(secret.starts_with("tkl_"), "{created}");
    assert_eq!(created["token"]["name"], "scripts");

    let text = t.ok(&["token", "create", "--user", "bob@example.com", "reports"]).stdout;
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0].contains("\"reports\"") && lines[0].contains("bob@example.com"), "{text}");
    let bob_secret = lines[1].trim();
    assert!(bob_secret.starts_with("tkl_") && bob_secret != secret, "{text}");

    let server = Server::start(&t.database());
    let (status, body) = server.get("/api/v1/me", &secret);
    assert!(status.contains(" 200 "), "{status}: {body}");
    assert!(body.contains("ann@example.com"), "{body}");
    let (status, body) = server.get("/api/v1/me", bob_secret);
    assert!(status.contains(" 200 ") && body.contains("bob@example.com"), "{status}: {body}");
    let (status, _) = server.get("/api/v1/me", "tkl_not-a-real-token");
    assert!(status.contains(" 401 "), "{status}");
});

both!(token_create_refuses_unknown_users_and_bad_names, |t| {
    let output = t.run(&["token", "create", "--user", "nobody@example.com", "x"]).failure(2);
    assert!(output.error_line().contains("nobody@example.com"), "{output:?}");
    t.run(&["token", "create", "--user", "not an email", "x"]).failure(2);
    t.run_with_stdin(&["user", "add", "ann@example.com"], Some("longpassword1")).success();
    t.run(&["token", "create", "--user", "ann@example.com", ""]).failure(2);
});
