//! A TLS front for another local server: `socat` accepts TLS (from the first
//! byte) on a free port with a self-signed certificate for `localhost` made
//! with `openssl`, and relays each connection in the clear to `target`.
//! Clients trust the certificate through `SSL_CERT_FILE`.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

pub struct TlsFront {
    pub port: u16,
    dir: PathBuf,
    child: Child,
}

/// Make a self-signed certificate for `localhost` and 127.0.0.1 in `dir`: (cert.pem, key.pem).
pub fn self_signed(dir: &Path) -> (PathBuf, PathBuf) {
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let made = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost"])
        .args(["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout"])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("run openssl (apt-get install openssl)");
    assert!(made.success(), "openssl could not make a certificate");
    (cert, key)
}

impl TlsFront {
    /// Start a TLS front for the server on 127.0.0.1:`target`.
    pub fn start(target: u16) -> TlsFront {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "tickler-tls-front-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let (cert, key) = self_signed(&dir);
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let listen = format!(
            "OPENSSL-LISTEN:{port},bind=127.0.0.1,reuseaddr,fork,verify=0,cert={},key={}",
            cert.display(),
            key.display()
        );
        let child = Command::new("socat")
            .args([listen, format!("TCP:127.0.0.1:{target}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("run socat (apt-get install socat)");
        // Built before waiting, so a failure below still stops socat (Drop).
        let front = TlsFront { port, dir, child };
        for _ in 0..200 {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return front;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!("socat did not listen on {port}");
    }

    /// The certificate a client must trust.
    pub fn certificate(&self) -> PathBuf {
        self.dir.join("cert.pem")
    }
}

impl Drop for TlsFront {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
