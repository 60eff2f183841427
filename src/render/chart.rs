//! The `chart` shortcode's drawing: a CSV beside the article read at build
//! time, drawn as an SVG with its title, a description and labelled axes,
//! and its rows handed to the template for the data table.

use std::fmt::Write;
use std::path::{Component, Path};

use serde::Serialize;
use tera::Context;

use crate::markdown::{Arg, Failure, Invocation};
use crate::text::xml_escape;

/// The drawing's size in SVG units; it scales to the column's width.
const WIDTH: f64 = 640.0;
const DEFAULT_HEIGHT: f64 = 320.0;
/// Room for the axis labels.
const LEFT: f64 = 64.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 56.0;
/// Ticks on the value axis.
const TICKS: usize = 4;

/// One row of the data, as the table shows it.
#[derive(Debug, Serialize)]
struct Row {
    label: String,
    value: String,
}

fn arg<'c>(call: &'c Invocation<'_>, key: &str) -> (Option<usize>, &'c str) {
    match call.args.iter().enumerate().find(|(_, (k, _))| *k == key) {
        Some((i, (_, Arg::Str(s)))) => (Some(i), s.as_str()),
        Some((i, _)) => (Some(i), ""),
        None => (None, ""),
    }
}

fn fail(arg: Option<usize>, message: String) -> Failure {
    Failure { arg, message }
}

/// A number as a reader would write it: no trailing `.0`, at most a few decimals.
fn number(v: f64) -> String {
    let s = format!("{v:.3}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.into() }
}

/// Reads the chart's CSV and puts `svg` and `rows` into `context`.
pub(super) fn prepare(root: &Path, call: &Invocation<'_>, context: &mut Context) -> Result<(), Failure> {
    let (csv_at, csv) = arg(call, "csv");
    let rel = Path::new(csv);
    if rel.is_absolute() || rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        return Err(fail(csv_at, format!("`csv` must name a file beside the article (like \"data.csv\"), not \"{csv}\"")));
    }
    let file = call.source.parent().unwrap_or(Path::new("")).join(rel);
    let bytes = std::fs::read(root.join(&file))
        .map_err(|e| fail(csv_at, format!("cannot read {} for the chart: {e} (put the CSV beside the article, in its folder)", file.display())))?;
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(bytes.as_slice());
    let headers = reader.headers().map_err(|e| fail(csv_at, format!("{} is not a CSV file lede can read: {e}", file.display())))?.clone();
    let column = |key: &str| -> Result<usize, Failure> {
        let (at, name) = arg(call, key);
        headers.iter().position(|h| h.trim() == name).ok_or_else(|| {
            let known: Vec<&str> = headers.iter().collect();
            fail(at, format!("{} has no column \"{name}\" (its columns are: {})", file.display(), known.join(", ")))
        })
    };
    let (x, y) = (column("x")?, column("y")?);
    let (y_at, y_name) = arg(call, "y");
    let mut points: Vec<(String, f64)> = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let record = record.map_err(|e| fail(csv_at, format!("{}: {e}", file.display())))?;
        let label = record.get(x).unwrap_or("").trim().to_string();
        let raw = record.get(y).unwrap_or("").trim();
        let value = raw
            .replace(',', "")
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite())
            .ok_or_else(|| fail(y_at, format!("{} line {}: \"{raw}\" in the column \"{y_name}\" is not a number", file.display(), n + 2)))?;
        points.push((label, value));
    }
    if points.is_empty() {
        return Err(fail(csv_at, format!("{} has no rows to draw", file.display())));
    }
    let height = call
        .args
        .iter()
        .find_map(|(k, v)| match (*k, v) {
            ("height", Arg::Int(n)) => Some(*n as f64),
            ("height", Arg::Float(f)) => Some(*f),
            _ => None,
        })
        .unwrap_or(DEFAULT_HEIGHT)
        .clamp(120.0, 1200.0);
    let line = arg(call, "kind").1 == "line";
    let svg = draw(&points, line, height, arg(call, "title").1, arg(call, "x").1, y_name);
    let rows: Vec<Row> = points.into_iter().map(|(label, v)| Row { label, value: number(v) }).collect();
    context.insert("svg", &svg);
    context.insert("rows", &rows);
    Ok(())
}

/// A step between gridlines that a reader counts in: 1, 2, 2.5 or 5 times a power of ten.
fn nice_step(raw: f64) -> f64 {
    if raw <= 0.0 || !raw.is_finite() {
        return 1.0;
    }
    let power = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0].into_iter().map(|m| m * power).find(|s| *s >= raw * 0.999).unwrap_or(10.0 * power)
}

