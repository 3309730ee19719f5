//! `bench-web`: throughput and latency of `GET /api/v1/agenda` on a running
//! `tickler serve` under concurrent load, beside the server's trivial
//! `GET /health` (the framework's ceiling) in the same run, and the server's
//! resident memory.
//!
//! ```text
//! bench-web --backend sqlite|postgres --tickler PATH [--wrk wrk] [--lua scripts/bench_wrk.lua]
//!           [--contacts 100000] [--follow-ups 1000000] [--touches 300000] [--open-share 0.03]
//!           [--connections 64] [--threads 2] [--seconds 15] [--warmup 5] [--rounds 2]
//!           [--days 7] [--limit 50] [--cache-ms 1000] [--sqlite PATH] [--postgres URL] [--keep]
//! ```
//!
//! Seeds one account as `bench-agenda` does (setup, not measured), adds a
//! user to it and an API token with `tickler user add` and `tickler token
//! create`, and starts `tickler serve --listen 127.0.0.1:0` with the seed's
//! "now". After a warm-up of each endpoint, every round loads both with `wrk`
//! (`--connections` connections, `--seconds` each), alternating which goes
//! first; the best round of each endpoint is reported beside every round's
//! figures. `--cache-ms` sets the server's response cache (`TICKLER_CACHE_MS`;
//! 0 turns it off, so every agenda request runs the query). Resident memory (VmRSS) is read once the server has started and
//! is idle, and again once the load is over. Prints one JSON document on
//! standard output.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use tickler_bench::args::Args;
use tickler_bench::database::{Seeded, Target};
use tickler_bench::{Result, progress, seed};

const EMAIL: &str = "bench@example.com";
const PASSWORD: &str = "bench-password-1";
/// How long the server is left alone before its memory is read.
const SETTLE: Duration = Duration::from_secs(2);

#[derive(Serialize)]
struct Report {
    benchmark: &'static str,
    backend: &'static str,
    database_version: String,
    wrk_version: String,
    contacts: usize,
    follow_ups: usize,
    open_follow_ups: i64,
    touches: usize,
    seed_seconds: f64,
    connections: u32,
    threads: u32,
    seconds: u32,
    warmup_seconds: u32,
    rounds: u32,
    days: u32,
    limit: u32,
    /// The server's response cache, in milliseconds (0: off).
    cache_ms: u64,
    agenda_path: String,
    /// Items in one agenda response, and its size.
    rows_returned: usize,
    agenda_bytes: usize,
    /// The best round of each endpoint.
    agenda: Load,
    health: Load,
    /// Agenda requests/s over health requests/s.
    ratio: f64,
    runs: Vec<Load>,
    rss_idle_mb: f64,
    rss_after_load_mb: f64,
    rss_peak_mb: f64,
}

/// One `wrk` run against one endpoint.
#[derive(Debug, Clone, Serialize)]
struct Load {
    endpoint: &'static str,
    round: u32,
    requests: u64,
    requests_per_second: f64,
    mean_ms: f64,
    p50_ms: f64,
    p90_ms: f64,
    p99_ms: f64,
    max_ms: f64,
    socket_errors: u64,
}

/// The line `scripts/bench_wrk.lua` prints.
#[derive(Debug, Deserialize)]
struct WrkResult {
    requests: u64,
    duration_us: u64,
    errors: WrkErrors,
    latency_us: WrkLatency,
}

#[derive(Debug, Deserialize)]
struct WrkErrors {
    connect: u64,
    read: u64,
    write: u64,
    status: u64,
    timeout: u64,
}

#[derive(Debug, Deserialize)]
struct WrkLatency {
    mean: f64,
    p50: u64,
    p90: u64,
    p99: u64,
    max: u64,
}

/// The `tickler` binary on the benchmark database, run from a directory with
/// no `tickler.toml` and without `TICKLER_*` variables.
struct Tickler {
    binary: PathBuf,
    database: String,
    directory: PathBuf,
    now: String,
    cache_ms: u64,
}

