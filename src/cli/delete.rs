//! `newsdex delete ID...`

use std::path::Path;

use clap::Args;

use super::Status;
use crate::index::{NewsIndex, WriterOptions};

#[derive(Debug, Args)]
pub struct DeleteArgs {
    #[arg(required = true)]
    pub ids: Vec<String>,
}

pub fn run(index_dir: &Path, args: DeleteArgs) -> anyhow::Result<Status> {
    let ids = args
        .ids
        .iter()
        .map(|id| {
            crate::article::valid_id(id)
                .map_err(|reason| anyhow::anyhow!("invalid article id {id:?}: {reason}"))
        })
        .collect::<anyhow::Result<Vec<String>>>()?;
    let index = NewsIndex::open(index_dir)?;
    let mut writer = index.writer(WriterOptions::default())?;
    let mut missing = Vec::new();
    let mut deleted = 0;
    for id in &ids {
        if writer.delete(id)? {
            deleted += 1;
        } else {
            missing.push(id.as_str());
        }
    }
    writer.finish()?;
    eprintln!("deleted {deleted}");
    if missing.is_empty() {
        return Ok(Status::Ok);
    }
    eprintln!("error: no article with id {}", missing.join(", "));
    Ok(Status::NotFound)
}