/// The SVG: a bar or line chart of `points`, with a title and a description for screen readers.
fn draw(points: &[(String, f64)], line: bool, height: f64, title: &str, x_name: &str, y_name: &str) -> String {
    let high = points.iter().map(|p| p.1).fold(0.0_f64, f64::max);
    let low = points.iter().map(|p| p.1).fold(0.0_f64, f64::min);
    let step = nice_step((high - low) / TICKS as f64);
    let (min, max) = ((low / step).floor() * step, (high / step).ceil() * step);
    let span = if max - min > 0.0 { max - min } else { 1.0 };
    let ticks = (span / step).round().max(1.0) as usize;
    let plot_w = WIDTH - LEFT - RIGHT;
    let plot_h = height - TOP - BOTTOM;
    let y_of = |v: f64| TOP + (max - v) / span * plot_h;
    let slot = plot_w / points.len() as f64;
    let x_of = |i: usize| LEFT + slot * (i as f64 + 0.5);
    let (lo, hi) = points.iter().fold((&points[0], &points[0]), |(lo, hi), p| (if p.1 < lo.1 { p } else { lo }, if p.1 > hi.1 { p } else { hi }));
    let desc = format!(
        "{} chart of {y_name} by {x_name}, {} values, from {} ({}) to {} ({}). The data are in the table that follows.",
        if line { "Line" } else { "Bar" },
        points.len(),
        number(lo.1),
        lo.0,
        number(hi.1),
        hi.0
    );
    let mut s = String::with_capacity(1024 + points.len() * 200);
    let _ = write!(
        s,
        "<svg class=\"chart-svg\" role=\"img\" viewBox=\"0 0 {WIDTH} {height}\" xmlns=\"http://www.w3.org/2000/svg\"><title>{}</title><desc>{}</desc>",
        xml_escape(title),
        xml_escape(&desc)
    );
    // The value axis: gridlines with their values.
    for t in 0..=ticks {
        let v = min + step * t as f64;
        let y = y_of(v);
        let _ = write!(
            s,
            "<line class=\"chart-grid\" x1=\"{LEFT}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\"/><text class=\"chart-tick\" x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            WIDTH - RIGHT,
            LEFT - 6.0,
            y + 4.0,
            number(v)
        );
    }
    let _ = write!(s, "<line class=\"chart-axis\" x1=\"{LEFT}\" x2=\"{LEFT}\" y1=\"{TOP}\" y2=\"{:.1}\"/>", TOP + plot_h);
    let zero = y_of(0.0);
    let _ = write!(s, "<line class=\"chart-axis\" x1=\"{LEFT}\" x2=\"{}\" y1=\"{zero:.1}\" y2=\"{zero:.1}\"/>", WIDTH - RIGHT);
    if line {
        let path: Vec<String> = points.iter().enumerate().map(|(i, p)| format!("{:.1},{:.1}", x_of(i), y_of(p.1))).collect();
        let _ = write!(s, "<polyline class=\"chart-trend\" fill=\"none\" points=\"{}\"/>", path.join(" "));
        for (i, p) in points.iter().enumerate() {
            let _ = write!(s, "<circle class=\"chart-point\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\"/>", x_of(i), y_of(p.1));
        }
    } else {
        for (i, p) in points.iter().enumerate() {
            let (top, bottom) = if p.1 >= 0.0 { (y_of(p.1), zero) } else { (zero, y_of(p.1)) };
            let _ = write!(
                s,
                "<rect class=\"chart-bar\" x=\"{:.1}\" y=\"{top:.1}\" width=\"{:.1}\" height=\"{:.1}\"/>",
                x_of(i) - slot * 0.35,
                slot * 0.7,
                bottom - top
            );
        }
    }
    // Category labels, thinned out when there are too many to read.
    let every = points.len().div_ceil(12).max(1);
    for (i, p) in points.iter().enumerate().filter(|(i, _)| i % every == 0) {
        let _ =
            write!(s, "<text class=\"chart-label\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>", x_of(i), TOP + plot_h + 18.0, xml_escape(&p.0));
    }
    let _ = write!(
        s,
        "<text class=\"chart-axis-title\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
        LEFT + plot_w / 2.0,
        height - 8.0,
        xml_escape(x_name)
    );
    let _ = write!(
        s,
        "<text class=\"chart-axis-title\" transform=\"rotate(-90)\" x=\"{:.1}\" y=\"14\" text-anchor=\"middle\">{}</text></svg>",
        -(TOP + plot_h / 2.0),
        xml_escape(y_name)
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call<'c>(args: &'c [(&'c str, &'c Arg)]) -> Invocation<'c> {
        Invocation { name: "chart", args: args.to_vec(), body: None, source: Path::new("content/articles/a/index.md"), image: None }
    }

    #[test]
    fn a_chart_is_drawn_from_its_csv() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("content/articles/a")).unwrap();
        std::fs::write(dir.path().join("content/articles/a/d.csv"), "year,rate\n2020,1.5\n2021,-0.5\n2022,3\n").unwrap();
        let (csv, title, x, y) = (Arg::Str("d.csv".into()), Arg::Str("Rates <%>".into()), Arg::Str("year".into()), Arg::Str("rate".into()));
        let args = [("csv", &csv), ("title", &title), ("x", &x), ("y", &y)];
        let mut context = Context::new();
        prepare(dir.path(), &call(&args), &mut context).unwrap();
        let svg = context.get("svg").unwrap().as_str().unwrap().to_string();
        assert!(svg.contains("role=\"img\"") && svg.contains("<title>Rates &lt;%&gt;</title>") && svg.contains("<desc>"), "{svg}");
        assert_eq!(svg.matches("<rect").count(), 3);
        assert!(svg.contains(">-1</text>") && svg.contains(">3</text>"), "gridlines at round values: {svg}");
        let bad = Arg::Str("rates".into());
        let args = [("csv", &csv), ("title", &title), ("x", &x), ("y", &bad)];
        let e = prepare(dir.path(), &call(&args), &mut Context::new()).unwrap_err();
        assert_eq!(e.arg, Some(3));
        assert!(e.message.contains("no column \"rates\" (its columns are: year, rate)"), "{}", e.message);
        let missing = Arg::Str("nope.csv".into());
        let args = [("csv", &missing), ("title", &title), ("x", &x), ("y", &y)];
        assert_eq!(prepare(dir.path(), &call(&args), &mut Context::new()).unwrap_err().arg, Some(0));
    }
}
