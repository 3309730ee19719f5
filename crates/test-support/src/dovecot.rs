//! Dovecot, a real IMAP server, started for one test: its own configuration,
//! Maildir, passwd-file user and log in a temp directory, listening on a free
//! loopback port, without TLS (or, from [`Dovecot::start_tls`], with STARTTLS
//! there and TLS on a second port, under a self-signed certificate for
//! `localhost` made with `openssl`). It runs unprivileged (as `nobody` when
//! the tests run as root). Messages are put in the mailbox with a plain IMAP
//! APPEND spoken over a socket, sharing no code with Tickler's IMAP client.
//! [`Dovecot::start_submission`] also runs Dovecot's SMTP submission service
//! (STARTTLS, login required), relaying what it takes to another SMTP server.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

static NEXT: AtomicU32 = AtomicU32::new(0);

/// The mailbox owner's login.
pub const USER: &str = "sam";
/// Their password.
pub const PASSWORD: &str = "imap-secret";

/// A running Dovecot, stopped and cleaned up when dropped.
pub struct Dovecot {
    pub port: u16,
    /// The TLS port, when started with TLS.
    pub tls_port: Option<u16>,
    /// The SMTP submission port, when started with submission.
    pub submission_port: Option<u16>,
    dir: PathBuf,
    child: Child,
}

impl Dovecot {
    /// Start Dovecot on a free loopback port, without TLS; waits until it greets.
    pub fn start() -> Dovecot {
        Dovecot::launch(false, None)
    }

    /// Start Dovecot with STARTTLS on `port` and TLS on `tls_port`; [`Dovecot::certificate`] is its certificate.
    pub fn start_tls() -> Dovecot {
        Dovecot::launch(true, None)
    }

    /// Start Dovecot with TLS and its SMTP submission service on `submission_port`
    /// (STARTTLS; [`USER`] must log in), relaying to the SMTP server on 127.0.0.1:`relay`.
    pub fn start_submission(relay: u16) -> Dovecot {
        Dovecot::launch(true, Some(relay))
    }

    /// The PEM file of the self-signed certificate (a client trusts it through `SSL_CERT_FILE`).
    pub fn certificate(&self) -> PathBuf {
        self.dir.join("cert.pem")
    }

