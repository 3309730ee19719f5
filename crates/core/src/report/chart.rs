//! Charts drawn as accessible SVG on the server: stacked bars with a title and
//! a description the screen reader announces, axis labels, a legend, and each
//! bar's value in its own `<title>`. The drawing scales to its container
//! (a `viewBox`, width 100%), so it fits a 360 px screen; a table of the same
//! figures sits beside it for exact values.

use std::fmt::Write;

/// The colours of the series, in order: distinguishable for the common colour
/// blindnesses (Okabe–Ito), and never the only cue (legend, table, titles).
const COLOURS: [&str; 8] = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"];

const WIDTH: i64 = 360;
const PLOT_LEFT: i64 = 40;
const PLOT_TOP: i64 = 10;
const PLOT_HEIGHT: i64 = 150;
const PLOT_WIDTH: i64 = WIDTH - PLOT_LEFT - 10;
const LEGEND_ROW: i64 = 16;

/// One named row of values, one per label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    pub name: String,
    pub values: Vec<i64>,
}

impl Series {
    /// A series named `name`.
    pub fn new(name: &str, values: impl IntoIterator<Item = i64>) -> Series {
        Series { name: name.to_string(), values: values.into_iter().collect() }
    }
}

/// What a chart shows: the labels along the bottom and the series stacked on each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    pub title: String,
    pub description: String,
    pub labels: Vec<String>,
    pub series: Vec<Series>,
    /// What the bars count ("follow-ups"), the vertical axis's label.
    pub unit: String,
}

/// Escape text for XML content and attributes.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

impl Chart {
    /// The tallest stack.
    fn top(&self) -> i64 {
        (0..self.labels.len())
            .map(|index| self.series.iter().map(|s| s.values.get(index).copied().unwrap_or(0).max(0)).sum::<i64>())
            .max()
            .unwrap_or(0)
    }

