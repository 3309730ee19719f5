//! A PostgreSQL server of a test's own: `initdb` into a temporary directory,
//! started on a free loopback port, restarted on demand (`pg_ctl restart -m
//! fast`, what an operator's restart does to running clients), stopped and
//! deleted when dropped, also when the test fails. Tests that restart the
//! database under running processes use it and never touch the shared server.
//! PostgreSQL refuses to run as root: as root, its commands run as the
//! `postgres` user, who owns the directory.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};

static NEXT: AtomicU32 = AtomicU32::new(0);

/// A running PostgreSQL server, stopped and deleted when dropped.
pub struct PostgresCluster {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
    as_postgres: bool,
}

impl PostgresCluster {
    /// Create and start a server (trust authentication, no fsync) on a free port.
    pub fn start() -> PostgresCluster {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .ok()
            .into_iter()
            .flatten()
            .filter_map(|entry| entry.ok().map(|entry| entry.path().join("bin")))
            .filter(|bin| bin.join("initdb").exists())
            .max()
            .expect("PostgreSQL's server programs in /usr/lib/postgresql/*/bin (apt-get install postgresql)");
        let dir = std::env::temp_dir().join(format!(
            "tickler-postgres-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create the cluster's directory");
        let as_postgres = is_root();
        if as_postgres {
            run(Command::new("chown").arg("postgres").arg(&dir));
        }
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let cluster = PostgresCluster { bin, dir, port, as_postgres };
        cluster.pg("initdb", &["-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync", "-D", &cluster.data()]);
        cluster.ctl(&["start"]);
        cluster
    }

    /// The URL of its `postgres` database.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Restart it the way an operator does: every connection is cut (`-m fast`); returns once it accepts again.
    pub fn restart(&self) {
        self.ctl(&["restart", "-m", "fast"]);
    }

    fn data(&self) -> String {
        self.dir.join("data").display().to_string()
    }

    /// `pg_ctl ACTION`, waiting for it to finish, with the server's options.
    fn ctl(&self, action: &[&str]) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300",
            self.port,
            self.dir.display()
        );
        let (log, data) = (self.dir.join("server.log").display().to_string(), self.data());
        let mut args = vec!["-D", &data, "-l", &log, "-o", &options, "-w"];
        args.extend_from_slice(action);
        self.pg("pg_ctl", &args);
    }

    /// Run one of PostgreSQL's programs (as `postgres` under root); a failure panics with its output and the log.
    fn pg(&self, program: &str, args: &[&str]) {
        let binary = self.bin.join(program);
        let mut command = if self.as_postgres {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(&binary);
            command
        } else {
            Command::new(&binary)
        };
        command.args(args).current_dir(&self.dir);
        let output = run(&mut command);
        if !output.status.success() {
            let log = std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default();
            panic!(
                "{program} {args:?} failed: {}{}\n--- server log ---\n{log}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
    }
}

impl Drop for PostgresCluster {
    fn drop(&mut self) {
        let data = self.data();
        let binary = self.bin.join("pg_ctl");
        let mut command = if self.as_postgres {
            let mut command = Command::new("runuser");
            command.args(["-u", "postgres", "--"]).arg(&binary);
            command
        } else {
            Command::new(&binary)
        };
        let _ = command
            .args(["-D", &data, "-m", "immediate", "-w", "stop"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn run(command: &mut Command) -> Output {
    command.stdin(Stdio::null()).output().unwrap_or_else(|error| panic!("cannot run {command:?}: {error}"))
}

/// Whether this process runs as root (PostgreSQL's programs refuse to).
fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|output| String::from_utf8_lossy(&output.stdout).trim() == "0")
}
