//! A relay in front of an IMAP server that goes away in the middle of a
//! sync: it passes everything both ways, until one connection's client sends
//! more `FETCH` commands than allowed; then it closes that connection without
//! passing the command on. It cuts once: later connections are relayed whole.
//! It runs on background threads, and stops (closing its connections) when
//! dropped.

use std::io::{BufRead, BufReader, ErrorKind, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// How often the acceptor looks whether the relay was dropped.
const TICK: Duration = Duration::from_millis(20);

/// A listening relay to `127.0.0.1:upstream`.
pub struct CuttingRelay {
    pub port: u16,
    /// Whether it has cut a connection yet.
    cut: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
    /// Every socket it opened, to close when dropped.
    sockets: Arc<Mutex<Vec<TcpStream>>>,
    acceptor: Option<JoinHandle<()>>,
}

impl CuttingRelay {
    /// Relay to the server on `upstream`, cutting the first connection that
    /// sends a `FETCH` after `fetches` of them.
    pub fn start(upstream: u16, fetches: usize) -> CuttingRelay {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let port = listener.local_addr().expect("the listener's port").port();
        listener.set_nonblocking(true).expect("a non-blocking listener");
        let (cut, stop) = (Arc::new(AtomicBool::new(false)), Arc::new(AtomicBool::new(false)));
        let sockets = Arc::new(Mutex::new(Vec::new()));
        let acceptor = std::thread::spawn({
            let (cut, stop, sockets) = (Arc::clone(&cut), Arc::clone(&stop), Arc::clone(&sockets));
            move || {
                while !stop.load(Ordering::Relaxed) {
                    match listener.accept() {
                        Ok((client, _)) => relay(client, upstream, fetches, &cut, &sockets),
                        Err(error) if error.kind() == ErrorKind::WouldBlock => std::thread::sleep(TICK),
                        Err(_) => std::thread::sleep(TICK),
                    }
                }
            }
        });
        CuttingRelay { port, cut, stop, sockets, acceptor: Some(acceptor) }
    }

    /// Whether it has cut a connection.
    pub fn has_cut(&self) -> bool {
        self.cut.load(Ordering::Relaxed)
    }
}

impl Drop for CuttingRelay {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        for socket in self.sockets.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).iter() {
            let _ = socket.shutdown(Shutdown::Both);
        }
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
    }
}

/// Relay one connection on two threads: the server's bytes as they come, the
/// client's line by line, counting its `FETCH` commands.
fn relay(client: TcpStream, upstream: u16, fetches: usize, cut: &Arc<AtomicBool>, sockets: &Mutex<Vec<TcpStream>>) {
    let _ = client.set_nonblocking(false);
    let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)) else { return };
    let (Ok(client_out), Ok(server_in), Ok(server_closer), Ok(client_closer)) =
        (client.try_clone(), server.try_clone(), server.try_clone(), client.try_clone())
    else {
        return;
    };
    {
        let mut open = sockets.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        open.push(server_closer);
        open.push(client_closer);
    }
    std::thread::spawn(move || {
        let (mut from, mut to) = (server_in, client_out);
        let _ = std::io::copy(&mut from, &mut to);
        let _ = to.shutdown(Shutdown::Write);
    });
    let cut = Arc::clone(cut);
    std::thread::spawn(move || {
        let (mut from, mut to) = (BufReader::new(client), server);
        let mut sent = 0;
        let mut line = Vec::new();
        loop {
            line.clear();
            match from.read_until(b'\n', &mut line) {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
            let command = String::from_utf8_lossy(&line).to_ascii_uppercase();
            if command.split_whitespace().any(|word| word == "FETCH") {
                sent += 1;
                if sent > fetches && !cut.swap(true, Ordering::Relaxed) {
                    let _ = to.shutdown(Shutdown::Both);
                    let _ = from.get_ref().shutdown(Shutdown::Both);
                    return;
                }
            }
            if to.write_all(&line).is_err() {
                break;
            }
        }
        let _ = to.shutdown(Shutdown::Write);
    });
}
