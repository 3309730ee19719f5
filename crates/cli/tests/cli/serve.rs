//! `tickler serve` and `tickler user`: the server starts from the command
//! line (flags, config file, demo), answers, and stops cleanly on SIGTERM;
//! users are added from the command line.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

use tickler_test_support::both;

use crate::common::{self, Tickler, run_binary};

/// A `tickler serve` process and the URL it printed.
struct Running {
    child: Child,
    url: String,
    rest: BufReader<std::process::ChildStdout>,
}

impl Running {
    fn start(t: &Tickler, extra: &[&str]) -> Running {
        let mut command = Command::new(env!("CARGO_BIN_EXE_tickler"));
        command.args(["--database", &t.database(), "--now", common::NOW, "--tz", common::TZ, "serve"]);
        command.args(extra);
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("TICKLER_") {
                command.env_remove(key);
            }
        }
        let mut child = command.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        let mut rest = BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        rest.read_line(&mut first).unwrap();
        let url =
            first.trim().strip_prefix("Tickler is running at ").unwrap_or_else(|| panic!("{first:?}")).to_string();
        Running { child, url, rest }
    }

    /// GET `path` with plain HTTP/1.0; the status code and body.
    fn get(&self, path: &str) -> (u16, String) {
        let address = self.url.trim_start_matches("http://").trim_end_matches('/');
        let mut stream = TcpStream::connect(address).unwrap();
        write!(stream, "GET {path} HTTP/1.0\r\nHost: {address}\r\n\r\n").unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let status = response.split(' ').nth(1).unwrap().parse().unwrap();
        (status, response.split_once("\r\n\r\n").map(|(_, body)| body.to_string()).unwrap_or_default())
    }

    /// SIGTERM, then the exit code and everything printed after the URL.
    fn stop(mut self) -> (i32, String) {
        Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status().unwrap();
        let status = self.child.wait().unwrap();
        let mut printed = String::new();
        self.rest.read_to_string(&mut printed).unwrap();
        (status.code().unwrap_or(-1), printed)
    }
}

both!(serve_answers_and_stops_on_sigterm, |t: &Tickler| {
    let server = Running::start(t, &["--listen", "127.0.0.1:0"]);
    assert_eq!(server.get("/health"), (200, "ok".to_string()));
    let (status, body) = server.get("/api/v1/contacts");
    assert_eq!(status, 401, "{body}");
    assert!(body.contains("\"error\":\"unauthorized\""));
    let (status, _) = server.get("/today");
    assert_eq!(status, 303, "a fresh installation sends the visitor to create the first user");
    let (code, printed) = server.stop();
    assert_eq!(code, 0, "a clean stop on SIGTERM");
    assert!(printed.contains("Open http://127.0.0.1:") && printed.contains("to create the first user"), "{printed}");
});

both!(serve_demo_prints_its_login, |t: &Tickler| {
    let server = Running::start(t, &["--listen", "127.0.0.1:0", "--demo"]);
    let (status, page) = server.get("/login");
    assert_eq!(status, 200);
    assert!(
        page.contains("demo@tickler.example") && page.contains("tickler-demo"),
        "the sign-in page shows the demo login"
    );
    let (code, printed) = server.stop();
    assert_eq!(code, 0);
    assert!(printed.contains("Sign in as demo@tickler.example with password tickler-demo"), "{printed}");
    let contacts = t.contacts();
    assert_eq!(contacts.len(), 10, "the demo book was seeded");
    assert_eq!(common::array(t.json(&["user", "list"])).len(), 1);
});

#[test]
fn serve_settings_come_from_file_environment_and_flags() {
    let dir = std::env::temp_dir().join(format!("tickler-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("tickler.toml");
    std::fs::write(&file, "lisen = \"127.0.0.1:1\"\n").unwrap();
    let output = run_binary(&["serve".into(), "--config".into(), file.to_string_lossy().into()], None).failure(2);
    let line = output.error_line();
    assert!(line.contains("lisen") && line.contains("tickler.toml"), "{line}");
    let output = run_binary(&["serve".into(), "--listen".into(), "nowhere".into()], None).failure(2);
    assert!(output.error_line().contains("listen"), "{output:?}");
    // The file's database and listen address are used when no flag overrides them.
    let database = dir.join("from-file.db");
    std::fs::write(&file, format!("listen = \"127.0.0.1:0\"\ndatabase = \"{}\"\n", database.display())).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_tickler"))
        .args(["serve", "--config", &file.to_string_lossy()])
        .env_remove("TICKLER_DATABASE")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let second = lines.next().unwrap().unwrap();
    Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    child.wait().unwrap();
    assert!(first.starts_with("Tickler is running at http://127.0.0.1:"), "{first}");
    assert_eq!(second, format!("Database: {}", database.display()));
    assert!(database.exists());
    let _ = std::fs::remove_dir_all(&dir);
}

both!(users_are_added_from_the_command_line, |t: &Tickler| {
    let user = t
        .run_with_stdin(
            &["user", "add", "ann@example.com", "--name", "Ann", "--admin", "--json"],
            Some("a long passphrase\n"),
        )
        .success()
        .json();
    assert_eq!((user["email"].as_str(), user["is_admin"].as_bool()), (Some("ann@example.com"), Some(true)));
    let output = t.run_with_stdin(&["user", "add", "bob@example.com"], Some("short\n")).failure(2);
    assert!(output.error_line().contains("password: must be at least 10 characters"));
    let output = t.run_with_stdin(&["user", "add", "ANN@example.com"], Some("another long one\n")).failure(1);
    assert!(output.error_line().contains("ann@example.com already belongs"), "{output:?}");
    let output = t.run_with_stdin(&["user", "add", "not-an-email"], Some("another long one\n")).failure(2);
    assert!(output.error_line().contains("email"));
    let other = t
        .run_with_stdin(
            &["user", "add", "eve@example.com", "--new-account", "Eve's shop", "--json"],
            Some("eve's long password\n"),
        )
        .success()
        .json();
    assert_ne!(other["account_id"], user["account_id"], "a new account of her own");
    assert!(other["is_admin"].as_bool().unwrap());
    let listed = common::array(t.json(&["user", "list"]));
    let emails: Vec<&str> = listed.iter().map(|u| u["email"].as_str().unwrap()).collect();
    assert_eq!(emails, ["ann@example.com"], "the list shows the default account's users");
});
