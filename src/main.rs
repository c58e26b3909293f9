use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = newsdex::cli::Cli::parse();
    if !matches!(cli.command, newsdex::cli::Command::Serve(_)) {
        restore_default_sigpipe();
    }
    newsdex::cli::init_tracing(cli.verbose);
    match newsdex::cli::run(cli) {
        Ok(status) => status.into(),
        Err(error) => {
            eprintln!("error: {error:#}");
            newsdex::cli::Status::Failed.into()
        }
    }
}

/// Output piped into `head` ends the process quietly, as it does other
/// Unix tools, instead of a panic on the broken pipe. The server keeps
/// Rust's setting (ignored), so a client hanging up never kills it.
fn restore_default_sigpipe() {
    #[cfg(unix)]
    // SAFETY: runs before any other thread exists and only resets how one
    // signal is handled.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
