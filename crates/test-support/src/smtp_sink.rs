//! Postfix's `smtp-sink`, a real SMTP server, started for one test on a free
//! port: every message it accepts is written to a file of its own.

use std::collections::HashMap;
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};

static NEXT: AtomicU32 = AtomicU32::new(0);

/// A running smtp-sink, stopped and cleaned up when dropped.
pub struct SmtpSink {
    pub port: u16,
    dir: PathBuf,
    child: Child,
}

/// One received message: its headers (first value of each, lower-case names) and decoded body.
#[derive(Debug, Clone)]
pub struct Received {
    pub headers: HashMap<String, String>,
    pub body: String,
    pub raw: String,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(&name.to_ascii_lowercase()).map(String::as_str)
    }
}

impl SmtpSink {
    /// Start smtp-sink on a free loopback port; waits until it accepts connections.
    pub fn start() -> SmtpSink {
        SmtpSink::start_with(&[])
    }

    /// Start an smtp-sink that waits `seconds` before answering each message's
    /// DATA, so a test can act while emails are on the wire.
    pub fn start_slow(seconds: u32) -> SmtpSink {
        SmtpSink::start_with(&["-w".to_string(), seconds.to_string()])
    }

    fn start_with(extra: &[String]) -> SmtpSink {
        let binary = "/usr/sbin/smtp-sink";
        assert!(
            std::path::Path::new(binary).exists(),
            "the mail tests need Postfix's smtp-sink at {binary}; scripts/test installs it (apt-get install postfix)"
        );
        let dir = std::env::temp_dir().join(format!(
            "tickler-sink-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        // smtp-sink drops privileges to the -u user, who must be able to write the files.
        Command::new("chmod").arg("777").arg(&dir).status().unwrap();
        for _ in 0..20 {
            let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
            let child = Command::new(binary)
                .args(extra)
                .args(["-u", "nobody", "-d"])
                .arg(format!("{}/%M.", dir.display()))
                .arg(format!("127.0.0.1:{port}"))
                .arg("256")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start smtp-sink");
            let mut sink = SmtpSink { port, dir: dir.clone(), child };
            for _ in 0..200 {
                if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    return sink;
                }
                if let Ok(Some(_)) = sink.child.try_wait() {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            let _ = sink.child.kill();
        }
        panic!("smtp-sink did not start");
    }

    /// The `TICKLER_SMTP_*` settings that point at this sink.
    pub fn env(&self) -> Vec<(String, String)> {
        vec![
            ("TICKLER_SMTP_HOST".into(), "127.0.0.1".into()),
            ("TICKLER_SMTP_PORT".into(), self.port.to_string()),
            ("TICKLER_SMTP_SECURITY".into(), "none".into()),
        ]
    }

    /// Every message received so far.
    pub fn messages(&self) -> Vec<Received> {
        let mut files: Vec<PathBuf> =
            std::fs::read_dir(&self.dir).unwrap().filter_map(|entry| entry.ok().map(|e| e.path())).collect();
        files.sort();
        files
            .iter()
            .filter_map(|path| std::fs::read_to_string(path).ok())
            .filter(|raw| raw.contains("\n\n") || raw.contains("\r\n\r\n"))
            .map(|raw| parse(&raw))
            .collect()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn parse(raw: &str) -> Received {
    let raw = raw.replace("\r\n", "\n");
    let (head, body) = raw.split_once("\n\n").unwrap_or((&raw, ""));
    let mut headers = HashMap::new();
    let mut current: Option<(String, String)> = None;
    for line in head.lines() {
        if line.starts_with([' ', '\t']) {
            if let Some((_, value)) = current.as_mut() {
                value.push(' ');
                value.push_str(line.trim());
            }
            continue;
        }
        if let Some((name, value)) = current.take() {
            headers.entry(name).or_insert(value);
        }
        if let Some((name, value)) = line.split_once(':') {
            current = Some((name.trim().to_ascii_lowercase(), value.trim().to_string()));
        }
    }
    if let Some((name, value)) = current {
        headers.entry(name).or_insert(value);
    }
    let quoted = headers.get("content-transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("quoted-printable"));
    let body = if quoted { decode_quoted_printable(body) } else { body.to_string() };
    Received { headers, body, raw: raw.clone() }
}

fn decode_quoted_printable(text: &str) -> String {
    let joined = text.replace("=\n", "");
    let bytes = joined.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        let hex = bytes.get(index + 1..index + 3).and_then(|pair| std::str::from_utf8(pair).ok());
        if let (b'=', Some(Ok(byte))) = (bytes[index], hex.map(|pair| u8::from_str_radix(pair, 16))) {
            out.push(byte);
            index += 3;
            continue;
        }
        out.push(bytes[index]);
        index += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
