//! The `newsdex` command line: a thin shell over [`crate::ingest`],
//! [`crate::index`] and [`crate::query`]. Arguments are parsed into plain
//! structs, checked, then run.

mod check;
mod delete;
mod entities;
mod get;
mod index;
mod ner;
mod output;
mod search;
mod serve;
mod snapshot;
mod stats;
mod watch;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit statuses a script can tell apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Done.
    Ok,
    /// Something failed; the message says what.
    Failed,
    /// Some input records were rejected; the others were indexed.
    Rejected,
    /// A requested article does not exist.
    NotFound,
}

impl From<Status> for ExitCode {
    fn from(status: Status) -> ExitCode {
        ExitCode::from(match status {
            Status::Ok => 0,
            Status::Failed => 1,
            Status::Rejected => 3,
            Status::NotFound => 4,
        })
    }
}

/// The command line: global options and a subcommand.
#[derive(Debug, Parser)]
#[command(name = "newsdex", version, about = "Full-text search for news", long_about = None)]
pub struct Cli {
    /// Index directory.
    #[arg(
        long,
        global = true,
        env = "NEWSDEX_INDEX",
        default_value = "newsdex-index"
    )]
    pub index: PathBuf,

    /// Log more (-v info, -vv debug); RUST_LOG overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read articles from files, directories or `-` (stdin) into the index.
    Index(index::IndexArgs),
    /// Search the index.
    Search(Box<search::SearchArgs>),
    /// Print one stored article as JSON.
    Get(get::GetArgs),
    /// Delete articles by id.
    Delete(delete::DeleteArgs),
    /// Documents, size, date range and top facet values.
    Stats(stats::StatsArgs),
    /// Verify the index's files against their checksums.
    Check(check::CheckArgs),
    /// Write a consistent copy of the index's last commit to a directory.
    Snapshot(snapshot::SnapshotArgs),
    /// Replace the index with a copy of a snapshot.
    Restore(snapshot::RestoreArgs),
    /// Serve the HTTP API.
    Serve(serve::ServeArgs),
    /// Poll a list of feeds into the index on their schedules.
    Watch(watch::WatchArgs),
    /// Print the people, organisations and places of articles or text as JSON.
    Entities(entities::EntitiesArgs),
    /// Train or evaluate the entity tagger, or learn its word clusters.
    Ner(ner::NerArgs),
}

/// What to run next for an error the index reported, in the CLI's terms
/// (the library's messages say what is wrong, not which command mends it).
pub fn advice(error: &anyhow::Error) -> Option<String> {
    use crate::index::IndexError;
    let index_error = error.chain().find_map(|cause| {
        cause.downcast_ref::<IndexError>().or_else(|| {
            match cause.downcast_ref::<crate::query::SearchError>() {
                Some(crate::query::SearchError::Index(error)) => Some(error),
                _ => None,
            }
        })
    })?;
    Some(match index_error {
        IndexError::IncompatibleSchema { path, .. } | IndexError::SchemaMismatch { path, .. } => {
            format!("rebuild it with `newsdex index --recreate --index {path} <inputs>`")
        }
        IndexError::NotFound(path) => {
            format!("create one with `newsdex index --index {path} <inputs>`")
        }
        IndexError::MissingMeta(path) => format!(
            "restore a snapshot with `newsdex --index {path} restore SNAPSHOT`, or rebuild it with `newsdex index --recreate --index {path} <inputs>`"
        ),
        IndexError::Locked { .. } => "send writes to its HTTP API if it is `newsdex serve`, or wait for it to finish (`newsdex serve --read-only` and searches from the CLI read the index meanwhile)".to_string(),
        IndexError::Damaged { path, .. } => format!(
            "`newsdex --index {path} check` lists the damaged files; `newsdex --index {path} restore SNAPSHOT` puts back a snapshot"
        ),
        _ => return None,
    })
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<Status> {
    match cli.command {
        Command::Index(args) => index::run(&cli.index, args),
        Command::Search(args) => search::run(&cli.index, *args),
        Command::Get(args) => get::run(&cli.index, args),
        Command::Delete(args) => delete::run(&cli.index, args),
        Command::Stats(args) => stats::run(&cli.index, args),
        Command::Check(args) => check::run(&cli.index, args),
        Command::Snapshot(args) => snapshot::run_snapshot(&cli.index, args),
        Command::Restore(args) => snapshot::run_restore(&cli.index, args),
        Command::Serve(args) => serve::run(&cli.index, args),
        Command::Watch(args) => watch::run(&cli.index, args),
        Command::Entities(args) => entities::run(args),
        Command::Ner(args) => ner::run(args),
    }
}

/// Logs to standard error: warnings, `-v` information, `-vv` debugging (`RUST_LOG` overrides).
pub fn init_tracing(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    // The HTML parser reports the markup errors of pages (every real page
    // has some) as warnings: they say nothing about newsdex's work.
    let default = format!("{default},html5ever=error,selectors=error");
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    // Colour only on a terminal: a log file or a pipe gets plain text.
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
}