impl Tickler {
    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(&self.binary);
        command.args(["--database", &self.database, "--now", &self.now]).args(args);
        command.current_dir(&self.directory);
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("TICKLER_") {
                command.env_remove(key);
            }
        }
        command
    }

    /// Run a command to completion with `input` on standard input; its standard output.
    fn run(&self, args: &[&str], input: &str) -> Result<String> {
        let mut child =
            self.command(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn()?;
        child.stdin.take().ok_or("stdin is piped")?.write_all(input.as_bytes())?;
        let output = child.wait_with_output()?;
        if !output.status.success() {
            return Err(
                format!("tickler {}: {}", args.join(" "), String::from_utf8_lossy(&output.stderr).trim()).into()
            );
        }
        Ok(String::from_utf8(output.stdout)?)
    }
}

/// A running `tickler serve`, killed when dropped.
struct Server {
    child: Child,
    address: String,
}

impl Server {
    fn start(tickler: &Tickler) -> Result<Server> {
        let mut child = tickler
            .command(&["serve", "--listen", "127.0.0.1:0"])
            .env("TICKLER_CACHE_MS", tickler.cache_ms.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()?;
        let mut stdout = BufReader::new(child.stdout.take().ok_or("stdout is piped")?);
        let mut line = String::new();
        stdout.read_line(&mut line)?;
        // Keep reading what the server prints, so that it never writes to a closed pipe.
        std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
        let address = line
            .trim()
            .strip_prefix("Tickler is running at http://")
            .and_then(|rest| rest.strip_suffix('/'))
            .ok_or_else(|| format!("tickler serve printed {line:?} where its address was expected"))?
            .to_string();
        Ok(Server { child, address })
    }

    /// `GET path` on a fresh connection: the status code and the body.
    fn get(&self, path: &str, token: Option<&str>) -> Result<(u16, String)> {
        let mut stream = TcpStream::connect(&self.address)?;
        let authorization = token.map(|token| format!("Authorization: Bearer {token}\r\n")).unwrap_or_default();
        write!(stream, "GET {path} HTTP/1.1\r\nHost: {}\r\n{authorization}Connection: close\r\n\r\n", self.address)?;
        let mut response = String::new();
        stream.read_to_string(&mut response)?;
        let (head, body) = response.split_once("\r\n\r\n").ok_or("an HTTP response without a blank line")?;
        let status = head.split_whitespace().nth(1).and_then(|code| code.parse().ok()).ok_or("no status code")?;
        Ok((status, body.to_string()))
    }

    /// Resident and peak resident memory, in MiB, from /proc.
    fn memory(&self) -> Result<(f64, f64)> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))?;
        let field = |name: &str| -> Result<f64> {
            let line = status.lines().find(|line| line.starts_with(name)).ok_or_else(|| format!("no {name}"))?;
            let kib: f64 = line.split_whitespace().nth(1).ok_or("an empty field")?.parse()?;
            Ok(kib / 1024.0)
        };
        Ok((field("VmRSS:")?, field("VmHWM:")?))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// How `wrk` is run.
struct Wrk {
    binary: String,
    lua: String,
    connections: u32,
    threads: u32,
}

impl Wrk {
    fn version(&self) -> String {
        // `wrk -v` prints "wrk 4.1.0 [epoll] Copyright …" and exits with status 1.
        Command::new(&self.binary)
            .arg("-v")
            .output()
            .ok()
            .map(|output| {
                String::from_utf8_lossy(&output.stdout).split_whitespace().take(2).collect::<Vec<_>>().join(" ")
            })
            .filter(|version| !version.is_empty())
            .unwrap_or_else(|| "wrk".to_string())
    }

