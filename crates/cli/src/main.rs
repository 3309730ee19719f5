//! `tickler`: the command-line interface. Each command parses its input into
//! domain types, calls the store, and renders the result as text or JSON.

#[macro_use]
mod render;
mod args;
mod args_campaigns;
mod args_library;
mod args_lists;
mod args_plans;
mod commands;
mod context;
mod failure;
mod logging;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    // The server uses every core; a command needs one thread.
    let mut builder = match cli.command {
        args::Command::Serve(_) => tokio::runtime::Builder::new_multi_thread(),
        _ => tokio::runtime::Builder::new_current_thread(),
    };
    let runtime = match builder.enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start: {error}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            if !failure.message().is_empty() {
                eprintln!("error: {}", failure.message());
            }
            ExitCode::from(failure.exit_code() as u8)
        }
    }
}
