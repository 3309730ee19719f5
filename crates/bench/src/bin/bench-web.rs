//! `bench-web`: throughput and latency of `GET /api/v1/agenda` on a running
//! `tickler serve` under concurrent load, beside the server's trivial
//! `GET /health` (the framework's ceiling) in the same run, and the server's
//! resident memory.
//!
//! ```text
//! bench-web --backend sqlite|postgres --tickler PATH [--wrk wrk] [--lua scripts/bench_wrk.lua]
//!           [--contacts 100000] [--follow-ups 1000000] [--touches 300000] [--open-share 0.03]
//!           [--accounts 100] [--users 1000] [--instances 1]
//!           [--connections 64] [--threads 2] [--seconds 15] [--warmup 5] [--rounds 2]
//!           [--days 7] [--limit 50] [--cache-ms 1000] [--sqlite PATH] [--postgres URL] [--pgbench pgbench] [--keep]
//! ```
//!
//! Seeds `--accounts` accounts sharing the contacts, touches and follow-ups
//! evenly, each as `bench-agenda` seeds its one (setup, not measured), and
//! `--users` users spread over them, each with an API token of their own;
//! one more user is added with `tickler user add` and `tickler token create`
//! (the commands a person runs). It starts `tickler serve --listen
//! 127.0.0.1:0` with the seed's "now" (`--instances` of them on the same
//! database, each loaded by its own `wrk` with its share of the connections,
//! all at once). Every agenda request of the load
//! carries the next token in turn (`scripts/bench_wrk.lua` reads them from a
//! file), so each asks for its own user's agenda, as many users do. After a
//! warm-up of each endpoint, every round loads both with `wrk`
//! (`--connections` connections, `--seconds` each), alternating which goes
//! first; the best round of each endpoint is reported beside every round's
//! figures. `--cache-ms` sets the server's response cache (`TICKLER_CACHE_MS`;
//! 0 turns it off, so every agenda request runs the query). Resident memory (VmRSS) is read once the server has started and
//! is idle, and again once the load is over. Then, with the servers gone, the
//! agenda's SQL alone runs for `--seconds` on every core (rusqlite on SQLite,
//! `pgbench` on PostgreSQL): the most agenda reads the database gives on this
//! machine with no server around them, beside the same `/health`. Prints one
//! JSON document on standard output.

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
    accounts: usize,
    users: usize,
    /// `tickler serve` processes sharing the database and the load.
    instances: usize,
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
    /// The agenda's SQL alone, as the database answers it with nothing around it.
    sql_alone: SqlAlone,
    /// `sql_alone` over health requests/s: the highest ratio any server could reach on this machine.
    sql_alone_ratio: f64,
}

/// The very statement the server runs for the agenda (`tickler_store::AGENDA_SQL`),
/// for each account in turn, with nothing around it: no HTTP, no JSON, no
/// token to look up. SQLite: one read-only connection per core, set as the
/// server's readers are, in this process. PostgreSQL: `pgbench` with the
/// statement prepared, one client per core and eight in all. What the
/// database gives here bounds any server's agenda on this machine.
#[derive(Debug, Clone, Serialize)]
struct SqlAlone {
    tool: String,
    clients: usize,
    seconds: u32,
    queries: u64,
    queries_per_second: f64,
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

