//! Latency statistics over repeated runs.

use std::time::Duration;

use serde::Serialize;

/// A summary of latency samples, in milliseconds.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Latency {
    pub runs: usize,
    pub median_ms: f64,
    pub p99_ms: f64,
    pub mean_ms: f64,
    pub min_ms: f64,
    pub max_ms: f64,
}

impl Latency {
    /// Summarise `samples` (at least one).
    pub fn of(samples: &[Duration]) -> Latency {
        let mut sorted: Vec<f64> = samples.iter().map(|sample| sample.as_secs_f64() * 1_000.0).collect();
        sorted.sort_by(f64::total_cmp);
        let runs = sorted.len();
        let mean_ms = if runs == 0 { 0.0 } else { sorted.iter().sum::<f64>() / runs as f64 };
        Latency {
            runs,
            median_ms: percentile(&sorted, 50.0),
            p99_ms: percentile(&sorted, 99.0),
            mean_ms,
            min_ms: sorted.first().copied().unwrap_or(0.0),
            max_ms: sorted.last().copied().unwrap_or(0.0),
        }
    }
}

/// The nearest-rank percentile of sorted values (0 for none); the median of
/// an even count is the mean of the middle two.
pub fn percentile(sorted: &[f64], percent: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    if percent == 50.0 && sorted.len().is_multiple_of(2) {
        let middle = sorted.len() / 2;
        return (sorted[middle - 1] + sorted[middle]) / 2.0;
    }
    let rank = ((percent / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let values: Vec<f64> = (1..=200).map(f64::from).collect();
        assert_eq!(percentile(&values, 50.0), 100.5);
        assert_eq!(percentile(&values, 99.0), 198.0);
        assert_eq!(percentile(&values[..1], 99.0), 1.0);
        let latency = Latency::of(&[Duration::from_millis(2), Duration::from_millis(4), Duration::from_millis(3)]);
        assert_eq!(latency.median_ms, 3.0);
        assert_eq!(latency.p99_ms, 4.0);
    }
}