    /// Load `url` for `seconds` (warm-ups run the same way; their figures are dropped).
    fn run(&self, url: &str, token: Option<&str>, seconds: u32, endpoint: &'static str, round: u32) -> Result<Load> {
        let mut command = Command::new(&self.binary);
        command.args([
            "--threads",
            &self.threads.to_string(),
            "--connections",
            &self.connections.to_string(),
            "--duration",
            &format!("{seconds}s"),
            "--timeout",
            "10s",
            "--script",
            &self.lua,
        ]);
        if let Some(token) = token {
            command.args(["--header", &format!("Authorization: Bearer {token}")]);
        }
        let output = command.arg(url).stdin(Stdio::null()).stderr(Stdio::inherit()).output()?;
        let text = String::from_utf8_lossy(&output.stdout);
        let line = text
            .lines()
            .find_map(|line| line.strip_prefix("bench-web-result "))
            .ok_or_else(|| format!("wrk printed no result for {url} (is {} wrk 4?):\n{text}", self.lua))?;
        let result: WrkResult = serde_json::from_str(line)?;
        if result.errors.status > 0 {
            return Err(
                format!("{url}: {} of {} answers were not 2xx or 3xx", result.errors.status, result.requests).into()
            );
        }
        let ms = |us: f64| us / 1_000.0;
        Ok(Load {
            endpoint,
            round,
            requests: result.requests,
            requests_per_second: result.requests as f64 / (result.duration_us as f64 / 1e6),
            mean_ms: ms(result.latency_us.mean),
            p50_ms: ms(result.latency_us.p50 as f64),
            p90_ms: ms(result.latency_us.p90 as f64),
            p99_ms: ms(result.latency_us.p99 as f64),
            max_ms: ms(result.latency_us.max as f64),
            socket_errors: result.errors.connect + result.errors.read + result.errors.write + result.errors.timeout,
        })
    }
}

