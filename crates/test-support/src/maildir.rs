//! Maildir files written and read directly, for folders too big to fill
//! through IMAP in a test: 50,000 messages take a couple of seconds as files
//! where APPEND would take minutes. Dovecot gives them UIDs, in the order of
//! the time stamps their names start with, the next time it looks at the folder.

use std::path::{Path, PathBuf};

/// Write `count` messages, `make(0)` to `make(count - 1)`, into the Maildir
/// `dir` (made with its `cur`, `new` and `tmp` when missing), already seen by
/// a mail client (in `cur`, no flags). When `owner` is set (the tests run as
/// root), the directories made are given to that (uid, gid), so that the
/// unprivileged Dovecot can write its index and move files there; the files
/// themselves are left readable by all, which is all Dovecot needs of them
/// (a chown a file would cost a quarter of the time).
pub fn fill(dir: &Path, count: usize, make: impl Fn(usize) -> Vec<u8>, owner: Option<&(u32, u32)>) {
    for sub in ["", "cur", "new", "tmp"] {
        let path = dir.join(sub);
        if !path.exists() {
            std::fs::create_dir_all(&path).unwrap_or_else(|error| panic!("create {}: {error}", path.display()));
            give(&path, owner);
        }
    }
    // Dovecot orders new files by the time stamp at the start of their names:
    // one second apart, counted from now, keeps them in the order made.
    let start = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or_default();
    let pid = std::process::id();
    let cur = dir.join("cur");
    for n in 0..count {
        let message = make(n);
        let name = format!("{}.M{n}P{pid}.tickler,S={}:2,", start + n as u64, message.len());
        let path = cur.join(name);
        std::fs::write(&path, &message).unwrap_or_else(|error| panic!("write {}: {error}", path.display()));
    }
}

/// The messages of the Maildir `dir` (`cur` and `new`), in the order their names' time stamps say.
pub fn read(dir: &Path) -> Vec<Vec<u8>> {
    let mut files: Vec<PathBuf> = ["cur", "new"]
        .iter()
        .filter_map(|sub| std::fs::read_dir(dir.join(sub)).ok())
        .flatten()
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.is_file())
        .collect();
    files.sort_by_key(|path| order(path));
    files
        .iter()
        .map(|path| std::fs::read(path).unwrap_or_else(|error| panic!("read {}: {error}", path.display())))
        .collect()
}

/// A Maildir file's place in time: `1700000000.M123P45.host…` → (1700000000, 123, name).
fn order(path: &Path) -> (u64, u64, String) {
    let name = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    let mut parts = name.split('.');
    let seconds = parts.next().and_then(|part| part.parse().ok()).unwrap_or(u64::MAX);
    let micros = parts
        .next()
        .and_then(|part| part.strip_prefix('M'))
        .and_then(|part| part.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|digits| digits.parse().ok())
        .unwrap_or(0);
    (seconds, micros, name)
}

fn give(path: &Path, owner: Option<&(u32, u32)>) {
    if let Some((uid, gid)) = owner {
        std::os::unix::fs::chown(path, Some(*uid), Some(*gid))
            .unwrap_or_else(|error| panic!("chown {}: {error}", path.display()));
    }
}
