//! `benches/RESULTS.md`: each benchmark binary replaces its own section with
//! the table it printed, and `benches/results.svg` is drawn again from every
//! section.

use super::chart::{Bar, svg};

const BEGIN: &str = "<!-- section: ";
const END: &str = "<!-- end -->";

fn dir() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Replaces (or adds) the section `title` of RESULTS.md with `table` and
/// redraws the chart.
pub fn record(title: &str, table: &str) -> std::io::Result<()> {
    let path = dir().join("RESULTS.md");
    let old = std::fs::read_to_string(&path).unwrap_or_default();
    let mut sections = parse(&old);
    match sections.iter_mut().find(|(t, _)| t == title) {
        Some(section) => section.1 = table.trim().to_string(),
        None => sections.push((title.to_string(), table.trim().to_string())),
    }
    let mut out = String::from(
        "# Benchmark results\n\n\
         Written by `cargo bench -p aio-benches` (full sizes; each binary replaces its own \
         section, `--quick` runs write nothing) on this project's 2-core machine. \
         Ratios are aio / best peer: below 1.0 aio is ahead. The chart is \
         [`results.svg`](results.svg).\n",
    );
    for (title, table) in &sections {
        out.push_str(&format!(
            "\n{BEGIN}{title} -->\n### {title}\n\n{table}\n{END}\n"
        ));
    }
    std::fs::write(&path, out)?;
    let groups: Vec<(String, Vec<Bar>)> = sections
        .iter()
        .map(|(title, table)| (title.clone(), bars(table)))
        .filter(|(_, bars)| !bars.is_empty())
        .collect();
    let chart = svg("aio against the best peer, per workload", &groups);
    std::fs::write(dir().join("results.svg"), chart)
}

/// The sections of a RESULTS.md: title and table text.
fn parse(text: &str) -> Vec<(String, String)> {
    let mut sections = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(BEGIN) {
        let after = &rest[start + BEGIN.len()..];
        let Some(title_end) = after.find(" -->") else {
            break;
        };
        let title = after[..title_end].to_string();
        let body = &after[title_end + 4..];
        let Some(end) = body.find(END) else { break };
        let table = body[..end].trim();
        let table = table.strip_prefix(&format!("### {title}")).unwrap_or(table);
        sections.push((title, table.trim().to_string()));
        rest = &body[end + END.len()..];
    }
    sections
}

/// The bars of a table: its workload and ratio columns (rows with a ratio).
fn bars(table: &str) -> Vec<Bar> {
    table
        .lines()
        .filter(|line| line.starts_with("| ") && !line.starts_with("| workload"))
        .filter_map(|line| {
            let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
            let ratio = cells.last()?.parse().ok()?;
            Some(Bar {
                label: cells.first()?.to_string(),
                ratio,
            })
        })
        .collect()
}
