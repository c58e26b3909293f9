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
    let id = crate::article::valid_id(&args.id)
        .map_err(|reason| anyhow::anyhow!("invalid article id {:?}: {reason}", args.id))?;
    let index = NewsIndex::open(index_dir)?;
    match index.get(&id)? {
        Some(article) => {
            println!("{}", serde_json::to_string_pretty(&article)?);
            Ok(Status::Ok)
        }
        None => {
            eprintln!("error: no article with id {id:?}");
            Ok(Status::NotFound)
        }
    }
}
