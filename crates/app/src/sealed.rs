//! Sealed passwords: the passwords people store for their own mailboxes are
//! kept only encrypted, with XChaCha20-Poly1305 under the installation's
//! [`SecretKey`] (from `TICKLER_SECRET_KEY` or the mail settings file's
//! `secret_key`). Each value has a random 24-byte nonce and is written as
//! `v1:` + base64(nonce ‖ ciphertext ‖ tag), so a tampered value, or one
//! sealed under another key, does not open. The store only ever sees the
//! sealed text.

use base64::Engine;
use base64::engine::general_purpose::{GeneralPurpose, STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};

use crate::error::{Error, Kind, Result};

/// Bytes of a key.
pub const KEY_BYTES: usize = 32;
/// Bytes of each value's nonce.
const NONCE_BYTES: usize = 24;
/// What a sealed value starts with: the format, so a later one can be told apart.
const VERSION: &str = "v1:";
/// Bound into every sealed value, so a ciphertext made for something else with the same key does not open.
const CONTEXT: &[u8] = b"tickler sealed value v1";

/// How to make a key and where to put it, for the messages that lack one.
pub const HOW_TO_MAKE_A_KEY: &str = "make one with `tickler mail key`, then set TICKLER_SECRET_KEY \
     or `secret_key = …` at the top of the --mail-config file";

/// The installation's key for sealing stored passwords. Its `Debug` shows no key material.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretKey([u8; KEY_BYTES]);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(hidden)")
    }
}

impl SecretKey {
    /// Read a key: base64 (standard or URL-safe, with or without padding) of exactly 32 bytes.
    pub fn parse(text: &str) -> Result<SecretKey> {
        let text = text.trim();
        if text.is_empty() {
            return Err(Error::invalid("secret_key", format!("is empty; {HOW_TO_MAKE_A_KEY}")));
        }
        const ENGINES: [GeneralPurpose; 4] = [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD];
        let bytes = ENGINES.iter().find_map(|engine| engine.decode(text).ok()).ok_or_else(|| {
            Error::invalid(
                "secret_key",
                format!("is not base64 (the form `tickler mail key` prints); {HOW_TO_MAKE_A_KEY}"),
            )
        })?;
        let key: [u8; KEY_BYTES] = bytes.as_slice().try_into().map_err(|_| {
            Error::invalid("secret_key", format!("holds {} bytes, not {KEY_BYTES}; {HOW_TO_MAKE_A_KEY}", bytes.len()))
        })?;
        Ok(SecretKey(key))
    }

    /// A new random key.
    pub fn generate() -> Result<SecretKey> {
        let mut key = [0u8; KEY_BYTES];
        random(&mut key)?;
        Ok(SecretKey(key))
    }

    /// The key as [`SecretKey::parse`] reads it (standard base64 with padding), to print once.
    pub fn to_base64(&self) -> String {
        STANDARD.encode(self.0)
    }

    /// Seal `plain`: a new random nonce each time, so the same password seals differently twice.
    pub fn seal(&self, plain: &str) -> Result<String> {
        let mut nonce = [0u8; NONCE_BYTES];
        random(&mut nonce)?;
        let sealed = self
            .cipher()
            .encrypt(&XNonce::from(nonce), Payload { msg: plain.as_bytes(), aad: CONTEXT })
            .map_err(|_| Error::internal("sealing a value failed"))?;
        let mut bytes = Vec::with_capacity(NONCE_BYTES + sealed.len());
        bytes.extend_from_slice(&nonce);
        bytes.extend_from_slice(&sealed);
        Ok(format!("{VERSION}{}", URL_SAFE_NO_PAD.encode(bytes)))
    }

