//! `newsdex get ID`: the stored article as JSON.

use std::path::Path;

use clap::Args;

use super::Status;
use crate::index::NewsIndex;

#[derive(Debug, Args)]
pub struct GetArgs {
    pub id: String,
}

pub fn run(index_dir: &Path, args: GetArgs) -> anyhow::Result<Status> {
    let index = NewsIndex::open(index_dir)?;
    match index.get(&args.id)? {
        Some(article) => {
            println!("{}", serde_json::to_string_pretty(&article)?);
            Ok(Status::Ok)
        }
        None => {
            eprintln!("error: no article with id {:?}", args.id);
            Ok(Status::NotFound)
        }
    }
}
