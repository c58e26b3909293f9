use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = newsdex::cli::Cli::parse();
    newsdex::cli::init_tracing(cli.verbose);
    match newsdex::cli::run(cli) {
        Ok(status) => status.into(),
        Err(error) => {
            eprintln!("error: {error:#}");
            newsdex::cli::Status::Failed.into()
        }
    }
}