    /// The chart as `<svg role="img">`; `id` makes its title's and description's ids unique on the page.
    pub fn svg(&self, id: &str) -> String {
        let id = escape(id);
        let top = self.top().max(1);
        let count = self.labels.len().max(1) as i64;
        let slot = PLOT_WIDTH as f64 / count as f64;
        let bar = (slot * 0.7).max(1.0);
        let legend_rows = (self.series.len() as i64 + 2) / 3;
        let height = PLOT_TOP + PLOT_HEIGHT + 40 + legend_rows * LEGEND_ROW;
        let base = PLOT_TOP + PLOT_HEIGHT;
        let mut svg = String::new();
        let _ = write!(
            svg,
            "<svg role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" viewBox=\"0 0 {WIDTH} {height}\" \
             width=\"100%\" preserveAspectRatio=\"xMidYMid meet\" class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\">\
             <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{} Vertical axis: {}; the table beside the \
             chart gives every value.</desc>",
            escape(&self.title),
            escape(&self.description),
            escape(&self.unit)
        );
        // Axes, the top value and zero, and the unit.
        let _ = write!(
            svg,
            "<g class=\"axis\" font-size=\"10\" fill=\"currentColor\" stroke=\"currentColor\">\
             <line x1=\"{PLOT_LEFT}\" y1=\"{PLOT_TOP}\" x2=\"{PLOT_LEFT}\" y2=\"{base}\"/>\
             <line x1=\"{PLOT_LEFT}\" y1=\"{base}\" x2=\"{}\" y2=\"{base}\"/>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"end\" stroke=\"none\">{top}</text>\
             <text x=\"{}\" y=\"{base}\" text-anchor=\"end\" stroke=\"none\">0</text>\
             <text x=\"10\" y=\"{}\" transform=\"rotate(-90 10 {})\" text-anchor=\"middle\" stroke=\"none\">{}</text></g>",
            PLOT_LEFT + PLOT_WIDTH,
            PLOT_LEFT - 4,
            PLOT_TOP + 8,
            PLOT_LEFT - 4,
            PLOT_TOP + PLOT_HEIGHT / 2,
            PLOT_TOP + PLOT_HEIGHT / 2,
            escape(&self.unit)
        );
        // The bars, stacked, each with its value as a title.
        svg.push_str("<g class=\"bars\">");
        for (index, label) in self.labels.iter().enumerate() {
            let x = PLOT_LEFT as f64 + slot * index as f64 + (slot - bar) / 2.0;
            let mut stacked = 0;
            for (number, series) in self.series.iter().enumerate() {
                let value = series.values.get(index).copied().unwrap_or(0).max(0);
                if value == 0 {
                    continue;
                }
                let y = base as f64 - (stacked + value) as f64 * PLOT_HEIGHT as f64 / top as f64;
                let h = value as f64 * PLOT_HEIGHT as f64 / top as f64;
                let _ = write!(
                    svg,
                    "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{bar:.1}\" height=\"{h:.1}\" fill=\"{}\">\
                     <title>{}, {}: {value}</title></rect>",
                    COLOURS[number % COLOURS.len()],
                    escape(label),
                    escape(&series.name)
                );
                stacked += value;
            }
        }
        svg.push_str("</g>");
        // Labels along the bottom: as many as fit (about one per 45 units), from the first.
        let every = ((count as f64 * 45.0 / PLOT_WIDTH as f64).ceil() as usize).max(1);
        svg.push_str("<g class=\"labels\" font-size=\"10\" fill=\"currentColor\" text-anchor=\"middle\">");
        for (index, label) in self.labels.iter().enumerate() {
            if index % every != 0 {
                continue;
            }
            let x = PLOT_LEFT as f64 + slot * (index as f64 + 0.5);
            let short: String = label.chars().take(12).collect();
            let _ = write!(svg, "<text x=\"{x:.1}\" y=\"{}\">{}</text>", base + 14, escape(&short));
        }
        svg.push_str("</g>");
        // The legend, three to a row.
        svg.push_str("<g class=\"legend\" font-size=\"10\" fill=\"currentColor\">");
        for (number, series) in self.series.iter().enumerate() {
            let x = PLOT_LEFT + (number as i64 % 3) * (PLOT_WIDTH / 3);
            let y = base + 30 + (number as i64 / 3) * LEGEND_ROW;
            let name: String = series.name.chars().take(16).collect();
            let _ = write!(
                svg,
                "<rect x=\"{x}\" y=\"{}\" width=\"10\" height=\"10\" fill=\"{}\"/><text x=\"{}\" y=\"{y}\">{}</text>",
                y - 9,
                COLOURS[number % COLOURS.len()],
                x + 14,
                escape(&name)
            );
        }
        svg.push_str("</g></svg>");
        svg
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart() -> Chart {
        Chart {
            title: "Follow-ups <per week>".into(),
            description: "Each follow-up in its week.".into(),
            labels: vec!["09-07".into(), "09-14".into()],
            series: vec![Series::new("on time", [3, 1]), Series::new("late", [1, 0])],
            unit: "follow-ups".into(),
        }
    }

    #[test]
    fn the_chart_is_an_image_with_a_title_a_description_and_each_value() {
        let svg = chart().svg("follow-ups");
        assert!(svg.starts_with("<svg role=\"img\" aria-labelledby=\"follow-ups-title follow-ups-desc\""));
        assert!(svg.contains("width=\"100%\"") && svg.contains("viewBox=\"0 0 360 "));
        assert!(svg.contains("<title id=\"follow-ups-title\">Follow-ups &lt;per week&gt;</title>"));
        assert!(svg.contains("<title>09-07, on time: 3</title>"));
        assert!(svg.contains("<title>09-07, late: 1</title>"));
        assert!(!svg.contains("09-14, late"), "a zero draws no bar");
        // The tallest stack (4) reaches the top of the plot.
        assert!(svg.contains(&format!("y=\"{:.1}\"", PLOT_TOP as f64)));
        assert!(svg.contains(">4</text>"));
    }

    #[test]
    fn an_empty_chart_still_draws() {
        let empty = Chart { labels: vec![], series: vec![], ..chart() };
        assert!(empty.svg("x").ends_with("</svg>"));
    }
}