/// The round of `endpoint` with the highest throughput.
fn best(runs: &[Load], endpoint: &str) -> Result<Load> {
    runs.iter()
        .filter(|run| run.endpoint == endpoint)
        .max_by(|a, b| a.requests_per_second.total_cmp(&b.requests_per_second))
        .cloned()
        .ok_or_else(|| format!("no run of {endpoint}").into())
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let args = Args::from_env()?;
    let target = Target::from_args(&args, "target/bench/web.sqlite")?;
    let binary = PathBuf::from(args.text("tickler", "target/release/tickler"));
    let contacts: usize = args.get("contacts", 100_000)?;
    let follow_ups: usize = args.get("follow-ups", 1_000_000)?;
    let touches: usize = args.get("touches", 300_000)?;
    let open_share: f64 = args.get("open-share", 0.03)?;
    let seconds: u32 = args.get("seconds", 15)?;
    let warmup: u32 = args.get("warmup", 5)?;
    let rounds: u32 = args.get("rounds", 2)?;
    let days: u32 = args.get("days", 7)?;
    let limit: u32 = args.get("limit", 50)?;
    let cache_ms: u64 = args.get("cache-ms", 1000)?;
    let wrk = Wrk {
        binary: args.text("wrk", "wrk"),
        lua: args.text("lua", "scripts/bench_wrk.lua"),
        connections: args.get("connections", 64)?,
        threads: args.get("threads", 2)?,
    };
    if !binary.exists() {
        return Err(format!("--tickler {}: no such binary (cargo build --release -p tickler)", binary.display()).into());
    }
    let backend = target.backend();
    let now = seed::now();

    let seeding = Instant::now();
    let (Seeded { store, native, .. }, open_follow_ups) =
        Seeded::agenda_book(&target, &format!("web/{backend}"), contacts, touches, follow_ups, open_share, &now)
            .await?;
    native.checkpoint().await?;
    let database_version = native.version().await?;
    store.close().await;
    native.close().await;
    let seed_seconds = seeding.elapsed().as_secs_f64();
    progress(format!("web/{backend}: seeded in {seed_seconds:.1} s ({open_follow_ups} open follow-ups)"));

    let directory = std::env::temp_dir().join(format!("tickler-bench-web-{}", std::process::id()));
    std::fs::create_dir_all(&directory)?;
    let tickler = Tickler {
        binary: std::fs::canonicalize(&binary)?,
        database: target.url(),
        directory: directory.clone(),
        now: now.timestamp().to_string(),
        cache_ms,
    };
    tickler.run(&["user", "add", EMAIL, "--admin"], PASSWORD)?;
    let created: serde_json::Value =
        serde_json::from_str(&tickler.run(&["--json", "token", "create", "--user", EMAIL, "bench-web"], "")?)?;
    let token = created["secret"].as_str().ok_or("token create printed no secret")?.to_string();

    let server = Server::start(&tickler)?;
    std::thread::sleep(SETTLE);
    let (rss_idle_mb, _) = server.memory()?;
    progress(format!("web/{backend}: tickler serve at {} ({rss_idle_mb:.1} MiB resident, idle)", server.address));

    let agenda_path = format!("/api/v1/agenda?days={days}&limit={limit}");
    let (status, body) = server.get(&agenda_path, Some(&token))?;
    if status != 200 {
        return Err(format!("GET {agenda_path}: {status} {body}").into());
    }
    let agenda: serde_json::Value = serde_json::from_str(&body)?;
    let rows_returned = agenda["items"].as_array().map_or(0, Vec::len);
    if rows_returned == 0 {
        return Err(format!("GET {agenda_path} returned no items: is the user in the seeded account? {body}").into());
    }
    let (status, health) = server.get("/health", None)?;
    if status != 200 || health.trim() != "ok" {
        return Err(format!("GET /health: {status} {health}").into());
    }

    let base = format!("http://{}", server.address);
    let agenda_url = format!("{base}{agenda_path}");
    let health_url = format!("{base}/health");
    progress(format!(
        "web/{backend}: {} connections, {} wrk threads; {warmup} s warm-up of each endpoint, then {rounds} round(s) \
         of {seconds} s each",
        wrk.connections, wrk.threads
    ));
    wrk.run(&agenda_url, Some(&token), warmup, "agenda", 0)?;
    wrk.run(&health_url, None, warmup, "health", 0)?;
    let mut runs = Vec::new();
    for round in 1..=rounds {
        // Alternate which goes first, so neither always runs on a warmer (or hotter) machine.
        let agenda_first = round % 2 == 1;
        for agenda_now in [agenda_first, !agenda_first] {
            let run = if agenda_now {
                wrk.run(&agenda_url, Some(&token), seconds, "agenda", round)?
            } else {
                wrk.run(&health_url, None, seconds, "health", round)?
            };
            progress(format!(
                "web/{backend}: round {round} {}: {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms",
                run.endpoint, run.requests_per_second, run.p50_ms, run.p99_ms
            ));
            runs.push(run);
        }
    }
    std::thread::sleep(SETTLE);
    let (rss_after_load_mb, rss_peak_mb) = server.memory()?;
    drop(server);
    std::fs::remove_dir_all(&directory)?;
    if !args.flag("keep") {
        target.drop_database().await?;
    }

    let agenda = best(&runs, "agenda")?;
    let health = best(&runs, "health")?;
    let report = Report {
        benchmark: "web",
        backend,
        database_version,
        wrk_version: wrk.version(),
        contacts,
        follow_ups,
        open_follow_ups,
        touches,
        seed_seconds,
        connections: wrk.connections,
        threads: wrk.threads,
        seconds,
        warmup_seconds: warmup,
        rounds,
        days,
        limit,
        cache_ms,
        agenda_path,
        rows_returned,
        agenda_bytes: body.len(),
        ratio: agenda.requests_per_second / health.requests_per_second,
        agenda,
        health,
        runs,
        rss_idle_mb,
        rss_after_load_mb,
        rss_peak_mb,
    };
    progress(format!(
        "web/{backend}: agenda {:.0} req/s, health {:.0} req/s ({:.3}x); {rss_idle_mb:.1} MiB idle, \
         {rss_after_load_mb:.1} MiB after the load",
        report.agenda.requests_per_second, report.health.requests_per_second, report.ratio
    ));
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}
