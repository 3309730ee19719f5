//! LMTP (RFC 2033) spoken over a plain socket, as a mail server hands a message
//! to the mailbox server for delivery: LHLO, MAIL FROM, one RCPT TO per
//! recipient, DATA with the message dot-stuffed, then one reply per accepted
//! recipient. It shares no code with Tickler's mail client, so the tests of
//! that client read mail that arrived the way mail arrives.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::time::Duration;

/// Deliver `message` (any line endings; sent with CRLF) from `mail_from` to
/// each of `rcpt_to` through the LMTP server on 127.0.0.1:`port`. Err names the
/// first command or recipient the server did not accept, with its reply.
pub fn deliver(port: u16, mail_from: &str, rcpt_to: &[&str], message: &[u8]) -> Result<(), String> {
    let stream = TcpStream::connect(("127.0.0.1", port)).map_err(|error| format!("connect to {port}: {error}"))?;
    stream.set_read_timeout(Some(Duration::from_secs(60))).map_err(|error| error.to_string())?;
    let mut writer = stream.try_clone().map_err(|error| error.to_string())?;
    let mut reader = BufReader::new(stream);
    expect(&mut reader, "greeting", "220")?;
    let mut command = |line: &str, code: &str| -> Result<String, String> {
        writer.write_all(format!("{line}\r\n").as_bytes()).map_err(|error| format!("{line}: {error}"))?;
        expect(&mut reader, line, code)
    };
    command("LHLO tickler.test", "250")?;
    command(&format!("MAIL FROM:<{mail_from}>"), "250")?;
    for rcpt in rcpt_to {
        command(&format!("RCPT TO:<{rcpt}>"), "250")?;
    }
    command("DATA", "354")?;
    let mut data = stuffed(&crlf(message));
    data.extend_from_slice(b".\r\n");
    writer.write_all(&data).map_err(|error| format!("DATA: {error}"))?;
    // LMTP answers the end of DATA once per recipient.
    for rcpt in rcpt_to {
        expect(&mut reader, &format!("delivery to {rcpt}"), "250")?;
    }
    writer.write_all(b"QUIT\r\n").map_err(|error| format!("QUIT: {error}"))?;
    Ok(())
}

/// Whether an LMTP server greets on 127.0.0.1:`port`.
pub fn greets(port: u16) -> bool {
    let Ok(stream) = TcpStream::connect(("127.0.0.1", port)) else { return false };
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    reply(&mut BufReader::new(stream)).is_ok_and(|reply| reply.starts_with("220"))
}

/// `message` with every line ending made CRLF (a bare CR is dropped) and a final line ending added when missing.
pub fn crlf(message: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(message.len() + message.len() / 32 + 2);
    for &byte in message {
        match byte {
            b'\r' => {}
            b'\n' => out.extend_from_slice(b"\r\n"),
            other => out.push(other),
        }
    }
    if !out.is_empty() && !out.ends_with(b"\r\n") {
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// CRLF text with a dot doubled at the start of each line (RFC 5321 4.5.2), so that no line reads as the end of DATA.
fn stuffed(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + 16);
    let mut line_start = true;
    for &byte in text {
        if line_start && byte == b'.' {
            out.push(b'.');
        }
        out.push(byte);
        line_start = byte == b'\n';
    }
    out
}

/// Read one reply and check its code; Ok is the reply's text.
fn expect(reader: &mut impl BufRead, doing: &str, code: &str) -> Result<String, String> {
    let reply = reply(reader).map_err(|error| format!("{doing}: {error}"))?;
    if reply.starts_with(code) { Ok(reply) } else { Err(format!("{doing}: {reply}")) }
}

/// One reply, its continuation lines (`250-…`) joined by spaces.
fn reply(reader: &mut impl BufRead) -> Result<String, String> {
    let mut lines = Vec::new();
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).map_err(|error| error.to_string())?;
        if line.is_empty() {
            return Err("the server closed the connection".into());
        }
        let line = line.trim_end().to_string();
        let last = line.as_bytes().get(3) != Some(&b'-');
        lines.push(line);
        if last {
            return Ok(lines.join(" "));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_made_crlf_and_leading_dots_doubled() {
        assert_eq!(crlf(b"a\nb\r\nc"), b"a\r\nb\r\nc\r\n");
        assert_eq!(crlf(b""), b"");
        assert_eq!(stuffed(b".a\r\nb.\r\n..c\r\n"), b"..a\r\nb.\r\n...c\r\n");
    }
}
