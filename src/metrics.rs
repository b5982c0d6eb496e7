//! Evaluation metrics: ROC-AUC, PR-AUC, and the confusion matrix at a threshold.
//!
//! linfa has a ROC implementation, but it works on its own dataset types and f32 scores; these few lines
//! over plain slices serve training (calibration checks), `mtlint eval` and the benches alike.

use serde::Serialize;

/// Area under the ROC curve: the probability that a random positive outscores a random negative
/// (ties count half). `None` when either class is empty.
pub fn roc_auc(scores: &[f64], labels: &[bool]) -> Option<f64> {
    let mut pairs: Vec<(f64, bool)> = scores.iter().copied().zip(labels.iter().copied()).collect();
    let pos = pairs.iter().filter(|p| p.1).count();
    let neg = pairs.len() - pos;
    if pos == 0 || neg == 0 {
        return None;
    }
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Mann-Whitney U with average ranks for ties.
    let mut rank_sum = 0.0;
    let mut i = 0;
    while i < pairs.len() {
        let mut j = i;
        while j + 1 < pairs.len() && pairs[j + 1].0 == pairs[i].0 {
            j += 1;
        }
        let avg_rank = (i + j) as f64 / 2.0 + 1.0;
        rank_sum += avg_rank * pairs[i..=j].iter().filter(|p| p.1).count() as f64;
        i = j + 1;
    }
    let u = rank_sum - (pos * (pos + 1)) as f64 / 2.0;
    Some(u / (pos as f64 * neg as f64))
}

/// Area under the precision-recall curve (average precision).
pub fn pr_auc(scores: &[f64], labels: &[bool]) -> Option<f64> {
    let pos = labels.iter().filter(|l| **l).count();
    if pos == 0 {
        return None;
    }
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let (mut tp, mut seen, mut ap) = (0usize, 0usize, 0.0);
    for &i in &order {
        seen += 1;
        if labels[i] {
            tp += 1;
            ap += tp as f64 / seen as f64;
        }
    }
    Some(ap / pos as f64)
}

/// Counts at a threshold (score > threshold is predicted positive).
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq)]
pub struct Confusion {
    pub true_positive: usize,
    pub false_positive: usize,
    pub true_negative: usize,
    pub false_negative: usize,
}

impl Confusion {
    pub fn at(scores: &[f64], labels: &[bool], threshold: f64) -> Self {
        let mut c = Confusion::default();
        for (s, l) in scores.iter().zip(labels) {
            match (*s > threshold, *l) {
                (true, true) => c.true_positive += 1,
                (true, false) => c.false_positive += 1,
                (false, false) => c.true_negative += 1,
                (false, true) => c.false_negative += 1,
            }
        }
        c
    }
    pub fn precision(&self) -> f64 {
        self.true_positive as f64 / (self.true_positive + self.false_positive).max(1) as f64
    }
    pub fn recall(&self) -> f64 {
        self.true_positive as f64 / (self.true_positive + self.false_negative).max(1) as f64
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_of_perfect_random_and_inverted_rankings() {
        let labels = [false, false, true, true];
        assert_eq!(roc_auc(&[0.1, 0.2, 0.8, 0.9], &labels), Some(1.0));
        assert_eq!(roc_auc(&[0.9, 0.8, 0.2, 0.1], &labels), Some(0.0));
        assert_eq!(roc_auc(&[0.5, 0.5, 0.5, 0.5], &labels), Some(0.5));
        assert_eq!(roc_auc(&[0.1, 0.6, 0.4, 0.9], &labels), Some(0.75));
        assert_eq!(roc_auc(&[0.1], &[true]), None);
    }

    #[test]
    fn average_precision_and_confusion() {
        let labels = [true, false, true, false];
        let scores = [0.9, 0.8, 0.7, 0.1];
        assert!((pr_auc(&scores, &labels).unwrap() - (1.0 + 2.0 / 3.0) / 2.0).abs() < 1e-12);
        let c = Confusion::at(&scores, &labels, 0.5);
        assert_eq!((c.true_positive, c.false_positive, c.true_negative, c.false_negative), (2, 1, 1, 0));
        assert!((c.f1() - 0.8).abs() < 1e-12);
    }
}
