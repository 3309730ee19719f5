//! Dovecot, a real IMAP server, started for one test: its own configuration,
//! Maildirs, passwd-file users and log in a temp directory, listening on free
//! loopback ports, without TLS (or, from [`Dovecot::start_tls`], with STARTTLS
//! there and TLS on a second port, under a self-signed certificate for
//! `localhost` made with `openssl`). It runs unprivileged (as `nobody` when
//! the tests run as root).
//!
//! Mail gets in as it would in life: a plain IMAP APPEND spoken over a socket
//! ([`Dovecot::append`], [`Dovecot::append_to`]) or an LMTP delivery
//! ([`Dovecot::deliver`], see [`crate::lmtp`]), neither sharing code with
//! Tickler's mail client; a big folder is written straight into the Maildir
//! ([`Dovecot::fill`], see [`crate::maildir`]).
//!
//! Every user has INBOX and the special-use folders Sent, Drafts, Trash and
//! Junk (RFC 6154), made and subscribed at login. LMTP delivers
//! `user@any.domain` and `user+detail@any.domain` to `user`'s INBOX and, for a
//! transaction with one recipient, writes `Delivered-To:` with the address
//! as given, `+detail` included (`lmtp_hdr_delivery_address = final`, the
//! default; `original` would take it from the DSN `ORCPT=` parameter and, when
//! the MTA sends none, write no `Delivered-To:` at all). With several
//! recipients in one transaction Dovecot 2.3 writes neither `Delivered-To:` nor
//! the `for <…>` clause of `Received:`, so the copies stay alike.
//!
//! [`Dovecot::start_submission`] also runs Dovecot's SMTP submission service
//! (STARTTLS, login required), relaying what it takes to another SMTP server.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

static NEXT: AtomicU32 = AtomicU32::new(0);

/// The mailbox owner's login (the user of [`Dovecot::start`] and friends).
pub const USER: &str = "sam";
/// Their password.
pub const PASSWORD: &str = "imap-secret";

/// The special-use folders every user has besides INBOX, with their RFC 6154 attribute.
pub const FOLDERS: [(&str, &str); 4] =
    [("Sent", "\\Sent"), ("Drafts", "\\Drafts"), ("Trash", "\\Trash"), ("Junk", "\\Junk")];

/// A running Dovecot, stopped and cleaned up when dropped.
pub struct Dovecot {
    pub port: u16,
    /// The TLS port, when started with TLS.
    pub tls_port: Option<u16>,
    /// The SMTP submission port, when started with submission.
    pub submission_port: Option<u16>,
    /// The LMTP port [`Dovecot::deliver`] speaks to.
    pub lmtp_port: u16,
    users: Vec<(String, String)>,
    dir: PathBuf,
    child: Child,
}

/// What a [`Dovecot`] is started with; [`Dovecot::builder`] makes one with [`USER`] alone, no TLS.
#[derive(Debug, Clone)]
pub struct Builder {
    users: Vec<(String, String)>,
    tls: bool,
    relay: Option<u16>,
    capability: Option<String>,
    special_use: bool,
}

impl Builder {
    /// These users (login, password) instead of [`USER`]; the first is the one of [`Dovecot::settings`] and [`Dovecot::append`].
    pub fn users(mut self, users: &[(&str, &str)]) -> Builder {
        self.users = users.iter().map(|(user, password)| (user.to_string(), password.to_string())).collect();
        self
    }

    /// STARTTLS on `port` and TLS on `tls_port`.
    pub fn tls(mut self) -> Builder {
        self.tls = true;
        self
    }

    /// The SMTP submission service too, relaying to 127.0.0.1:`relay` (implies TLS).
    pub fn submission(mut self, relay: u16) -> Builder {
        self.tls = true;
        self.relay = Some(relay);
        self
    }

    /// What the server announces after login (Dovecot's `imap_capability`), to play
    /// an older server: `"IMAP4rev1 LITERAL+"` has neither IDLE nor SPECIAL-USE.
    pub fn capability(mut self, capability: &str) -> Builder {
        self.capability = Some(capability.to_string());
        self
    }

