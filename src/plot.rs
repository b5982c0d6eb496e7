//! ROC and precision-recall curves as one self-contained SVG, for `mtlint eval --plot`.
//!
//! A plotting crate would pull in font rendering and image backends for two polylines; a few lines of SVG
//! text do the job and keep the file readable in any browser.

use std::fmt::Write;

/// Points of the ROC curve (false-positive rate, true-positive rate), from the highest score down.
pub fn roc_points(scores: &[f64], labels: &[bool]) -> Vec<(f64, f64)> {
    curve(scores, labels, |tp, fp, pos, neg| (fp / neg.max(1.0), tp / pos.max(1.0)), (0.0, 0.0))
}

/// Points of the precision-recall curve (recall, precision).
pub fn pr_points(scores: &[f64], labels: &[bool]) -> Vec<(f64, f64)> {
    curve(scores, labels, |tp, fp, pos, _| (tp / pos.max(1.0), if tp + fp > 0.0 { tp / (tp + fp) } else { 1.0 }), (0.0, 1.0))
}

fn curve(scores: &[f64], labels: &[bool], point: impl Fn(f64, f64, f64, f64) -> (f64, f64), start: (f64, f64)) -> Vec<(f64, f64)> {
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let pos = labels.iter().filter(|l| **l).count() as f64;
    let neg = labels.len() as f64 - pos;
    let (mut tp, mut fp) = (0.0, 0.0);
    let mut out = vec![start];
    let mut i = 0;
    while i < order.len() {
        // A run of equal scores is one step of the curve.
        let s = scores[order[i]];
        while i < order.len() && scores[order[i]] == s {
            if labels[order[i]] {
                tp += 1.0
            } else {
                fp += 1.0
            }
            i += 1;
        }
        out.push(point(tp, fp, pos, neg));
    }
    out
}

fn panel(svg: &mut String, x0: f64, title: &str, xlabel: &str, ylabel: &str, points: &[(f64, f64)], diagonal: bool) {
    let (w, h, m) = (360.0, 360.0, 50.0);
    let px = |x: f64| x0 + m + x * (w - 2.0 * m);
    let py = |y: f64| h - m - y * (h - 2.0 * m);
    let _ = write!(svg, r##"<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="#888"/>"##, px(0.0), py(1.0), w - 2.0 * m, h - 2.0 * m);
    for t in [0.0, 0.25, 0.5, 0.75, 1.0] {
        let _ = write!(svg, r##"<text x="{}" y="{}" font-size="10" text-anchor="middle">{t}</text>"##, px(t), py(0.0) + 14.0);
        let _ = write!(svg, r##"<text x="{}" y="{}" font-size="10" text-anchor="end">{t}</text>"##, px(0.0) - 4.0, py(t) + 3.0);
    }
    let _ = write!(svg, r##"<text x="{}" y="20" font-size="14" text-anchor="middle">{title}</text>"##, px(0.5));
    let _ = write!(svg, r##"<text x="{}" y="{}" font-size="11" text-anchor="middle">{xlabel}</text>"##, px(0.5), h - 12.0);
    let _ = write!(svg, r##"<text x="{}" y="{}" font-size="11" text-anchor="middle" transform="rotate(-90 {} {})">{ylabel}</text>"##, x0 + 14.0, py(0.5), x0 + 14.0, py(0.5));
    if diagonal {
        let _ = write!(svg, r##"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#ccc" stroke-dasharray="4"/>"##, px(0.0), py(0.0), px(1.0), py(1.0));
    }
    let path: Vec<String> = points.iter().map(|(x, y)| format!("{:.2},{:.2}", px(*x), py(*y))).collect();
    let _ = write!(svg, r##"<polyline class="curve" fill="none" stroke="#c0392b" stroke-width="2" points="{}"/>"##, path.join(" "));
}

/// An SVG with the ROC curve (left) and the precision-recall curve (right), titled with their areas.
pub fn curves_svg(scores: &[f64], labels: &[bool], roc_auc: Option<f64>, pr_auc: Option<f64>) -> String {
    let fmt = |x: Option<f64>| x.map_or("n/a".to_string(), |v| format!("{v:.3}"));
    let mut svg = String::from(r##"<svg xmlns="http://www.w3.org/2000/svg" width="720" height="360" font-family="sans-serif">"##);
    svg.push_str(r##"<rect width="720" height="360" fill="white"/>"##);
    panel(&mut svg, 0.0, &format!("ROC (AUC {})", fmt(roc_auc)), "false-positive rate", "true-positive rate", &roc_points(scores, labels), true);
    panel(&mut svg, 360.0, &format!("Precision-recall (AP {})", fmt(pr_auc)), "recall", "precision", &pr_points(scores, labels), false);
    svg.push_str("</svg>\n");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roc_runs_from_origin_to_corner_and_steps_on_ties() {
        let p = roc_points(&[0.9, 0.8, 0.8, 0.1], &[true, true, false, false]);
        assert_eq!(p.first(), Some(&(0.0, 0.0)));
        assert_eq!(p.last(), Some(&(1.0, 1.0)));
        assert_eq!(p.len(), 4); // start + 3 distinct scores
        assert_eq!(p[1], (0.0, 0.5));
    }

    #[test]
    fn svg_has_both_curves_and_areas() {
        let svg = curves_svg(&[0.9, 0.2], &[true, false], Some(1.0), Some(1.0));
        assert_eq!(svg.matches("class=\"curve\"").count(), 2);
        assert!(svg.contains("ROC (AUC 1.000)") && svg.contains("AP 1.000"));
    }
}
