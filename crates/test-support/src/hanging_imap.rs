//! An IMAP server that stops answering, for the tests that one broken mailbox
//! never holds up another: [`HangingImap::silent`] accepts connections and
//! never greets; [`HangingImap::after_login`] greets, answers CAPABILITY and
//! LOGIN, then never answers again. Connections stay open (a hang, not a
//! refusal) until the server is dropped. It runs on background threads.

use std::io::{BufRead, BufReader, ErrorKind, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

/// How often the threads look whether the server was dropped.
const TICK: Duration = Duration::from_millis(20);

/// A listening server that hangs; stops (and closes its connections) when dropped.
pub struct HangingImap {
    pub port: u16,
    stop: Arc<AtomicBool>,
    acceptor: Option<JoinHandle<()>>,
}

/// Where the server stops answering.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hang {
    BeforeGreeting,
    AfterLogin,
}

impl HangingImap {
    /// Accepts connections and never says a word.
    pub fn silent() -> HangingImap {
        HangingImap::start(Hang::BeforeGreeting)
    }

    /// Greets, answers CAPABILITY and LOGIN (any user and password) with OK,
    /// then reads every later command and answers none.
    pub fn after_login() -> HangingImap {
        HangingImap::start(Hang::AfterLogin)
    }

    fn start(hang: Hang) -> HangingImap {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let port = listener.local_addr().expect("the listener's port").port();
        listener.set_nonblocking(true).expect("a non-blocking listener");
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        let acceptor = std::thread::spawn(move || {
            let mut connections = Vec::new();
            while !stopped.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((stream, _)) => {
                        let stopped = Arc::clone(&stopped);
                        connections.push(std::thread::spawn(move || serve(stream, hang, &stopped)));
                    }
                    Err(error) if error.kind() == ErrorKind::WouldBlock => std::thread::sleep(TICK),
                    Err(_) => std::thread::sleep(TICK),
                }
            }
            for connection in connections {
                let _ = connection.join();
            }
        });
        HangingImap { port, stop, acceptor: Some(acceptor) }
    }
}

impl Drop for HangingImap {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

/// One connection: answer what `hang` allows, then hold it open in silence until stopped.
fn serve(stream: TcpStream, hang: Hang, stopped: &AtomicBool) {
    let _ = stream.set_read_timeout(Some(TICK));
    let Ok(mut writer) = stream.try_clone() else { return };
    let mut reader = BufReader::new(stream);
    let mut answering = hang == Hang::AfterLogin;
    if answering {
        let _ = writer.write_all(b"* OK [CAPABILITY IMAP4rev1 IDLE] hanging soon\r\n");
    }
    let mut line = Vec::new();
    while !stopped.load(Ordering::Relaxed) {
        match reader.read_until(b'\n', &mut line) {
            Ok(0) => return,
            Ok(_) if line.ends_with(b"\n") => {
                let text = String::from_utf8_lossy(&line).into_owned();
                line.clear();
                let mut words = text.split_whitespace();
                let (tag, command) = (words.next().unwrap_or("*"), words.next().unwrap_or("").to_ascii_uppercase());
                if !answering {
                    continue;
                }
                let answer = match command.as_str() {
                    "CAPABILITY" => format!("* CAPABILITY IMAP4rev1 IDLE\r\n{tag} OK done\r\n"),
                    "LOGIN" => {
                        answering = false;
                        format!("{tag} OK [CAPABILITY IMAP4rev1 IDLE] logged in, and that is all\r\n")
                    }
                    _ => continue,
                };
                let _ = writer.write_all(answer.as_bytes());
            }
            // A partial line (kept in `line`) or a read timeout: look at `stopped` and read on.
            Ok(_) => {}
            Err(error) if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(_) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn connect(port: u16) -> (BufReader<TcpStream>, TcpStream) {
        let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream.set_read_timeout(Some(Duration::from_millis(300))).unwrap();
        (BufReader::new(stream.try_clone().unwrap()), stream)
    }

    fn silent_for(reader: &mut BufReader<TcpStream>) -> bool {
        let mut line = String::new();
        matches!(reader.read_line(&mut line), Err(error) if matches!(error.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut))
    }

    #[test]
    fn the_silent_server_never_greets() {
        let server = HangingImap::silent();
        let (mut reader, _writer) = connect(server.port);
        assert!(silent_for(&mut reader));
    }

    #[test]
    fn the_other_answers_the_login_and_nothing_after() {
        let server = HangingImap::after_login();
        let (mut reader, mut writer) = connect(server.port);
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        assert!(line.starts_with("* OK"), "{line}");
        writer.write_all(b"a1 CAPABILITY\r\na2 LOGIN sam secret\r\n").unwrap();
        let mut answers = String::new();
        while !answers.contains("a2 OK") {
            line.clear();
            reader.read_line(&mut line).unwrap();
            answers.push_str(&line);
        }
        assert!(answers.contains("a1 OK"), "{answers}");
        writer.write_all(b"a3 EXAMINE INBOX\r\n").unwrap();
        assert!(silent_for(&mut reader));
        let port = server.port;
        drop(server);
        line.clear();
        // Dropped: the connection is closed and no one listens any more.
        assert!(matches!(reader.read_line(&mut line), Ok(0)));
        assert!(TcpStream::connect(("127.0.0.1", port)).is_err());
    }
}
