//! A horizontal bar chart of aio's ratio to its best peer per workload, as a
//! hand-written SVG: one bar per workload, grouped by benchmark, the 1.0
//! line marked (below it aio is faster).

use std::fmt::Write;

/// One bar: the workload's name and aio / best peer.
pub struct Bar {
    pub label: String,
    pub ratio: f64,
}

const WIDTH: f64 = 960.0;
const LABEL: f64 = 430.0;
const ROW: f64 = 22.0;
const HEADING: f64 = 28.0;
const TOP: f64 = 64.0;
const BOTTOM: f64 = 40.0;

/// The chart of `groups` (a heading and its bars) as an SVG document.
pub fn svg(title: &str, groups: &[(String, Vec<Bar>)]) -> String {
    let max = groups
        .iter()
        .flat_map(|(_, bars)| bars.iter().map(|b| b.ratio))
        .fold(1.5_f64, f64::max)
        .min(4.0);
    let plot = WIDTH - LABEL - 70.0;
    let x = |ratio: f64| LABEL + plot * ratio.min(max) / max;
    let rows: usize = groups.iter().map(|(_, bars)| bars.len()).sum();
    let height = TOP + groups.len() as f64 * HEADING + rows as f64 * ROW + BOTTOM;
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="Helvetica, Arial, sans-serif" font-size="12">"#
    );
    let _ = writeln!(out, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        out,
        r#"<text x="16" y="26" font-size="17" font-weight="bold">{}</text>"#,
        escape(title)
    );
    let _ = writeln!(
        out,
        r##"<text x="16" y="46" fill="#555">aio's time (or memory) / the best peer's: below 1.0 (green) aio is ahead, above (red) behind</text>"##
    );
    // The 1.0 line first, so that the bars' numbers are drawn over it.
    let end = height - BOTTOM;
    let one = x(1.0);
    let _ = writeln!(
        out,
        r##"<line x1="{one:.1}" y1="{:.1}" x2="{one:.1}" y2="{:.1}" stroke="#222" stroke-width="1.5" stroke-dasharray="5,3"/>"##,
        TOP - 4.0,
        end + 4.0
    );
    let _ = writeln!(
        out,
        r#"<text x="{one:.1}" y="{:.1}" text-anchor="middle">1.0 = best peer</text>"#,
        end + 20.0
    );
    let mut y = TOP;
    for (heading, bars) in groups {
        let _ = writeln!(
            out,
            r#"<text x="16" y="{:.1}" font-size="13" font-weight="bold">{}</text>"#,
            y + 18.0,
            escape(heading)
        );
        y += HEADING;
        for bar in bars {
            let colour = if bar.ratio <= 1.0 {
                "#2e9e5b"
            } else {
                "#d9534f"
            };
            let _ = writeln!(
                out,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
                LABEL - 8.0,
                y + 15.0,
                escape(&shorten(&bar.label, 64))
            );
            let _ = writeln!(
                out,
                r#"<rect x="{LABEL}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{colour}"/>"#,
                y + 4.0,
                x(bar.ratio) - LABEL,
                ROW - 8.0
            );
            let more = if bar.ratio > max { "+" } else { "" };
            let _ = writeln!(
                out,
                r#"<text x="{:.1}" y="{:.1}" stroke="white" stroke-width="3" paint-order="stroke">{:.2}{more}</text>"#,
                x(bar.ratio) + 5.0,
                y + 15.0,
                bar.ratio
            );
            y += ROW;
        }
    }
    for tick in [0.5, 1.5, 2.0, 3.0, 4.0].into_iter().filter(|&t| t <= max) {
        let _ = writeln!(
            out,
            r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#777">{tick:.1}</text>"##,
            x(tick),
            y + 20.0
        );
    }
    out.push_str("</svg>\n");
    out
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max - 1).collect();
    format!("{cut}…")
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
