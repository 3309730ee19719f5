//! A child process timed whole, its peak resident memory watched while it
//! runs: the high-water mark Linux keeps (`VmHWM` in /proc/PID/status),
//! polled every 10 ms, so the figure is the process's own and no tool sits
//! between it and the clock.

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// How a watched process ran.
#[derive(Debug)]
pub struct Watched {
    pub seconds: f64,
    /// The peak resident memory, in MiB.
    pub peak_mb: f64,
    /// Its exit status and what it wrote (both outputs captured).
    pub output: Output,
}

/// Run `command` to its end, capturing its output; fails only when it cannot start.
pub fn run_watched(command: &mut Command) -> crate::Result<Watched> {
    let program = command.get_program().to_string_lossy().into_owned();
    let started = Instant::now();
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| format!("cannot run {program}: {error}"))?;
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kib = 0_u64;
    // The pipes are read at the end: a child that writes more than a pipe
    // holds (64 KiB) would wait on it, so run one that talks with --quiet or --json.
    loop {
        if let Ok(status) = std::fs::read_to_string(&status_file) {
            peak_kib = peak_kib.max(high_water_kib(&status));
        }
        if child.try_wait()?.is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let seconds = started.elapsed().as_secs_f64();
    let output = child.wait_with_output()?;
    Ok(Watched { seconds, peak_mb: peak_kib as f64 / 1024.0, output })
}

/// `VmHWM` of a /proc status text, in KiB (0 when absent).
fn high_water_kib(status: &str) -> u64 {
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_high_water_mark_is_read() {
        assert_eq!(high_water_kib("Name:\tx\nVmPeak:\t  9000 kB\nVmHWM:\t    4242 kB\n"), 4242);
        assert_eq!(high_water_kib("Name:\tx\n"), 0);
    }

    #[test]
    fn a_process_is_timed_and_watched() {
        let watched = run_watched(Command::new("sh").args(["-c", "echo hi; sleep 0.05"])).expect("sh runs");
        assert!(watched.output.status.success());
        assert_eq!(watched.output.stdout, b"hi\n");
        assert!(watched.seconds >= 0.05 && watched.peak_mb > 0.0, "{watched:?}");
    }
}
