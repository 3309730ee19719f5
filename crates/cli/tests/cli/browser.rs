//! Browser end-to-end tests: `e2e/run.mjs` (playwright-core, installed in
//! `e2e/node_modules` by `npm ci`) drives Debian's Chromium against the real
//! `tickler serve`. `scripts/test` installs node, npm, chromium and the
//! package; without them these tests fail, they never skip.
//!
//! `TICKLER_SCREENSHOT=docs/today.png cargo test -p tickler --test cli browser::demo`
//! refreshes the README's screenshot of the demo's Today page.

use std::path::PathBuf;
use std::process::Command;

use crate::common::{Backend, Tickler};
use crate::live::{self, Server};

/// Run `node e2e/run.mjs ARGS`, failing the test with its output when a check fails.
fn run_node(args: &[&str]) -> String {
    let root = live::workspace();
    let playwright = root.join("e2e/node_modules/playwright-core");
    assert!(playwright.exists(), "{} is missing: run `npm ci` in e2e/ (scripts/test does)", playwright.display());
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_string());
    assert!(
        std::path::Path::new(&chromium).exists(),
        "{chromium} is missing: `apt-get install chromium` (scripts/test does), or set CHROMIUM"
    );
    let mut node = Command::new("node");
    node.current_dir(&root).arg("e2e/run.mjs").args(args);
    let (ok, stdout, stderr) = live::run(&mut node, None);
    assert!(ok, "node e2e/run.mjs {} failed\n--- stdout ---\n{stdout}--- stderr ---\n{stderr}", args.join(" "));
    stdout
}

fn flow(backend: Backend) {
    let t = Tickler::new(backend);
    let server = Server::start(&t.database(), &[]);
    let output = run_node(&["flow", &server.url]);
    assert!(output.contains("checks passed"), "{output}");
    assert!(!server.stderr().contains("panicked"), "the server panicked:\n{}", server.stderr());
}

#[test]
fn sign_up_schedule_and_mark_done_in_a_browser_sqlite() {
    flow(Backend::Sqlite);
}

#[test]
fn sign_up_schedule_and_mark_done_in_a_browser_postgres() {
    flow(Backend::Postgres);
}

#[test]
fn demo_today_in_a_browser() {
    let t = Tickler::new(Backend::Sqlite);
    let server = Server::start(&t.database(), &["--demo"]);
    let shot = match std::env::var_os("TICKLER_SCREENSHOT") {
        Some(path) => live::workspace().join(PathBuf::from(path)),
        None => PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("today-{}.png", std::process::id())),
    };
    let output = run_node(&["demo", &server.url, &shot.to_string_lossy()]);
    assert!(output.contains("checks passed"), "{output}");
    let png = std::fs::read(&shot).unwrap_or_else(|error| panic!("no screenshot at {}: {error}", shot.display()));
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "{} is not a PNG", shot.display());
    if std::env::var_os("TICKLER_SCREENSHOT").is_none() {
        let _ = std::fs::remove_file(&shot);
    }
}
