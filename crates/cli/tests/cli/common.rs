//! Harness for the CLI tests: runs the real `tickler` binary against a fresh
//! database per test, on SQLite and on PostgreSQL.
//!
//! Every run passes `--database`, `--tz` and `--now` so results are
//! deterministic; the default "now" is Tuesday 24 November 2026, 10:00 in
//! New York. `both!(name, |t: &Tickler| { ... })` runs one body on both stores
//! as `name::sqlite` and `name::postgres`; the database comes from
//! `tickler_test_support` (PostgreSQL through `TICKLER_TEST_POSTGRES`), and a
//! test fails (it never skips) when the server cannot be reached.
#![allow(dead_code)]

use std::fmt;
use std::io::Write;
use std::process::{Command, Stdio};
use std::rc::Rc;

use serde_json::Value;
pub use tickler_test_support::Backend;
use tickler_test_support::{FreshDatabase, Harness};

/// The default "now": a Tuesday morning in New York.
pub const NOW: &str = "2026-11-24T10:00:00-05:00";
/// The default zone of every run.
pub const TZ: &str = "America/New_York";

/// The `tickler` binary bound to one test database, a "now" and a zone.
/// Cloning (through [`Tickler::at`] or [`Tickler::in_zone`]) shares the database.
#[derive(Clone)]
pub struct Tickler {
    database: Rc<FreshDatabase>,
    pub backend: Backend,
    now: String,
    tz: String,
}

impl Tickler {
    /// A fresh, empty database on `backend`; the store creates its tables on first use.
    pub fn new(backend: Backend) -> Tickler {
        Tickler { database: Rc::new(FreshDatabase::new(backend)), backend, now: NOW.to_string(), tz: TZ.to_string() }
    }

    /// The same database, seen at another instant (RFC 3339).
    pub fn at(&self, now: &str) -> Tickler {
        Tickler { now: now.to_string(), ..self.clone() }
    }

    /// The same database, seen from another zone.
    pub fn in_zone(&self, tz: &str) -> Tickler {
        Tickler { tz: tz.to_string(), ..self.clone() }
    }

    /// What `--database` is given.
    pub fn database(&self) -> String {
        self.database.url().to_string()
    }

    /// Run `tickler --database … --tz … --now … ARGS`.
    pub fn run(&self, args: &[&str]) -> Output {
        self.run_with_stdin(args, None)
    }

    /// Run with `input` on standard input.
    pub fn run_with_stdin(&self, args: &[&str], input: Option<&str>) -> Output {
        run_binary_env(&self.full(args), input, &[])
    }

    /// Run with these environment variables set (e.g. `SSL_CERT_FILE`).
    pub fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Output {
        run_binary_env(&self.full(args), None, env)
    }

    /// Run with `input` on standard input and these environment variables set.
    pub fn run_stdin_env(&self, args: &[&str], input: Option<&str>, env: &[(&str, &str)]) -> Output {
        run_binary_env(&self.full(args), input, env)
    }

    fn full(&self, args: &[&str]) -> Vec<String> {
        let mut full: Vec<String> = vec!["--database".into(), self.database(), "--tz".into(), self.tz.clone()];
        full.extend(["--now".to_string(), self.now.clone()]);
        full.extend(args.iter().map(|arg| arg.to_string()));
        full
    }

    /// Run and require success.
    pub fn ok(&self, args: &[&str]) -> Output {
        self.run(args).success()
    }

    /// Run with `--json`, require success, and parse standard output.
    pub fn json(&self, args: &[&str]) -> Value {
        let mut args = args.to_vec();
        args.push("--json");
        self.ok(&args).json()
    }

    /// `contacts --json`.
    pub fn contacts(&self) -> Vec<Value> {
        array(self.json(&["contacts"]))
    }

    /// `timeline CONTACT --json`.
    pub fn timeline(&self, contact: &str) -> Vec<Value> {
        array(self.json(&["timeline", contact]))
    }

    /// `today --json`.
    pub fn agenda(&self, extra: &[&str]) -> Value {
        let mut args = vec!["today"];
        args.extend_from_slice(extra);
        self.json(&args)
    }

    /// Add a contact and return its id.
    pub fn add(&self, name: &str, flags: &[&str]) -> i64 {
        let mut args = vec!["add", name];
        args.extend_from_slice(flags);
        id(&self.json(&args))
    }

