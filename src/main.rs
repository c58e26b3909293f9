use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = newsdex::cli::Cli::parse();
    if !matches!(cli.command, newsdex::cli::Command::Serve(_)) {
        restore_default_sigpipe();
    }
    newsdex::cli::init_tracing(cli.verbose);
    log_panics();
    let index = cli.index.clone();
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| newsdex::cli::run(cli))) {
        Ok(Ok(status)) => status.into(),
        Ok(Err(error)) => {
            eprintln!("error: {error:#}");
            // tantivy reports some damage as an I/O error, and a damaged
            // document store as a record that does not decode: name the
            // files.
            let from_index_data = error.chain().any(|cause| {
                use newsdex::index::IndexError;
                let index_data = |error: &IndexError| {
                    matches!(error, IndexError::Tantivy(_) | IndexError::Corrupt(_))
                };
                cause.downcast_ref::<tantivy::TantivyError>().is_some()
                    || cause.downcast_ref::<IndexError>().is_some_and(index_data)
                    || matches!(
                        cause.downcast_ref::<newsdex::query::SearchError>(),
                        Some(newsdex::query::SearchError::Index(error)) if index_data(error)
                    )
            });
            if from_index_data && let Some(damage) = newsdex::index::damage_at(&index) {
                eprintln!("error: {damage}");
            }
            if let Some(advice) = newsdex::cli::advice(&error) {
                eprintln!("hint: {advice}");
            }
            newsdex::cli::Status::Failed.into()
        }
        // A read that panicked (tantivy trusts its files): say which files
        // are damaged, if the checksums find any.
        Err(payload) => {
            let explained = newsdex::index::damage_at(&index).map_or_else(
                || {
                    format!(
                        "internal error: {}",
                        newsdex::index::panic_message(payload.as_ref())
                    )
                },
                |damage| damage.to_string(),
            );
            eprintln!("error: {explained}");
            newsdex::cli::Status::Failed.into()
        }
    }
}

/// Panics go to the log as one line (with a backtrace under
/// `RUST_BACKTRACE`), since the CLI and the server turn them into errors
/// that say what happened.
fn log_panics() {
    if std::env::var_os("RUST_BACKTRACE").is_some() {
        return;
    }
    std::panic::set_hook(Box::new(|info| {
        tracing::error!(panic = %info, "a thread panicked");
    }));
}

/// Output piped into `head` ends the process quietly, as it does other
/// Unix tools, instead of a panic on the broken pipe. The server keeps
/// Rust's setting (ignored), so a client hanging up never kills it.
fn restore_default_sigpipe() {
    #[cfg(unix)]
    #[allow(unsafe_code)]
    // SAFETY: runs before any other thread exists and only resets how one
    // signal is handled.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
