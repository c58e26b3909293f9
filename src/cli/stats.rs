//! `newsdex stats`

use std::path::Path;

use clap::Args;

use super::Status;
use super::output::format_bytes;
use crate::index::NewsIndex;
use crate::query::stats;

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Values shown per facet.
    #[arg(long, default_value_t = 5)]
    pub top: usize,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(index_dir: &Path, args: StatsArgs) -> anyhow::Result<Status> {
    let index = NewsIndex::open(index_dir)?;
    let stats = stats(&index, args.top)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&stats)?);
        return Ok(Status::Ok);
    }
    println!("documents     {}", stats.documents);
    println!("segments      {}", stats.segments);
    println!("size on disk  {}", format_bytes(stats.size_bytes));
    println!("schema        version {}", stats.schema_version);
    if let (Some(from), Some(to)) = (stats.published_from, stats.published_to) {
        println!("published     {} … {}", from.to_rfc3339(), to.to_rfc3339());
    }
    for (field, values) in &stats.facets {
        if values.is_empty() {
            continue;
        }
        let listed: Vec<String> = values
            .iter()
            .map(|value| format!("{} ({})", value.value, value.count))
            .collect();
        println!("{field:<13} {}", listed.join(", "));
    }
    let names: Vec<String> = stats
        .entity_names
        .iter()
        .filter(|(_, names)| names.names > 0)
        .map(|(kind, names)| {
            let short_forms = match names.linked_short_forms {
                0 => String::new(),
                linked => format!(", {linked} short forms under a full name"),
            };
            format!(
                "{kind} {} ({} in other capitals, {} aliases under {} names{short_forms})",
                names.names, names.case_variants, names.alias_forms, names.canonical_names
            )
        })
        .collect();
    if !names.is_empty() {
        println!("entity names  {}", names.join("; "));
    }
    Ok(Status::Ok)
}
