//! Progress bars for long imports and exports: drawn on standard error when
//! it is a terminal, absent otherwise, so scripts and pipes see only results.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

/// A bar counting up to `total` of `unit` (`bytes` shows sizes), or `None` when standard error is not a terminal.
pub fn bar(total: u64, unit: &str) -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let template = if unit == "bytes" {
        "{spinner} {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec}, {eta} left)"
    } else {
        "{spinner} {wide_bar} {human_pos}/{human_len} contacts ({per_sec}, {eta} left)"
    };
    let bar = ProgressBar::new(total);
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    Some(bar)
}