    fn launch(tls: bool, relay: Option<u16>) -> Dovecot {
        let binary = "/usr/sbin/dovecot";
        assert!(
            Path::new(binary).exists(),
            "the reply tests need Dovecot at {binary}; scripts/test installs it (apt-get install dovecot-imapd)"
        );
        let dir = std::env::temp_dir().join(format!(
            "tickler-dovecot-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        for sub in ["run", "state", "mail"] {
            std::fs::create_dir_all(dir.join(sub)).unwrap();
        }
        std::fs::write(dir.join("users"), format!("{USER}:{{PLAIN}}{PASSWORD}\n")).unwrap();
        if tls {
            crate::tls_front::self_signed(&dir);
        }
        // Dovecot runs as an unprivileged user, who must be able to write here.
        Command::new("chmod").args(["-R", "a+rwX"]).arg(&dir).status().unwrap();
        let (user, group) = identity();
        for _ in 0..20 {
            let port = free_port();
            let tls_port = tls.then(free_port);
            let submission = relay.map(|relay| (free_port(), relay));
            let config = dir.join("dovecot.conf");
            std::fs::write(&config, configuration(&dir, port, tls_port, submission, &user, &group)).unwrap();
            let mut command = if is_root() {
                let mut command = Command::new("setpriv");
                command.args(["--reuid", &user, "--regid", &group, "--clear-groups", binary]);
                command
            } else {
                Command::new(binary)
            };
            let child = command
                .arg("-F")
                .arg("-c")
                .arg(&config)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start dovecot");
            let submission_port = submission.map(|(port, _)| port);
            let mut dovecot = Dovecot { port, tls_port, submission_port, dir: dir.clone(), child };
            for _ in 0..500 {
                if greets(port) {
                    return dovecot;
                }
                if let Ok(Some(_)) = dovecot.child.try_wait() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            dovecot.stop();
        }
        panic!(
            "dovecot did not start; its log:\n{}",
            std::fs::read_to_string(dir.join("dovecot.log")).unwrap_or_default()
        );
    }

    /// The `[imap]` section of a mail settings file that points at this server.
    pub fn settings(&self) -> String {
        format!(
            "[imap]\nhost = 127.0.0.1\nport = {}\nsecurity = none\nusername = {USER}\npassword = {PASSWORD}\n\
             poll_seconds = 1\ntimeout = 20\n",
            self.port
        )
    }

    /// Put a message in the INBOX: any bytes, any line endings (sent with CRLF).
    pub fn append(&self, message: impl AsRef<[u8]>) {
        let mut crlf = Vec::new();
        for &byte in message.as_ref() {
            match byte {
                b'\r' => {}
                b'\n' => crlf.extend_from_slice(b"\r\n"),
                other => crlf.push(other),
            }
        }
        let message = crlf;
        let stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let mut writer = stream.try_clone().unwrap();
        let mut reader = BufReader::new(stream);
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        assert!(line.starts_with("* OK"), "greeting: {line}");
        writer.write_all(format!("a1 LOGIN {USER} {PASSWORD}\r\n").as_bytes()).unwrap();
        expect_ok(&mut reader, "a1");
        writer.write_all(format!("a2 APPEND INBOX {{{}}}\r\n", message.len()).as_bytes()).unwrap();
        line.clear();
        reader.read_line(&mut line).unwrap();
        assert!(line.starts_with('+'), "APPEND continuation: {line}");
        writer.write_all(&message).unwrap();
        writer.write_all(b"\r\n").unwrap();
        expect_ok(&mut reader, "a2");
        writer.write_all(b"a3 LOGOUT\r\n").unwrap();
        expect_ok(&mut reader, "a3");
    }

    /// What Dovecot logged.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("dovecot.log")).unwrap_or_default()
    }

    fn stop(&mut self) {
        // SIGTERM lets the master stop its children; SIGKILL if it does not within a few seconds.
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        for _ in 0..500 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Dovecot {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn configuration(
    dir: &Path,
    port: u16,
    tls_port: Option<u16>,
    submission: Option<(u16, u16)>,
    user: &str,
    group: &str,
) -> String {
    let dir = dir.display();
    let (protocols, submission) = match submission {
        Some((listen, relay)) => (
            "imap submission",
            format!(
                "hostname = localhost\n\
                 submission_relay_host = 127.0.0.1\n\
                 submission_relay_port = {relay}\n\
                 submission_relay_trusted = yes\n\
                 service submission-login {{\n  chroot =\n  inet_listener submission {{\n    address = 127.0.0.1\n    \
                 port = {listen}\n  }}\n}}\n"
            ),
        ),
        None => ("imap", String::new()),
    };
    let (ssl, tls_port) = match tls_port {
        Some(tls_port) => (format!("yes\nssl_cert = <{dir}/cert.pem\nssl_key = <{dir}/key.pem"), tls_port),
        None => ("no".to_string(), 0),
    };
    format!(
        "base_dir = {dir}/run\n\
         state_dir = {dir}/state\n\
         instance_name = tickler-test-{port}\n\
         listen = 127.0.0.1\n\
         protocols = {protocols}\n\
         ssl = {ssl}\n\
         disable_plaintext_auth = no\n\
         auth_mechanisms = plain login\n\
         log_path = {dir}/dovecot.log\n\
         mail_location = maildir:{dir}/mail/%u\n\
         default_internal_user = {user}\n\
         default_internal_group = {group}\n\
         default_login_user = {user}\n\
         passdb {{\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%u {dir}/users\n}}\n\
         userdb {{\n  driver = static\n  args = uid={user} gid={group} home={dir}/mail/%u\n}}\n\
         service imap-login {{\n  chroot =\n  inet_listener imap {{\n    address = 127.0.0.1\n    port = {port}\n  }}\n  \
         inet_listener imaps {{\n    address = 127.0.0.1\n    port = {tls_port}\n  }}\n}}\n\
         service anvil {{\n  chroot =\n}}\n\
         {submission}"
    )
}

/// Whether Dovecot answers with its greeting on `port`.
fn greets(port: u16) -> bool {
    let Ok(stream) = TcpStream::connect(("127.0.0.1", port)) else { return false };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut line = String::new();
    BufReader::new(stream).read_line(&mut line).is_ok() && line.starts_with("* OK")
}

fn expect_ok(reader: &mut impl BufRead, tag: &str) {
    let mut line = String::new();
    loop {
        line.clear();
        reader.read_line(&mut line).unwrap();
        assert!(!line.is_empty(), "dovecot closed the connection before {tag} finished");
        if let Some(status) = line.strip_prefix(&format!("{tag} ")) {
            assert!(status.starts_with("OK"), "{tag}: {line}");
            return;
        }
    }
}

fn is_root() -> bool {
    run("id", &["-u"]) == "0"
}

/// Who Dovecot runs as: `nobody` when the tests run as root, else the current user.
fn identity() -> (String, String) {
    if is_root() { ("nobody".into(), "nogroup".into()) } else { (run("id", &["-un"]), run("id", &["-gn"])) }
}

fn run(program: &str, args: &[&str]) -> String {
    let output = Command::new(program).args(args).output().expect("run id");
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}