    /// Load each of `urls` (one per server, the same path) for `seconds` at
    /// once, the connections shared out among them (warm-ups run the same way;
    /// their figures are dropped). Requests add up; each latency figure is the
    /// worst server's, as one merged histogram is not to be had from several wrk runs.
    fn run(
        &self,
        urls: &[String],
        tokens: Option<&str>,
        seconds: u32,
        endpoint: &'static str,
        round: u32,
    ) -> Result<Load> {
        let share = (self.connections / urls.len() as u32).max(1);
        let threads = (self.threads / urls.len() as u32).max(1);
        let mut children = Vec::new();
        for url in urls {
            let mut command = Command::new(&self.binary);
            command.args([
                "--threads",
                &threads.to_string(),
                "--connections",
                &share.max(threads).to_string(),
                "--duration",
                &format!("{seconds}s"),
                "--timeout",
                "10s",
                "--script",
                &self.lua,
            ]);
            command.arg(url);
            if let Some(tokens) = tokens {
                // The script's own arguments: the file of tokens it takes turns with.
                command.args(["--", tokens]);
            }
            children.push((url, command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn()?));
        }
        let mut results = Vec::new();
        for (url, child) in children {
            let output = child.wait_with_output()?;
            let text = String::from_utf8_lossy(&output.stdout);
            let line = text
                .lines()
                .find_map(|line| line.strip_prefix("bench-web-result "))
                .ok_or_else(|| format!("wrk printed no result for {url} (is {} wrk 4?):\n{text}", self.lua))?;
            let result: WrkResult = serde_json::from_str(line)?;
            if result.errors.status > 0 {
                return Err(format!(
                    "{url}: {} of {} answers were not 2xx or 3xx",
                    result.errors.status, result.requests
                )
                .into());
            }
            results.push(result);
        }
        let ms = |us: f64| us / 1_000.0;
        let worst = |pick: fn(&WrkResult) -> u64| results.iter().map(pick).max().unwrap_or(0) as f64;
        let requests: u64 = results.iter().map(|result| result.requests).sum();
        Ok(Load {
            endpoint,
            round,
            requests,
            requests_per_second: results
                .iter()
                .map(|result| result.requests as f64 / (result.duration_us as f64 / 1e6))
                .sum(),
            mean_ms: ms(results.iter().map(|result| result.latency_us.mean * result.requests as f64).sum::<f64>()
                / requests.max(1) as f64),
            p50_ms: ms(worst(|result| result.latency_us.p50)),
            p90_ms: ms(worst(|result| result.latency_us.p90)),
            p99_ms: ms(worst(|result| result.latency_us.p99)),
            max_ms: ms(worst(|result| result.latency_us.max)),
            socket_errors: results
                .iter()
                .map(|result| result.errors.connect + result.errors.read + result.errors.write + result.errors.timeout)
                .sum(),
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
    let accounts: usize = args.get("accounts", 100)?;
    let users: usize = args.get("users", 1000)?;
    let instances: usize = args.get("instances", 1)?;
    if instances == 0 {
        return Err("--instances: at least 1".into());
    }
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
    let (Seeded { store, native, .. }, books, open_follow_ups) = Seeded::agenda_books(
        &target,
        &format!("web/{backend}"),
        accounts,
        contacts,
        touches,
        follow_ups,
        open_share,
        &now,
    )
    .await?;
    progress(format!("web/{backend}: adding {users} users with a token each"));
    let mut tokens = Vec::with_capacity(users);
    let password_hash = tickler_app::secret::hash_password(PASSWORD);
    for index in 0..users {
        let account = &books[index % books.len()];
        let draft = tickler_core::user::UserDraft::new(&format!("user{index}@bench.example"), "", false)?;
        let user = store
            .create_user(account.id, &draft, &password_hash, &tickler_app::secret::random_secret(), now.timestamp())
            .await?;
        let secret = tickler_app::secret::new_api_token();
        let prefix: String = secret.chars().take(12).collect();
        store
            .create_api_token(&user, "bench-web", &prefix, &tickler_app::secret::hash_secret(&secret), now.timestamp())
            .await?;
        tokens.push(secret);
    }
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
    tokens.push(token.clone());
    let tokens_file = directory.join("tokens.txt");
    std::fs::write(&tokens_file, tokens.join("\n") + "\n")?;
    let tokens_file = tokens_file.display().to_string();

    let servers = (0..instances).map(|_| Server::start(&tickler)).collect::<Result<Vec<_>>>()?;
    let server = &servers[0];
    std::thread::sleep(SETTLE);
    let (rss_idle_mb, _) = server.memory()?;
    let addresses: Vec<&str> = servers.iter().map(|server| server.address.as_str()).collect();
    progress(format!("web/{backend}: tickler serve at {} ({rss_idle_mb:.1} MiB resident, idle)", addresses.join(", ")));

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
    // Every token answers, with its own account's agenda, on every server.
    for (index, token) in tokens.iter().step_by((tokens.len() / 10).max(1)).enumerate() {
        let (status, body) = servers[index % servers.len()].get(&agenda_path, Some(token))?;
        if status != 200 {
            return Err(format!("GET {agenda_path} with a seeded token: {status} {body}").into());
        }
    }
    for server in &servers {
        let (status, health) = server.get("/health", None)?;
        if status != 200 || health.trim() != "ok" {
            return Err(format!("GET /health: {status} {health}").into());
        }
    }

    let agenda_urls: Vec<String> = addresses.iter().map(|address| format!("http://{address}{agenda_path}")).collect();
    let health_urls: Vec<String> = addresses.iter().map(|address| format!("http://{address}/health")).collect();
    progress(format!(
        "web/{backend}: {} connections, {} wrk threads over {instances} server(s); {warmup} s warm-up of each \
         endpoint, then {rounds} round(s) of {seconds} s each",
        wrk.connections, wrk.threads
    ));
    wrk.run(&agenda_urls, Some(&tokens_file), warmup, "agenda", 0)?;
    wrk.run(&health_urls, None, warmup, "health", 0)?;
    let mut runs = Vec::new();
    for round in 1..=rounds {
        // Alternate which goes first, so neither always runs on a warmer (or hotter) machine.
        let agenda_first = round % 2 == 1;
        for agenda_now in [agenda_first, !agenda_first] {
            let run = if agenda_now {
                wrk.run(&agenda_urls, Some(&tokens_file), seconds, "agenda", round)?
            } else {
                wrk.run(&health_urls, None, seconds, "health", round)?
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
    drop(servers);
    std::fs::remove_dir_all(&directory)?;
    let account_ids: Vec<i64> = books.iter().map(|account| account.id.get()).collect();
    let until = tickler_core::agenda::window_end(&now, days).as_second();
    let sql_alone = match &target {
        Target::Sqlite { path } => sql_alone_sqlite(path, &account_ids, until, i64::from(limit) + 1, seconds)?,
        Target::Postgres { .. } => sql_alone_postgres(
            &args.text("pgbench", "pgbench"),
            &target.url(),
            &account_ids,
            until,
            i64::from(limit) + 1,
            seconds,
        )?,
    };
    progress(format!(
        "web/{backend}: the agenda's SQL alone ({}, {} clients): {:.0} queries/s",
        sql_alone.tool, sql_alone.clients, sql_alone.queries_per_second
    ));
    let users = tokens.len();
    if !args.flag("keep") {
        target.drop_database().await?;
    }

    let agenda = best(&runs, "agenda")?;
    let health = best(&runs, "health")?;
    let report = Report {
        benchmark: "web",
        backend,
        database_version,
        accounts: books.len(),
        users,
        instances,
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
        sql_alone_ratio: sql_alone.queries_per_second / health.requests_per_second,
        agenda,
        health,
        runs,
        rss_idle_mb,
        rss_after_load_mb,
        rss_peak_mb,
        sql_alone,
    };
    progress(format!(
        "web/{backend}: agenda {:.0} req/s, health {:.0} req/s ({:.3}x); {rss_idle_mb:.1} MiB idle, \
         {rss_after_load_mb:.1} MiB after the load",
        report.agenda.requests_per_second, report.health.requests_per_second, report.ratio
    ));
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}

/// Cores of this machine: the SQL-alone reference runs one client on each.
fn cores() -> usize {
    std::thread::available_parallelism().map_or(2, usize::from)
}

/// [`SqlAlone`] on SQLite: one thread per core, each with a read-only
/// connection set as the server's readers are (32 MB of page cache, the
/// planner's stability guarantee), running the statement prepared once over
/// the accounts in turn and reading every column of every row.
fn sql_alone_sqlite(
    path: &std::path::Path,
    accounts: &[i64],
    until: i64,
    limit: i64,
    seconds: u32,
) -> Result<SqlAlone> {
    use rusqlite::config::DbConfig;
    use rusqlite::{Connection, OpenFlags};
    let clients = cores();
    let deadline = Instant::now() + Duration::from_secs(u64::from(seconds));
    let run = |offset: usize| -> std::result::Result<u64, rusqlite::Error> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let connection = Connection::open_with_flags(path, flags)?;
        connection.pragma_update(None, "cache_size", -32_768)?;
        connection.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
        let mut statement = connection.prepare(tickler_store::AGENDA_SQL.as_str())?;
        let columns = statement.column_count();
        let mut queries = 0u64;
        let mut turn = offset;
        while Instant::now() < deadline {
            let account = accounts[turn % accounts.len()];
            turn += 1;
            let mut rows = statement.query(rusqlite::params![account, until, limit])?;
            while let Some(row) = rows.next()? {
                for column in 0..columns {
                    std::hint::black_box(row.get_ref(column)?);
                }
            }
            queries += 1;
        }
        Ok(queries)
    };
    let started = Instant::now();
    let counts: Vec<std::result::Result<u64, String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..clients).map(|offset| scope.spawn(move || run(offset))).collect();
        handles
            .into_iter()
            .map(|handle| match handle.join() {
                Ok(count) => count.map_err(|error| error.to_string()),
                Err(_) => Err("a client thread panicked".to_string()),
            })
            .collect()
    });
    let elapsed = started.elapsed().as_secs_f64();
    let mut queries = 0;
    for count in counts {
        queries += count.map_err(|error| format!("the agenda's SQL on SQLite: {error}"))?;
    }
    Ok(SqlAlone {
        tool: format!("rusqlite (SQLite {})", rusqlite::version()),
        clients,
        seconds,
        queries,
        queries_per_second: queries as f64 / elapsed,
    })
}

/// [`SqlAlone`] on PostgreSQL: `pgbench -M prepared` running the statement
/// with a random account of the seeded ones each time, eight clients on as
/// many threads as cores (the server's pool holds eight connections).
fn sql_alone_postgres(
    pgbench: &str,
    url: &str,
    accounts: &[i64],
    until: i64,
    limit: i64,
    seconds: u32,
) -> Result<SqlAlone> {
    let (low, high) = (accounts.iter().min().copied().unwrap_or(1), accounts.iter().max().copied().unwrap_or(1));
    if high - low + 1 != accounts.len() as i64 {
        return Err(
            format!("the seeded accounts are not numbered {low}..={high} in a row: pgbench picks among them").into()
        );
    }
    let sql = tickler_store::AGENDA_SQL
        .replace("$1", ":account")
        .replace("$2", &until.to_string())
        .replace("$3", &limit.to_string());
    let script = std::env::temp_dir().join(format!("tickler-bench-agenda-{}.sql", std::process::id()));
    std::fs::write(&script, format!("\\set account random({low}, {high})\n{sql};\n"))?;
    let clients = 8;
    let output = Command::new(pgbench)
        .args(["-n", "-M", "prepared", "-c", &clients.to_string(), "-j", &cores().to_string()])
        .args(["-T", &seconds.to_string(), "-f", &script.display().to_string(), url])
        .output();
    std::fs::remove_file(&script)?;
    let output = output.map_err(|error| format!("{pgbench}: {error} (Debian: apt-get install postgresql-client)"))?;
    let text = String::from_utf8_lossy(&output.stdout);
    if !output.status.success() {
        return Err(format!("{pgbench} failed: {}{}", text, String::from_utf8_lossy(&output.stderr)).into());
    }
    let field = |label: &str| -> Option<f64> {
        text.lines().find_map(|line| line.trim().strip_prefix(label)).and_then(|rest| {
            rest.trim_start_matches([' ', '=', ':']).split_whitespace().next().and_then(|value| value.parse().ok())
        })
    };
    let tps = field("tps").ok_or_else(|| format!("{pgbench} printed no tps: {text}"))?;
    let processed = text
        .lines()
        .find_map(|line| line.trim().strip_prefix("number of transactions actually processed:"))
        .and_then(|rest| rest.trim().split('/').next().and_then(|count| count.parse::<u64>().ok()));
    let queries = processed.unwrap_or((tps * f64::from(seconds)) as u64);
    let version = Command::new(pgbench)
        .arg("--version")
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_string());
    Ok(SqlAlone {
        tool: version.unwrap_or_else(|_| pgbench.to_string()),
        clients,
        seconds,
        queries,
        queries_per_second: tps,
    })
}