    /// Sent, Drafts, Trash and Junk without their special-use attributes: found only by name.
    pub fn without_special_use(mut self) -> Builder {
        self.special_use = false;
        self
    }

    /// Start it; waits until it greets.
    pub fn start(self) -> Dovecot {
        Dovecot::launch(&self)
    }
}

impl Dovecot {
    /// What to start: [`USER`] alone, no TLS, no submission, every extension, special-use folders.
    pub fn builder() -> Builder {
        Builder {
            users: vec![(USER.to_string(), PASSWORD.to_string())],
            tls: false,
            relay: None,
            capability: None,
            special_use: true,
        }
    }

    /// Start Dovecot on a free loopback port, without TLS; waits until it greets.
    pub fn start() -> Dovecot {
        Dovecot::builder().start()
    }

    /// Start Dovecot with these users (login, password), without TLS.
    pub fn start_users(users: &[(&str, &str)]) -> Dovecot {
        Dovecot::builder().users(users).start()
    }

    /// Start Dovecot with STARTTLS on `port` and TLS on `tls_port`; [`Dovecot::certificate`] is its certificate.
    pub fn start_tls() -> Dovecot {
        Dovecot::builder().tls().start()
    }

    /// Start Dovecot with TLS and its SMTP submission service on `submission_port`
    /// (STARTTLS; [`USER`] must log in), relaying to the SMTP server on 127.0.0.1:`relay`.
    pub fn start_submission(relay: u16) -> Dovecot {
        Dovecot::builder().submission(relay).start()
    }

    /// The PEM file of the self-signed certificate (a client trusts it through `SSL_CERT_FILE`).
    pub fn certificate(&self) -> PathBuf {
        self.dir.join("cert.pem")
    }