    /// Open a value [`SecretKey::seal`] made; a value sealed under another key, changed, or not
    /// sealed at all is refused with what to do.
    pub fn open(&self, sealed: &str) -> Result<String> {
        let Some(body) = sealed.strip_prefix(VERSION) else {
            return Err(Error::new(
                Kind::Refused,
                "a stored password is not in a sealed form this Tickler reads; set it again",
            ));
        };
        let bytes = URL_SAFE_NO_PAD.decode(body).ok().filter(|bytes| bytes.len() > NONCE_BYTES).ok_or_else(|| {
            Error::new(Kind::Refused, "a stored password is damaged (its sealed form does not read); set it again")
        })?;
        let (nonce, sealed) = bytes.split_at(NONCE_BYTES);
        let nonce: [u8; NONCE_BYTES] = nonce.try_into().map_err(Error::internal)?;
        let plain =
            self.cipher().decrypt(&XNonce::from(nonce), Payload { msg: sealed, aad: CONTEXT }).map_err(|_| {
                Error::new(
                    Kind::Refused,
                    "a stored password does not open with this secret key: it was sealed with another key \
                 (use that key again) or changed since; set the password again",
                )
            })?;
        String::from_utf8(plain).map_err(|_| Error::new(Kind::Refused, "a stored password is not text; set it again"))
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(&Key::from(self.0))
    }
}

fn random(bytes: &mut [u8]) -> Result<()> {
    getrandom::fill(bytes)
        .map_err(|error| Error::new(Kind::Unavailable, format!("the system's random source failed: {error}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_with_their_key_only() {
        let key = SecretKey::generate().unwrap();
        let sealed = key.seal("correct horse").unwrap();
        assert!(sealed.starts_with("v1:") && !sealed.contains("correct horse"), "{sealed}");
        assert_ne!(sealed, key.seal("correct horse").unwrap(), "a new nonce each time");
        assert_eq!(key.open(&sealed).unwrap(), "correct horse");
        assert_eq!(key.open(&key.seal("").unwrap()).unwrap(), "");

        let other = SecretKey::generate().unwrap();
        let error = other.open(&sealed).unwrap_err();
        assert_eq!(error.kind, Kind::Refused);
        assert!(error.message.contains("another key"), "{}", error.message);
    }

    #[test]
    fn tampered_or_foreign_values_are_refused_without_a_panic() {
        let key = SecretKey::generate().unwrap();
        let sealed = key.seal("hunter2 hunter2").unwrap();
        let mut bytes = sealed.clone().into_bytes();
        let last = bytes.len() - 1;
        bytes[last] = if bytes[last] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(bytes).unwrap();
        for value in [tampered.as_str(), "hunter2", "v1:", "v1:!!!", "v1:AAAA", "v2:abc", ""] {
            let error = key.open(value).unwrap_err();
            assert_eq!(error.kind, Kind::Refused, "{value}: {error:?}");
        }
    }

    #[test]
    fn keys_read_every_base64_form_of_32_bytes() {
        let key = SecretKey::generate().unwrap();
        let text = key.to_base64();
        assert_eq!(SecretKey::parse(&text).unwrap(), key);
        assert_eq!(SecretKey::parse(&format!("  {text}\n")).unwrap(), key);
        let bytes = STANDARD.decode(&text).unwrap();
        for engine in [STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD] {
            assert_eq!(SecretKey::parse(&engine.encode(&bytes)).unwrap(), key);
        }
        let short = SecretKey::parse(&STANDARD.encode([1u8; 16])).unwrap_err();
        assert_eq!((short.kind.clone(), short.field), (Kind::Invalid, Some("secret_key")));
        assert!(short.message.contains("16 bytes, not 32"), "{}", short.message);
        assert!(SecretKey::parse("not base64 at all!").unwrap_err().message.contains("not base64"));
        assert!(SecretKey::parse("").unwrap_err().message.contains("tickler mail key"));
    }

    #[test]
    fn debug_shows_no_key() {
        let key = SecretKey::parse(&STANDARD.encode([7u8; 32])).unwrap();
        let shown = format!("{key:?}");
        assert_eq!(shown, "SecretKey(hidden)");
        assert!(!shown.contains(&key.to_base64()));
    }
}
