//! Terminal rendering of search results.

use crate::query::SearchResponse;
use crate::query::histogram::{Bucket, Interval};

/// How `<mark>` shows: bold yellow on a terminal, `[…]`-free plain text in a
/// pipe.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    mark_open: &'static str,
    mark_close: &'static str,
    dim_open: &'static str,
    dim_close: &'static str,
}

pub fn terminal_style(is_terminal: bool) -> Style {
    if is_terminal {
        Style {
            mark_open: "\x1b[1;33m",
            mark_close: "\x1b[0m",
            dim_open: "\x1b[2m",
            dim_close: "\x1b[0m",
        }
    } else {
        Style {
            mark_open: "",
            mark_close: "",
            dim_open: "",
            dim_close: "",
        }
    }
}

/// Highlighted HTML (only `<mark>` and entities) → terminal text.
fn render_marked(html: &str, style: Style) -> String {
    html.replace("<mark>", style.mark_open)
        .replace("</mark>", style.mark_close)
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

pub fn print_response(response: &SearchResponse, style: Style) {
    let noun = if response.total == 1 {
        "result"
    } else {
        "results"
    };
    println!("{} {noun} ({} ms)", response.total, response.took_ms);
    if let Some(reading) = &response.query {
        if let Some(words) = &reading.interpreted_as {
            println!("{}searched as: {words}{}", style.dim_open, style.dim_close);
        }
        if reading.near_spellings {
            println!(
                "{}nothing matched as typed: showing near spellings{}",
                style.dim_open, style.dim_close
            );
        }
    }
    for (rank, hit) in response.hits.iter().enumerate() {
        let title = hit.highlights.as_ref().map_or_else(
            || hit.title.clone(),
            |highlights| render_marked(&highlights.title, style),
        );
        println!();
        println!("{:>3}. {title}", rank + 1);
        let mut meta: Vec<String> = Vec::new();
        if let Some(source) = &hit.source {
            meta.push(source.clone());
        }
        if let Some(time) = hit.published_at {
            meta.push(time.format("%Y-%m-%d %H:%M").to_string());
        }
        if !hit.authors.is_empty() {
            meta.push(hit.authors.join(", "));
        }
        meta.push(format!("id {}", hit.id));
        println!(
            "     {}{}{}",
            style.dim_open,
            meta.join(" · "),
            style.dim_close
        );
        if let Some(highlights) = &hit.highlights
            && !highlights.body.is_empty()
        {
            let snippet = render_marked(&highlights.body, style).replace('\n', " ");
            println!("     {snippet}");
        }
    }
    if let (Some(buckets), Some(interval)) = (&response.histogram, response.histogram_interval) {
        print_histogram(buckets, interval);
    }
    for (field, values) in &response.facets {
        let listed: Vec<String> = values
            .iter()
            .map(|value| format!("{} ({})", value.value, value.count))
            .collect();
        println!();
        println!("{field}: {}", listed.join(", "));
    }
}

/// Bars scaled to the largest period, one line per period.
fn print_histogram(buckets: &[Bucket], interval: Interval) {
    const WIDTH: u64 = 40;
    let most = buckets
        .iter()
        .map(|bucket| bucket.count)
        .max()
        .unwrap_or(0)
        .max(1);
    let format = match interval {
        Interval::Year => "%Y",
        Interval::Month => "%Y-%m",
        Interval::Day | Interval::Week | Interval::Auto => "%Y-%m-%d",
    };
    println!();
    println!("published per {}:", interval.name());
    for bucket in buckets {
        let length = (bucket.count * WIDTH).div_ceil(most) as usize;
        println!(
            "  {:<10} {:>7} {}",
            bucket.start.format(format),
            bucket.count,
            "█".repeat(length)
        );
    }
}

pub fn format_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}