    fn launch(options: &Builder) -> Dovecot {
        let binary = "/usr/sbin/dovecot";
        assert!(
            Path::new(binary).exists(),
            "the mail tests need Dovecot at {binary}; scripts/test installs it \
             (apt-get install dovecot-imapd dovecot-lmtpd dovecot-submissiond)"
        );
        assert!(!options.users.is_empty(), "Dovecot needs at least one user");
        let dir = std::env::temp_dir().join(format!(
            "tickler-dovecot-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        for sub in ["run", "state", "mail"] {
            std::fs::create_dir_all(dir.join(sub)).unwrap();
        }
        let users: String =
            options.users.iter().map(|(user, password)| format!("{user}:{{PLAIN}}{password}\n")).collect();
        std::fs::write(dir.join("users"), users).unwrap();
        if options.tls {
            crate::tls_front::self_signed(&dir);
        }
        // Dovecot runs as an unprivileged user, who must be able to write here.
        Command::new("chmod").args(["-R", "a+rwX"]).arg(&dir).status().unwrap();
        let (user, group) = identity();
        for _ in 0..20 {
            let ports = Ports {
                imap: free_port(),
                tls: options.tls.then(free_port),
                submission: options.relay.map(|relay| (free_port(), relay)),
                lmtp: free_port(),
            };
            let config = dir.join("dovecot.conf");
            std::fs::write(&config, configuration(&dir, &ports, options, &user, &group)).unwrap();
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
            let mut dovecot = Dovecot {
                port: ports.imap,
                tls_port: ports.tls,
                submission_port: ports.submission.map(|(port, _)| port),
                lmtp_port: ports.lmtp,
                users: options.users.clone(),
                dir: dir.clone(),
                child,
            };
            for _ in 0..500 {
                if greets(ports.imap) && crate::lmtp::greets(ports.lmtp) {
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

    /// The `[imap]` section of a mail settings file that points at this server, for its first user.
    pub fn settings(&self) -> String {
        self.settings_for(&self.users[0].0)
    }

    /// The `[imap]` section of a mail settings file for `user`'s INBOX on this server.
    pub fn settings_for(&self, user: &str) -> String {
        format!(
            "[imap]\nhost = 127.0.0.1\nport = {}\nsecurity = none\nusername = {user}\npassword = {}\n\
             poll_seconds = 1\ntimeout = 20\n",
            self.port,
            self.password(user)
        )
    }

    /// `user`'s password.
    pub fn password(&self, user: &str) -> &str {
        self.users
            .iter()
            .find(|(name, _)| name == user)
            .map(|(_, password)| password.as_str())
            .unwrap_or_else(|| panic!("this Dovecot has no user {user}"))
    }

    /// Put a message in the first user's INBOX: any bytes, any line endings (sent with CRLF).
    pub fn append(&self, message: impl AsRef<[u8]>) {
        let (user, password) = &self.users[0];
        self.append_to(user, password, "INBOX", message.as_ref());
    }

    /// Put a message in `user`'s `folder` with an IMAP APPEND, as a mail client
    /// saving what it sent does: any bytes, any line endings (sent with CRLF).
    pub fn append_to(&self, user: &str, password: &str, folder: &str, message: &[u8]) {
        let message = crate::lmtp::crlf(message);
        let mut imap = RawImap::login(self.port, user, password);
        imap.send(&format!("a2 APPEND {} {{{}}}", quoted(folder), message.len()));
        let line = imap.line();
        assert!(line.starts_with('+'), "APPEND continuation: {line}");
        imap.writer.write_all(&message).unwrap();
        imap.send("");
        imap.expect_ok("a2");
        imap.logout();
    }

    /// Deliver a message over LMTP as a mail server would, to each address of
    /// `rcpt_to` (`user@domain` or `user+detail@domain`; the domain is not
    /// checked); it lands in the user's INBOX. Panics unless every recipient is
    /// accepted and saved. See [`crate::lmtp`].
    pub fn deliver(&self, mail_from: &str, rcpt_to: &[&str], message: &[u8]) {
        if let Err(problem) = crate::lmtp::deliver(self.lmtp_port, mail_from, rcpt_to, message) {
            panic!("LMTP delivery failed: {problem}\ndovecot's log:\n{}", self.log());
        }
    }

    /// Write `count` messages, `make(0)` to `make(count - 1)`, straight into `user`'s
    /// `folder` (INBOX, Sent, …) as Maildir files, then have Dovecot index them.
    /// They get the next UIDs in that order. See [`crate::maildir`].
    pub fn fill(&self, user: &str, folder: &str, count: usize, make: impl Fn(usize) -> Vec<u8>) {
        let before = self.count(user, folder);
        crate::maildir::fill(&self.maildir(user, folder), count, make, owner().as_ref());
        let after = self.count(user, folder);
        assert_eq!(after as usize, before as usize + count, "dovecot sees the messages written to {user}'s {folder}");
    }

    /// Delete the messages of `user`'s `folder` whose UIDs are in `uids` (an
    /// IMAP set: `1:99,101`) as a mail client does (STORE \Deleted, EXPUNGE),
    /// leaving gaps in the folder's UIDs.
    pub fn expunge(&self, user: &str, folder: &str, uids: &str) {
        let mut imap = RawImap::login(self.port, user, self.password(user));
        imap.send(&format!("a2 SELECT {}", quoted(folder)));
        imap.expect_ok("a2");
        imap.send(&format!("a3 UID STORE {uids} +FLAGS.SILENT (\\Deleted)"));
        imap.expect_ok("a3");
        imap.send("a4 EXPUNGE");
        imap.expect_ok("a4");
        imap.logout();
    }

    /// How many messages `user`'s `folder` holds (IMAP STATUS; Dovecot reads the folder's new files first).
    pub fn count(&self, user: &str, folder: &str) -> u32 {
        let mut imap = RawImap::login(self.port, user, self.password(user));
        imap.send(&format!("a2 STATUS {} (MESSAGES)", quoted(folder)));
        let mut messages = None;
        loop {
            let line = imap.line();
            if let Some(rest) = line.strip_prefix("* STATUS ") {
                let digits = rest.rsplit("MESSAGES ").next().unwrap_or_default();
                messages = digits.trim_end_matches([')', '\r', '\n']).trim().parse().ok();
            } else if line.starts_with("a2 ") {
                assert!(line.starts_with("a2 OK"), "STATUS {folder}: {line}");
                break;
            }
        }
        imap.logout();
        messages.unwrap_or_else(|| panic!("no STATUS answer for {user}'s {folder}"))
    }

    /// The messages in `user`'s `folder` as Dovecot stored them, oldest first (read from the Maildir files).
    pub fn stored(&self, user: &str, folder: &str) -> Vec<Vec<u8>> {
        crate::maildir::read(&self.maildir(user, folder))
    }

    /// The Maildir of `user`'s `folder`: Maildir++ keeps INBOX at the top and `A/B` in `.A.B`.
    fn maildir(&self, user: &str, folder: &str) -> PathBuf {
        let root = self.dir.join("mail").join(user);
        if folder.eq_ignore_ascii_case("INBOX") { root } else { root.join(format!(".{}", folder.replace('/', "."))) }
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

/// The ports one start listens on.
struct Ports {
    imap: u16,
    tls: Option<u16>,
    /// (listen, relay to)
    submission: Option<(u16, u16)>,
    lmtp: u16,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn configuration(dir: &Path, ports: &Ports, options: &Builder, user: &str, group: &str) -> String {
    let dir = dir.display();
    let (protocols, submission) = match ports.submission {
        Some((listen, relay)) => (
            "imap lmtp submission",
            format!(
                "hostname = localhost\n\
                 submission_relay_host = 127.0.0.1\n\
                 submission_relay_port = {relay}\n\
                 submission_relay_trusted = yes\n\
                 service submission-login {{\n  chroot =\n  inet_listener submission {{\n    address = 127.0.0.1\n    \
                 port = {listen}\n  }}\n}}\n"
            ),
        ),
        None => ("imap lmtp", String::new()),
    };
    let (ssl, tls_port) = match ports.tls {
        Some(tls_port) => (format!("yes\nssl_cert = <{dir}/cert.pem\nssl_key = <{dir}/key.pem"), tls_port),
        None => ("no".to_string(), 0),
    };
    let capability = options.capability.as_ref().map(|capability| format!("imap_capability = {capability}\n"));
    let folders: String = FOLDERS
        .iter()
        .map(|(name, attribute)| {
            let special_use =
                if options.special_use { format!("    special_use = {attribute}\n") } else { String::new() };
            format!("  mailbox {name} {{\n{special_use}    auto = subscribe\n  }}\n")
        })
        .collect();
    let lmtp_port = ports.lmtp;
    let imap_port = ports.imap;
    // %n is the user without the domain: "sam" logs in over IMAP, LMTP looks up
    // "sam@example.org" (the +detail already cut off at recipient_delimiter).
    format!(
        "base_dir = {dir}/run\n\
         state_dir = {dir}/state\n\
         instance_name = tickler-test-{imap_port}\n\
         listen = 127.0.0.1\n\
         protocols = {protocols}\n\
         ssl = {ssl}\n\
         disable_plaintext_auth = no\n\
         auth_mechanisms = plain login\n\
         log_path = {dir}/dovecot.log\n\
         mail_location = maildir:{dir}/mail/%n\n\
         default_internal_user = {user}\n\
         default_internal_group = {group}\n\
         default_login_user = {user}\n\
         {capability}\
         recipient_delimiter = +\n\
         lmtp_save_to_detail_mailbox = no\n\
         lmtp_hdr_delivery_address = final\n\
         namespace inbox {{\n  inbox = yes\n  separator = /\n{folders}}}\n\
         passdb {{\n  driver = passwd-file\n  args = scheme=PLAIN username_format=%n {dir}/users\n}}\n\
         userdb {{\n  driver = static\n  args = uid={user} gid={group} home={dir}/mail/%n\n}}\n\
         service imap-login {{\n  chroot =\n  inet_listener imap {{\n    address = 127.0.0.1\n    port = {imap_port}\n  }}\n  \
         inet_listener imaps {{\n    address = 127.0.0.1\n    port = {tls_port}\n  }}\n}}\n\
         service lmtp {{\n  inet_listener lmtp {{\n    address = 127.0.0.1\n    port = {lmtp_port}\n  }}\n}}\n\
         service anvil {{\n  chroot =\n}}\n\
         {submission}",
        capability = capability.unwrap_or_default(),
    )
}

/// Whether Dovecot answers with its greeting on `port`.
fn greets(port: u16) -> bool {
    let Ok(stream) = TcpStream::connect(("127.0.0.1", port)) else { return false };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut line = String::new();
    BufReader::new(stream).read_line(&mut line).is_ok() && line.starts_with("* OK")
}

/// A folder name as an IMAP quoted string.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A logged-in IMAP connection spoken line by line, for the helpers above.
struct RawImap {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl RawImap {
    fn login(port: u16, user: &str, password: &str) -> RawImap {
        let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        let writer = stream.try_clone().unwrap();
        let mut imap = RawImap { reader: BufReader::new(stream), writer };
        let greeting = imap.line();
        assert!(greeting.starts_with("* OK"), "greeting: {greeting}");
        imap.send(&format!("a1 LOGIN {} {}", quoted(user), quoted(password)));
        imap.expect_ok("a1");
        imap
    }

    fn send(&mut self, line: &str) {
        self.writer.write_all(format!("{line}\r\n").as_bytes()).unwrap();
    }

    fn line(&mut self) -> String {
        let mut line = String::new();
        self.reader.read_line(&mut line).unwrap();
        assert!(!line.is_empty(), "dovecot closed the connection");
        line
    }

    fn expect_ok(&mut self, tag: &str) {
        loop {
            let line = self.line();
            if let Some(status) = line.strip_prefix(&format!("{tag} ")) {
                assert!(status.starts_with("OK"), "{tag}: {line}");
                return;
            }
        }
    }

    fn logout(mut self) {
        self.send("a9 LOGOUT");
        self.expect_ok("a9");
    }
}

fn is_root() -> bool {
    run("id", &["-u"]) == "0"
}

/// Who Dovecot runs as: `nobody` when the tests run as root, else the current user.
fn identity() -> (String, String) {
    if is_root() { ("nobody".into(), "nogroup".into()) } else { (run("id", &["-un"]), run("id", &["-gn"])) }
}

/// The numeric (uid, gid) files written for Dovecot must belong to: `nobody`'s when
/// the tests run as root, none (the current user's, as written) otherwise.
fn owner() -> Option<(u32, u32)> {
    if !is_root() {
        return None;
    }
    let (user, group) = identity();
    let uid = run("id", &["-u", &user]).parse().ok()?;
    let gid = run("getent", &["group", &group]).split(':').nth(2)?.parse().ok()?;
    Some((uid, gid))
}

fn run(program: &str, args: &[&str]) -> String {
    let output = Command::new(program).args(args).output().unwrap_or_else(|error| panic!("run {program}: {error}"));
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The header field `name` of a stored message, unfolded.
    fn header(message: &[u8], name: &str) -> Option<String> {
        let text = String::from_utf8_lossy(message).replace("\r\n", "\n");
        let head = text.split("\n\n").next().unwrap_or_default().replace("\n\t", " ");
        head.lines().find_map(|line| {
            let (field, value) = line.split_once(':')?;
            field.eq_ignore_ascii_case(name).then(|| value.trim().to_string())
        })
    }

    #[test]
    fn a_bcc_to_a_detail_address_keeps_the_detail_in_delivered_to() {
        let dovecot = Dovecot::start_users(&[("sam", "pw1"), ("ann", "pw2")]);
        let message = b"From: Sam <sam@example.org>\nTo: Ann <ann@acme.example>\nSubject: Hello\n\
                        Message-ID: <m1@example.org>\n\nHi Ann,\n.\n..a line that starts with a dot\n";
        dovecot.deliver("sam@example.org", &["sam+tickler-log@example.org"], message);
        let stored = dovecot.stored("sam", "INBOX");
        assert_eq!(stored.len(), 1, "{}", dovecot.log());
        assert_eq!(header(&stored[0], "Delivered-To").as_deref(), Some("sam+tickler-log@example.org"));
        assert_eq!(header(&stored[0], "Subject").as_deref(), Some("Hello"));
        let text = String::from_utf8_lossy(&stored[0]);
        assert!(text.contains("\n.\n..a line that starts with a dot\n"), "dot-stuffing undone: {text}");
        assert!(dovecot.stored("ann", "INBOX").is_empty());
        assert_eq!(dovecot.count("sam", "INBOX"), 1);
    }

    #[test]
    fn several_recipients_in_one_transaction_get_no_delivered_to() {
        let dovecot = Dovecot::start_users(&[("sam", "pw1"), ("ann", "pw2")]);
        dovecot.deliver(
            "bob@else.example",
            &["sam+tickler-log@example.org", "ann@example.org"],
            b"Subject: both\n\nhi\n",
        );
        for user in ["sam", "ann"] {
            let stored = dovecot.stored(user, "INBOX");
            assert_eq!(stored.len(), 1, "{user}");
            assert_eq!(header(&stored[0], "Delivered-To"), None, "{user}");
        }
    }

    #[test]
    fn messages_go_to_any_folder_and_big_folders_fill_fast() {
        let dovecot = Dovecot::builder().users(&[("ann", "pw2")]).start();
        dovecot.append_to("ann", "pw2", "Sent", b"Subject: sent\n\nmine\n");
        dovecot.append("Subject: in\n\nyours\n");
        assert_eq!(dovecot.count("ann", "Sent"), 1);
        assert_eq!(dovecot.count("ann", "INBOX"), 1);
        let started = std::time::Instant::now();
        dovecot.fill("ann", "Sent", 2000, |n| format!("Subject: n{n}\n\nbody {n}\n").into_bytes());
        eprintln!("2000 messages written and indexed in {:?}", started.elapsed());
        assert_eq!(dovecot.count("ann", "Sent"), 2001);
        assert_eq!(dovecot.stored("ann", "Sent").len(), 2001);
        assert!(dovecot.settings_for("ann").contains("username = ann\npassword = pw2\n"));
        assert_eq!(dovecot.settings(), dovecot.settings_for("ann"));
    }

    #[test]
    fn tls_and_submission_still_start_beside_lmtp() {
        let tls = Dovecot::start_tls();
        assert!(tls.certificate().exists());
        assert!(TcpStream::connect(("127.0.0.1", tls.tls_port.unwrap())).is_ok());
        let submission = Dovecot::start_submission(free_port());
        let stream = TcpStream::connect(("127.0.0.1", submission.submission_port.unwrap())).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut greeting = String::new();
        BufReader::new(stream).read_line(&mut greeting).unwrap();
        assert!(greeting.starts_with("220"), "{greeting}");
        submission.deliver("bob@else.example", &["sam+x@example.org"], b"Subject: still\n\nhere\n");
        assert_eq!(submission.count(USER, "INBOX"), 1);
    }

    #[test]
    fn the_default_user_still_reads_its_inbox() {
        let dovecot = Dovecot::start();
        dovecot.append("Subject: one\n\nbody\n");
        assert_eq!(dovecot.count(USER, "INBOX"), 1);
        assert!(dovecot.settings().contains(&format!("username = {USER}\npassword = {PASSWORD}\n")));
        for (folder, _) in FOLDERS {
            assert_eq!(dovecot.count(USER, folder), 0, "{folder}");
        }
    }
}
