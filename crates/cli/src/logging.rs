//! The log of `serve` and `worker`: `tracing` events on standard error, as
//! text or one JSON object a line, filtered by `RUST_LOG` (default `info`).

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::LevelFilter;

use crate::args::LogFormat;
use crate::failure::{Failure, Outcome};

/// Install the process's subscriber. A `RUST_LOG` that does not parse is a usage error naming it.
pub fn init(format: LogFormat) -> Outcome {
    let filter = EnvFilter::builder()
        .with_default_directive(LevelFilter::INFO.into())
        .from_env()
        .map_err(|error| Failure::Usage(format!("RUST_LOG: {error}")))?;
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let installed = match format {
        LogFormat::Text => builder.with_ansi(std::io::stderr().is_terminal()).try_init(),
        LogFormat::Json => builder.json().flatten_event(true).with_current_span(false).with_span_list(false).try_init(),
    };
    installed.map_err(|error| Failure::Refused(format!("cannot start the log: {error}")))
}