    /// Everything a user can see: settings, contacts with their timelines, the
    /// agenda of the coming year and the open promises. Two equal snapshots
    /// mean nothing was written in between.
    pub fn snapshot(&self) -> Value {
        let contacts = self.contacts();
        let timelines: Vec<Value> =
            contacts.iter().map(|contact| Value::Array(self.timeline(&id(contact).to_string()))).collect();
        serde_json::json!({
            "settings": self.json(&["settings"]),
            "contacts": contacts,
            "timelines": timelines,
            "agenda": self.agenda(&["--days", "400"]),
            "promises": self.json(&["promises"]),
        })
    }

    /// Run a command that must fail with `code` and a one-line error
    /// mentioning every one of `needles`, and must leave the data untouched.
    /// Returns the error line.
    pub fn rejects(&self, args: &[&str], code: i32, needles: &[&str]) -> String {
        let before = self.snapshot();
        let output = self.run(args).failure(code);
        let line = output.error_line();
        for needle in needles {
            assert!(line.contains(needle), "the error for {output:?} should mention {needle:?}");
        }
        assert_eq!(before, self.snapshot(), "`{}` failed but changed the data", output.command);
        line
    }
}

impl Harness for Tickler {
    fn new(backend: Backend) -> Tickler {
        Tickler::new(backend)
    }
}

/// Run the binary with exactly these arguments and no TICKLER_* environment.
pub fn run_binary(args: &[String], input: Option<&str>) -> Output {
    run_binary_env(args, input, &[])
}

/// Run the binary with none of the caller's `TICKLER_*` or `SSL_CERT_*` variables, but `env`.
pub fn run_binary_env(args: &[String], input: Option<&str>, env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tickler"));
    command.args(args);
    for (key, _) in std::env::vars_os() {
        let name = key.to_string_lossy();
        if name.starts_with("TICKLER_") || name.starts_with("SSL_CERT_") {
            command.env_remove(key);
        }
    }
    command.envs(env.iter().copied());
    command.stdin(if input.is_some() { Stdio::piped() } else { Stdio::null() });
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = command.spawn().expect("cannot start the tickler binary");
    if let Some(input) = input {
        let mut stdin = child.stdin.take().expect("stdin is piped");
        stdin.write_all(input.as_bytes()).expect("cannot write to tickler's stdin");
    }
    let output = child.wait_with_output().expect("cannot wait for tickler");
    Output {
        command: format!("tickler {}", args.join(" ")),
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// What one run of the binary produced.
pub struct Output {
    pub command: String,
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl fmt::Debug for Output {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` exited {}\n--- stdout ---\n{}--- stderr ---\n{}",
            self.command, self.code, self.stdout, self.stderr
        )
    }
}

impl Output {
    /// Require exit code 0.
    pub fn success(self) -> Output {
        assert_eq!(self.code, 0, "expected success: {self:?}");
        self
    }

    /// Require this exit code.
    pub fn failure(self, code: i32) -> Output {
        assert_eq!(self.code, code, "expected exit code {code}: {self:?}");
        self
    }

    /// Standard output as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|error| panic!("stdout is not JSON ({error}): {self:?}"))
    }

    /// The error, which must be exactly one line on stderr starting "error: ", with nothing on stdout.
    pub fn error_line(&self) -> String {
        let lines: Vec<&str> = self.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "expected a one-line error: {self:?}");
        assert!(lines[0].starts_with("error: "), "expected \"error: …\": {self:?}");
        assert!(self.stdout.is_empty(), "a failed command printed output: {self:?}");
        lines[0].to_string()
    }
}

/// A JSON array's items.
pub fn array(value: Value) -> Vec<Value> {
    match value {
        Value::Array(items) => items,
        other => panic!("expected a JSON array, got {other}"),
    }
}

/// The `id` field of a JSON object.
pub fn id(value: &Value) -> i64 {
    value["id"].as_i64().unwrap_or_else(|| panic!("no id in {value}"))
}

/// The `kind` of every timeline entry, in order.
pub fn kinds(timeline: &[Value]) -> Vec<&str> {
    timeline.iter().map(|entry| entry["kind"].as_str().expect("timeline entries have a kind")).collect()
}

/// The follow-up ids in one agenda section ("overdue", "today", "upcoming").
pub fn section_ids(agenda: &Value, section: &str) -> Vec<i64> {
    agenda[section]
        .as_array()
        .unwrap_or_else(|| panic!("agenda has no {section} section: {agenda}"))
        .iter()
        .map(|item| item["follow_up"]["id"].as_i64().expect("agenda items carry their follow-up"))
        .collect()
}
